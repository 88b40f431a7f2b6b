"""partners.reference_data and `manage.py load_reference_data`."""

from io import StringIO

import pytest
from django.core.management import call_command

from partners.identifiers import validate_local_government_code
from partners.models import LocalGovernment, Prefecture, Region, Theme
from partners.reference_data import (
    DOMAIN_THEMES,
    REGION_OF_PREFECTURE,
    SDG_THEMES,
    local_government_rows,
    prefecture_rows,
)

SDG_COLOURS = {
    1: "#E5243B",
    2: "#DDA63A",
    3: "#4C9F38",
    4: "#C5192D",
    5: "#FF3A21",
    6: "#26BDE2",
    7: "#FCC30B",
    8: "#A21942",
    9: "#FD6925",
    10: "#DD1367",
    11: "#FD9D24",
    12: "#BF8B2E",
    13: "#3F7E44",
    14: "#0A97D9",
    15: "#56C02B",
    16: "#00689D",
    17: "#19486A",
}


def load() -> str:
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    return out.getvalue()


def snapshot() -> tuple[list, list, list]:
    return (
        list(Prefecture.objects.order_by("code").values()),
        list(LocalGovernment.objects.order_by("code").values()),
        list(Theme.objects.order_by("slug").values()),
    )


@pytest.fixture
def loaded(db) -> str:
    return load()


# --- Plain data (no database) -----------------------------------------------------------


def test_every_prefecture_has_a_region_value():
    assert sorted(REGION_OF_PREFECTURE) == list(range(1, 48))
    assert set(REGION_OF_PREFECTURE.values()) == set(Region.values)
    assert REGION_OF_PREFECTURE[15] == Region.CHUBU  # Niigata
    assert REGION_OF_PREFECTURE[23] == Region.CHUBU  # Aichi
    assert REGION_OF_PREFECTURE[24] == Region.KINKI  # Mie


def test_prefecture_rows_are_the_47_prefectures():
    rows = list(prefecture_rows())
    assert [row["code"] for row in rows] == list(range(1, 48))
    assert rows[12] == {
        "code": 13,
        "name": "東京都",
        "kana": "とうきょうと",
        "name_en": "Tokyo",
        "region": "kanto",
    }


def test_local_government_rows_use_model_levels_and_clean_names():
    rows = list(local_government_rows())
    assert {row["level"] for row in rows} == set(LocalGovernment.Level.values)
    assert not [row for row in rows if " " in row["name"] or " " in row["kana"]]
    assert [row["code"] for row in rows] == sorted({row["code"] for row in rows})


def test_themes_have_unique_slugs_and_colours_in_hex():
    themes = SDG_THEMES + DOMAIN_THEMES
    assert len({theme.slug for theme in themes}) == len(themes)
    for theme in themes:
        assert len(theme.color) == 7
        int(theme.color[1:], 16)


# --- Loaded into the database -----------------------------------------------------------


@pytest.mark.django_db
def test_loads_47_prefectures(loaded):
    assert Prefecture.objects.count() == 47
    assert Prefecture.objects.get(code=1).region == Region.HOKKAIDO
    assert Prefecture.objects.get(code=47).name == "沖縄県"
    assert LocalGovernment.objects.filter(level=LocalGovernment.Level.PREFECTURE).count() == 47


@pytest.mark.django_db
def test_loads_more_than_1700_local_governments(loaded):
    assert LocalGovernment.objects.count() > 1700


@pytest.mark.django_db
def test_sapporo_chuo_is_a_ward(loaded):
    chuo = LocalGovernment.objects.get(name="札幌市中央区")
    assert chuo.code == "011011"
    assert chuo.level == LocalGovernment.Level.WARD
    assert chuo.kana == "さっぽろしちゅうおうく"
    assert chuo.prefecture_id == 1
    assert chuo.latitude is not None and chuo.longitude is not None


@pytest.mark.django_db
def test_chiyoda_is_a_special_ward(loaded):
    chiyoda = LocalGovernment.objects.get(code="131016")
    assert chiyoda.name == "千代田区"
    assert chiyoda.level == LocalGovernment.Level.SPECIAL_WARD
    assert LocalGovernment.objects.filter(level=LocalGovernment.Level.SPECIAL_WARD).count() == 23


@pytest.mark.django_db
def test_cities_towns_and_villages_exist(loaded):
    assert LocalGovernment.objects.get(code="011002").level == LocalGovernment.Level.CITY  # 札幌市
    assert LocalGovernment.objects.filter(level=LocalGovernment.Level.TOWN).exists()
    assert LocalGovernment.objects.filter(level=LocalGovernment.Level.VILLAGE).exists()


@pytest.mark.django_db
def test_every_loaded_code_validates(loaded):
    for code in LocalGovernment.objects.values_list("code", flat=True):
        assert validate_local_government_code(code) == code


@pytest.mark.django_db
def test_running_twice_changes_nothing(loaded):
    before = snapshot()
    output = load()
    assert snapshot() == before
    assert "(0 new" in output
    assert output.count("0 new") == 4


@pytest.mark.django_db
def test_command_prints_one_line(loaded):
    assert loaded.count("\n") == 1
    assert "47 prefectures (47 new)" in loaded


@pytest.mark.django_db
def test_loads_17_sdgs_with_official_colours(loaded):
    sdgs = Theme.objects.filter(kind=Theme.Kind.SDG)
    assert {theme.number: theme.color for theme in sdgs} == SDG_COLOURS
    assert sdgs.get(number=1).name_ja == "貧困をなくそう"
    assert sdgs.get(number=17).name_ja == "パートナーシップで目標を達成しよう"
    assert sdgs.get(number=2).slug == "sdg-2"
    assert Theme.objects.filter(kind=Theme.Kind.DOMAIN).count() == len(DOMAIN_THEMES)


@pytest.mark.django_db
def test_reload_restores_sdgs_but_keeps_staff_edits_of_domain_themes(loaded):
    Theme.objects.filter(slug="sdg-1").update(color="#000000", name_en="Edited")
    Theme.objects.filter(slug="tourism").update(name_ja="観光振興", color="#123456")
    Theme.objects.filter(slug="arts").delete()

    load()

    sdg = Theme.objects.get(slug="sdg-1")
    assert (sdg.color, sdg.name_en) == ("#E5243B", "No poverty")
    tourism = Theme.objects.get(slug="tourism")
    assert (tourism.name_ja, tourism.color) == ("観光振興", "#123456")
    assert Theme.objects.filter(slug="arts").exists()
