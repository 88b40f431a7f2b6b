"""Plain sentences explaining a proposal, in the reader's language, from the stored
breakdown (so a proposal computed in Japanese reads in English for an English user)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from partners.models import FundingRoute, Theme

from .core import DEFAULT_WEIGHTS, SIGNALS

SIGNAL_LABELS = {
    "complement": gettext_noop("Need and offer fit"),
    "shared_goal": gettext_noop("Shared goals"),
    "ngram": gettext_noop("Similar wording"),
    "theme": gettext_noop("Shared themes"),
    "geography": gettext_noop("Place"),
    "timing": gettext_noop("Timing"),
    "scale": gettext_noop("Scale"),
}


@dataclass
class Bar:
    label: str
    value: float  # the signal, 0–1
    weighted: float  # its share of the score, 0–1


def _domain_themes(breakdown: dict[str, Any]) -> list[str]:
    """The shared themes a sentence names (SDGs are shown as chips, not in words)."""
    return [s for s in breakdown.get("shared_themes") or [] if not s.startswith("sdg-")]


def theme_names(breakdowns: Iterable[dict[str, Any]]) -> dict[str, str]:
    """slug → name (in the active language) of every theme the sentences of these
    breakdowns name, a triad's two halves included: one query for a whole list, none when
    nothing is shared (a query per proposal was an N+1 on the posting page)."""
    slugs: set[str] = set()
    for breakdown in breakdowns:
        for part in (breakdown, breakdown.get("first") or {}, breakdown.get("second") or {}):
            slugs.update(_domain_themes(part))
    if not slugs:
        return {}
    # Unordered, and only the names: an ORDER BY costs the compiler a pass over the columns.
    themes = Theme.objects.filter(slug__in=slugs).order_by().only("slug", "name_ja", "name_en")
    return {theme.slug: theme.name for theme in themes}


def sentences(
    breakdown: dict[str, Any],
    *,
    names: Mapping[str, str],
    funding_route: str = "",
    with_keywords: bool = False,
) -> list[str]:
    """Reasons in plain sentences; `names` from theme_names(). Pages show the shared
    keywords highlighted on their own, so they join the sentences only when asked (emails,
    plain text)."""
    signals = breakdown.get("signals", {})
    lines = []
    words = breakdown.get("shared_words") or []
    if words and with_keywords:
        lines.append(_("Shared keywords: %(words)s.") % {"words": "、".join(words)})
    domain = _domain_themes(breakdown)
    if domain:
        themes = "、".join(names.get(slug, slug) for slug in domain)
        lines.append(_("Shared themes: %(themes)s.") % {"themes": themes})
    geography = signals.get("geography")
    distance = breakdown.get("distance_km")
    if geography is not None:
        if geography >= 1.0:
            lines.append(_("In the same municipality."))
        elif geography >= 0.8:
            lines.append(_("In the same prefecture."))
        elif geography >= 0.55:
            lines.append(_("In the same region."))
        elif distance is not None:
            lines.append(
                ngettext("About %(km)d km apart.", "About %(km)d km apart.", int(distance))
                % {"km": int(distance)}
            )
        if geography >= 0.6 and distance is not None and distance > 150:
            lines.append(_("Far apart, but online work is possible."))
    timing = signals.get("timing")
    if timing is not None:
        if timing >= 0.99:
            lines.append(_("Their periods overlap."))
        elif timing <= 0.3:
            lines.append(_("Their periods do not fit well."))
    if funding_route == FundingRoute.CORPORATE_FURUSATO:
        lines.append(
            _("A corporate hometown tax donation is possible: the head office is elsewhere.")
        )
    return lines


def bars(breakdown: dict[str, Any]) -> list[Bar]:
    signals = breakdown.get("signals", {})
    return [
        Bar(
            label=_(SIGNAL_LABELS[name]),
            value=float(signals.get(name, 0.0)),
            weighted=float(signals.get(name, 0.0)) * DEFAULT_WEIGHTS[name],
        )
        for name in SIGNALS
        if name in signals
    ]
