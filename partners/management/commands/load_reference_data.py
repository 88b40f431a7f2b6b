"""`manage.py load_reference_data`: upsert prefectures, local governments and themes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from partners import reference_data
from partners.models import LocalGovernment, Prefecture, Theme


@dataclass(frozen=True)
class LoadResult:
    prefectures: int
    prefectures_new: int
    local_governments: int
    local_governments_new: int
    local_governments_not_in_data: int
    sdg_themes: int
    sdg_themes_new: int
    domain_themes: int
    domain_themes_new: int

    def summary(self) -> str:
        return (
            f"Reference data: {self.prefectures} prefectures ({self.prefectures_new} new), "
            f"{self.local_governments} local governments ({self.local_governments_new} new, "
            f"{self.local_governments_not_in_data} kept that the data set no longer has), "
            f"{self.sdg_themes} SDG themes ({self.sdg_themes_new} new, all refreshed), "
            f"{self.domain_themes} domain themes ({self.domain_themes_new} new, "
            f"existing ones left as staff edited them)."
        )


def reference_data_load() -> LoadResult:
    """Upsert all reference data in one transaction and return what happened.

    Idempotent: a second run writes the same values and creates nothing. Rows the data set no
    longer has (e.g. a municipality merged away) are kept, because organisations point at them
    with PROTECT foreign keys; they are only counted. Raises
    `reference_data.ReferenceDataError` (and writes nothing) if the packaged data is bad.
    """
    # Read and check everything before the transaction starts, so a bad data set fails fast
    # without holding locks.
    prefectures = [
        Prefecture(
            code=row["code"],
            name=row["name"],
            kana=row["kana"],
            name_en=row["name_en"],
            region=row["region"],
        )
        for row in reference_data.prefecture_rows()
    ]
    local_governments = [
        LocalGovernment(
            code=row["code"],
            prefecture_id=row["prefecture_code"],
            name=row["name"],
            kana=row["kana"],
            level=row["level"],
            latitude=row["latitude"],
            longitude=row["longitude"],
        )
        for row in reference_data.local_government_rows()
    ]

    def theme(spec: reference_data.ThemeSpec) -> Theme:
        return Theme(
            slug=spec.slug,
            kind=spec.kind,
            number=spec.number,
            name_ja=spec.name_ja,
            name_en=spec.name_en,
            color=spec.color,
            position=spec.position,
        )

    with transaction.atomic():
        prefecture_codes = set(Prefecture.objects.values_list("code", flat=True))
        lg_codes = set(LocalGovernment.objects.values_list("code", flat=True))
        theme_slugs = set(Theme.objects.values_list("slug", flat=True))

        # bulk_create(update_conflicts=…) is INSERT … ON CONFLICT DO UPDATE on both SQLite and
        # PostgreSQL: one statement per batch instead of ~2,000 update_or_create round trips.
        Prefecture.objects.bulk_create(
            prefectures,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["name", "kana", "name_en", "region"],
        )
        LocalGovernment.objects.bulk_create(
            local_governments,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["code"],
            update_fields=["prefecture", "name", "kana", "level", "latitude", "longitude"],
        )
        # SDG rows are authoritative (the UN's names and colours), so they are refreshed on
        # every run; `is_active` is left alone so that staff can still hide a goal.
        Theme.objects.bulk_create(
            [theme(spec) for spec in reference_data.SDG_THEMES],
            update_conflicts=True,
            unique_fields=["slug"],
            update_fields=["kind", "number", "name_ja", "name_en", "color", "position"],
        )
        # Domain themes are only created when missing: staff rename, recolour, reorder and
        # deactivate them in the admin, and a reload must not undo that. (A domain theme that
        # staff deleted comes back; deactivating is the way to retire one.)
        Theme.objects.bulk_create(
            [theme(spec) for spec in reference_data.DOMAIN_THEMES if spec.slug not in theme_slugs],
            ignore_conflicts=True,
        )

    loaded_lg_codes = {lg.code for lg in local_governments}
    return LoadResult(
        prefectures=len(prefectures),
        prefectures_new=len({p.code for p in prefectures} - prefecture_codes),
        local_governments=len(local_governments),
        local_governments_new=len(loaded_lg_codes - lg_codes),
        local_governments_not_in_data=len(lg_codes - loaded_lg_codes),
        sdg_themes=len(reference_data.SDG_THEMES),
        sdg_themes_new=sum(spec.slug not in theme_slugs for spec in reference_data.SDG_THEMES),
        domain_themes=len(reference_data.DOMAIN_THEMES),
        domain_themes_new=sum(
            spec.slug not in theme_slugs for spec in reference_data.DOMAIN_THEMES
        ),
    )


class Command(BaseCommand):
    help = (
        "Load or refresh prefectures, local governments (from the japancode package) and "
        "themes (the 17 SDGs and the domain themes). Safe to run again at any time."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = reference_data_load()
        self.stdout.write(self.style.SUCCESS(result.summary()))
