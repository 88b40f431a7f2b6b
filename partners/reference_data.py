"""Reference data as plain Python: regions, SDGs, domain themes, prefectures and local
governments.

Names, kana, codes and coordinates of prefectures and municipalities come from the installed
`japancode` package (MIT), read in place through importlib.resources, never copied into this
repository. `manage.py load_reference_data` writes all of it to the database.

Values are plain strings (`Region`, `LocalGovernment.Level`) rather than the model enums so that
this module imports without Django's app registry, e.g. from a data migration, which must not
import the current models. tests/partners/test_reference_data.py checks them against the enums.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources
from typing import Any, TypedDict

from django.core.exceptions import ValidationError

from .identifiers import validate_local_government_code

__all__ = [
    "DOMAIN_THEMES",
    "REGION_OF_PREFECTURE",
    "SDG_THEMES",
    "LocalGovernmentRow",
    "PrefectureRow",
    "ReferenceDataError",
    "ThemeSpec",
    "local_government_rows",
    "prefecture_rows",
]


class ReferenceDataError(ValueError):
    """The packaged data set contradicts what the portal relies on (a bad code, an unknown
    kind of municipality …). Raised rather than loading half-wrong reference data."""


# --- Regions (地方区分 as used by most national statistics) -------------------------------


def _regions() -> dict[int, str]:
    spans = [
        ("hokkaido", 1, 1),
        ("tohoku", 2, 7),
        ("kanto", 8, 14),
        # 15 Niigata, 16 Toyama, 17 Ishikawa, 18 Fukui, 19 Yamanashi, 20 Nagano, 21 Gifu,
        # 22 Shizuoka, 23 Aichi: Hokuriku, Koshin'etsu and Tokai together.
        ("chubu", 15, 23),
        ("kinki", 24, 30),
        ("chugoku", 31, 35),
        ("shikoku", 36, 39),
        ("kyushu", 40, 47),  # includes Okinawa
    ]
    return {code: region for region, first, last in spans for code in range(first, last + 1)}


REGION_OF_PREFECTURE: dict[int, str] = _regions()


# --- Themes -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ThemeSpec:
    """One row of `partners.models.Theme`; `number` is set for SDGs only."""

    slug: str
    name_ja: str
    name_en: str
    color: str
    position: int
    number: int | None = None

    @property
    def kind(self) -> str:
        return "sdg" if self.number is not None else "domain"


# (number, Japanese name as used by 外務省 and 国連広報センター, UN short name, UN colour).
# The space in goals 7 and 12 is where the official logos break the line.
_SDGS: list[tuple[int, str, str, str]] = [
    (1, "貧困をなくそう", "No poverty", "#E5243B"),
    (2, "飢餓をゼロに", "Zero hunger", "#DDA63A"),
    (3, "すべての人に健康と福祉を", "Good health and well-being", "#4C9F38"),
    (4, "質の高い教育をみんなに", "Quality education", "#C5192D"),
    (5, "ジェンダー平等を実現しよう", "Gender equality", "#FF3A21"),
    (6, "安全な水とトイレを世界中に", "Clean water and sanitation", "#26BDE2"),
    (7, "エネルギーをみんなに そしてクリーンに", "Affordable and clean energy", "#FCC30B"),
    (8, "働きがいも経済成長も", "Decent work and economic growth", "#A21942"),
    (9, "産業と技術革新の基盤をつくろう", "Industry, innovation and infrastructure", "#FD6925"),
    (10, "人や国の不平等をなくそう", "Reduced inequalities", "#DD1367"),
    (11, "住み続けられるまちづくりを", "Sustainable cities and communities", "#FD9D24"),
    (12, "つくる責任 つかう責任", "Responsible consumption and production", "#BF8B2E"),
    (13, "気候変動に具体的な対策を", "Climate action", "#3F7E44"),
    (14, "海の豊かさを守ろう", "Life below water", "#0A97D9"),
    (15, "陸の豊かさも守ろう", "Life on land", "#56C02B"),
    (16, "平和と公正をすべての人に", "Peace, justice and strong institutions", "#00689D"),
    (17, "パートナーシップで目標を達成しよう", "Partnerships for the goals", "#19486A"),
]

SDG_THEMES: tuple[ThemeSpec, ...] = tuple(
    ThemeSpec(
        slug=f"sdg-{number}",
        name_ja=name_ja,
        name_en=name_en,
        color=color,
        position=number,
        number=number,
    )
    for number, name_ja, name_en, color in _SDGS
)

# The regional issues and strengths people post about. Colours are muted on purpose so that
# they never compete with the SDG colours shown next to them.
_DOMAINS: list[tuple[str, str, str, str]] = [
    ("population", "人口減少対策", "Population decline", "#7A6F8E"),
    ("migration", "移住・定住", "Relocation and settlement", "#6F9A8D"),
    ("tourism", "観光", "Tourism", "#C08A5B"),
    ("local-industry", "地場産業", "Local industry", "#A67B5B"),
    ("business-succession", "事業承継", "Business succession", "#8A7B5C"),
    ("employment", "雇用・働き方", "Employment and ways of working", "#7C6A55"),
    ("agriculture", "農業", "Agriculture", "#7D9449"),
    ("fisheries", "水産業", "Fisheries", "#3E7C8C"),
    ("forestry", "林業", "Forestry", "#4E6B4A"),
    ("food", "食", "Food", "#B8925A"),
    ("health", "健康・医療", "Health and medical care", "#B56576"),
    ("welfare", "福祉", "Welfare", "#7E8F6B"),
    ("elderly-care", "高齢者福祉・介護", "Elderly care", "#9C7A97"),
    ("childcare", "子育て", "Childcare", "#D08C7E"),
    ("education", "教育", "Education", "#4F7CAC"),
    ("culture", "文化・伝統", "Culture and tradition", "#8E5B6E"),
    ("arts", "芸術", "Arts", "#9E6B8A"),
    ("sports", "スポーツ", "Sports", "#5C8E8A"),
    ("environment", "環境", "Environment", "#5E8C61"),
    ("energy", "エネルギー", "Energy", "#B59A48"),
    ("disaster-prevention", "防災", "Disaster prevention", "#A0524D"),
    ("mobility", "交通・モビリティ", "Transport and mobility", "#6B8299"),
    ("dx", "デジタル化・DX", "Digitalisation and DX", "#5B6C8F"),
]

DOMAIN_THEMES: tuple[ThemeSpec, ...] = tuple(
    ThemeSpec(slug=slug, name_ja=name_ja, name_en=name_en, color=color, position=position)
    for position, (slug, name_ja, name_en, color) in enumerate(_DOMAINS, start=1)
)


# --- Prefectures and local governments (from japancode) ---------------------------------


class PrefectureRow(TypedDict):
    code: int
    name: str
    kana: str
    name_en: str
    region: str


class LocalGovernmentRow(TypedDict):
    code: str
    prefecture_code: int
    name: str
    kana: str
    level: str
    latitude: float | None
    longitude: float | None


def _load_japancode(filename: str) -> list[dict[str, Any]]:
    text = resources.files("japancode").joinpath("data", filename).read_text(encoding="utf-8")
    rows = json.loads(text)
    if not isinstance(rows, list):
        raise ReferenceDataError(f"japancode's {filename} is not a list of rows")
    return rows


def prefecture_rows() -> Iterator[PrefectureRow]:
    """Yield the 47 prefectures in code order. Kana is hiragana, as in the data set."""
    for raw in sorted(_load_japancode("prefectures.json"), key=lambda row: int(row["pid"])):
        code = int(raw["pid"])
        if code not in REGION_OF_PREFECTURE:
            raise ReferenceDataError(f"unknown prefecture number {raw['pid']!r}")
        yield PrefectureRow(
            code=code,
            name=raw["pref"],
            kana=raw["prefkana"],
            name_en=raw["pref_en"],
            region=REGION_OF_PREFECTURE[code],
        )


def _level_of(prefecture_code: int, raw_name: str) -> str:
    # japancode writes a ward of a designated city as "札幌市 中央区"; the space is the only
    # thing that tells it apart from a Tokyo special ward or a city.
    if " " in raw_name:
        return "ward"
    if prefecture_code == 13 and raw_name.endswith("区"):
        return "special_ward"
    for suffix, level in (("市", "city"), ("町", "town"), ("村", "village")):
        if raw_name.endswith(suffix):
            return level
    raise ReferenceDataError(f"cannot tell what kind of municipality {raw_name!r} is")


def _checked_code(raw_code: str, prefecture_code: int, what: str) -> str:
    # japancode's municipality codes have lost their leading zero in prefectures 01-09
    # ("11002" is 011002); its prefecture codes keep theirs.
    code = str(raw_code).zfill(6)
    try:
        validate_local_government_code(code)
    except ValidationError as error:
        raise ReferenceDataError(f"{what}: invalid local government code {raw_code!r}") from error
    if int(code[:2]) != prefecture_code:
        raise ReferenceDataError(f"{what}: code {code} is not in prefecture {prefecture_code}")
    return code


def local_government_rows() -> Iterator[LocalGovernmentRow]:
    """Yield every prefecture and municipality (including the wards of designated cities) in
    code order, one plain dict each.

    Names and kana lose the space japancode puts between a designated city and its ward
    ("札幌市 中央区" → "札幌市中央区"). Prefectures have no coordinates in the data set, so theirs
    are None. Raises ReferenceDataError if any code fails `validate_local_government_code`,
    disagrees with its prefecture, or occurs twice, so bad data never reaches the database.
    """
    rows: list[LocalGovernmentRow] = []
    for raw in _load_japancode("prefectures.json"):
        prefecture_code = int(raw["pid"])
        rows.append(
            LocalGovernmentRow(
                code=_checked_code(raw["lgcode"], prefecture_code, raw["pref"]),
                prefecture_code=prefecture_code,
                name=raw["pref"],
                kana=raw["prefkana"].replace(" ", ""),
                level="prefecture",
                latitude=None,
                longitude=None,
            )
        )
    for raw in _load_japancode("municipalities.json"):
        prefecture_code = int(raw["pid"])
        raw_name = raw["city"].strip()
        rows.append(
            LocalGovernmentRow(
                code=_checked_code(raw["lgcode"], prefecture_code, f"{raw['pref']}{raw_name}"),
                prefecture_code=prefecture_code,
                name=raw_name.replace(" ", ""),
                kana=raw["citykana"].replace(" ", ""),
                level=_level_of(prefecture_code, raw_name),
                latitude=_coordinate(raw.get("lat")),
                longitude=_coordinate(raw.get("lng")),
            )
        )
    seen: set[str] = set()
    for row in rows:
        if row["code"] in seen:
            raise ReferenceDataError(f"local government code {row['code']} occurs twice")
        seen.add(row["code"])
    yield from sorted(rows, key=lambda row: row["code"])


def _coordinate(value: Any) -> float | None:
    if value is None or value == "":
        return None
    return float(value)
