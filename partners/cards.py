"""Rendered posting cards, cached: the search, the posting list and organisation pages show
up to twenty at a time, and loading and rendering them was most of those pages' work.

A card's HTML depends only on the posting, its organisation's name, the language, today's
date (the freshness light) and the card template, never on who is looking (visibility is
decided before: callers pass the keys of postings the person may see). All of these are in
the cache key, so nothing is ever invalidated by hand and an edit shows at once:
`Posting.updated_at` moves on every save and every status transition
(services.postings._transition), `Organisation.updated_at` on every save. Theme names are
reference data edited in the admin: CARD_SECONDS bounds how long an old name can show.

Without Redis (the embedded default: a per-process memory cache) or while it is away
(sankangaku.cache fails open) the cards are simply rendered every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from . import selectors
from .models import Posting

POSTING_CARD_TEMPLATE = "partners/_posting_card.html"
CARD_SECONDS = 60 * 60


def _template_version(name: str) -> str:
    """Changes whenever the template's source does (a deploy), so old cards are not reused."""
    source = getattr(get_template(name).template, "source", "")
    return hashlib.blake2b(source.encode(), digest_size=6).hexdigest()


def _stamp(moment: datetime | None) -> str:
    return f"{moment.timestamp():.6f}" if moment else "-"


def posting_cards(pks: Sequence[int]) -> list[SafeString]:
    """The cards of these postings, in this order (keys no longer in the database are left
    out). Queries: one for the versions; for cards not in the cache, the two of
    selectors.posting_card_list."""
    pks = list(pks)
    if not pks:
        return []
    prefix = ":".join(
        (
            "card:posting",
            _template_version(POSTING_CARD_TEMPLATE),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
        )
    )
    keys = {
        pk: f"{prefix}:{pk}:{_stamp(updated)}:{_stamp(organisation_updated)}"
        for pk, updated, organisation_updated in Posting.objects.filter(pk__in=pks).values_list(
            "pk", "updated_at", "organisation__updated_at"
        )
    }
    html = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in html]
    if missing:
        rendered = {
            keys[posting.pk]: render_to_string(POSTING_CARD_TEMPLATE, {"posting": posting})
            for posting in selectors.posting_card_list(missing)
        }
        cache.set_many(rendered, CARD_SECONDS)
        html.update(rendered)
    return [mark_safe(html[keys[pk]]) for pk in pks if keys.get(pk) in html]  # noqa: S308 - our own render
