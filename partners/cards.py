"""Rendered cards of postings and organisations, cached: the search, the posting list, the
directory and organisation pages show up to twenty at a time, and loading and rendering
twenty posting cards took ≈ 9 ms of CPU, about half of a search page's.

A card's HTML depends only on what it shows, the language, today's date (a posting's
freshness light) and the card template, never on who is looking (visibility is decided
before: callers pass the keys of what the person may see). All of these are in the cache
key, so nothing is ever invalidated by hand and an edit shows at once:
`Posting.updated_at` moves on every save and every status transition
(services.postings._transition), `Organisation.updated_at` on every save (verification and
logo changes included), `OrganisationStats.computed_at` on every roll-up of the trust
signals. Theme names are reference data edited in the admin: CARD_SECONDS bounds how long an
old name can show.

The posting page's own content (posting_body) is kept the same way: it depends on the
posting, its themes, the language and today's date, not on the reader.

Without Redis (the embedded default: a per-process memory cache) or while it is away
(sankangaku.cache fails open) the cards are simply rendered every time.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any

from django.core.cache import cache
from django.db.models import QuerySet
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from . import selectors
from .models import Organisation, Posting

POSTING_CARD_TEMPLATE = "partners/_posting_card.html"
ORGANISATION_CARD_TEMPLATE = "partners/_organisation_card.html"
POSTING_BODY_TEMPLATE = "partners/_posting_body.html"
CARD_SECONDS = 60 * 60


def _template_version(name: str) -> str:
    """Changes whenever the template's source does (a deploy), so old cards are not reused."""
    source = getattr(get_template(name).template, "source", "")
    return hashlib.blake2b(source.encode(), digest_size=6).hexdigest()


def _stamp(moment: datetime | None) -> str:
    return f"{moment.timestamp():.6f}" if moment else "-"


def _prefix(kind: str, template: str) -> str:
    return ":".join(
        (
            f"card:{kind}",
            _template_version(template),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
        )
    )


def _cards(
    kind: str,
    template: str,
    pks: Iterable[int],
    versions: Iterable[tuple[Any, ...]],
    load: Callable[[list[int]], list[Any]],
) -> list[SafeString]:
    """Cards for `pks`, in this order: from the cache, or loaded with `load` (objects in any
    order, each passed to the template as `kind`) and rendered. `versions` yields
    (pk, *stamps) for the keys that still exist (the others are left out); it is only read
    when there are keys (a lazy queryset: one query)."""
    order = list(pks)
    if not order:
        return []
    prefix = _prefix(kind, template)
    keys = {
        pk: ":".join((prefix, str(pk), *(_stamp(moment) for moment in stamps)))
        for pk, *stamps in versions
    }
    html = cache.get_many(list(keys.values()))
    missing = [pk for pk, key in keys.items() if key not in html]
    if missing:
        rendered = {
            keys[item.pk]: render_to_string(template, {kind: item}) for item in load(missing)
        }
        cache.set_many(rendered, CARD_SECONDS)
        html.update(rendered)
    return [mark_safe(html[keys[pk]]) for pk in order if keys.get(pk) in html]  # noqa: S308 - our own render


def posting_cards(pks: Iterable[int]) -> list[SafeString]:
    """The cards of these postings, in this order (keys no longer in the database are left
    out). Queries: one for the versions; for cards not in the cache, the two of
    selectors.posting_card_list."""
    order = list(pks)
    versions = (
        Posting.objects.filter(pk__in=order)
        .order_by()
        .values_list("pk", "updated_at", "organisation__updated_at")
    )
    return _cards("posting", POSTING_CARD_TEMPLATE, order, versions, selectors.posting_card_list)


def posting_cards_of(postings: QuerySet[Posting]) -> list[SafeString]:
    """The cards of the postings of this (ordered, sliced) queryset, in its order. Queries:
    one for the keys with their versions (not one for the keys, then one for the versions);
    for cards not in the cache, the two of selectors.posting_card_list."""
    rows = list(postings.values_list("pk", "updated_at", "organisation__updated_at"))
    return _cards(
        "posting",
        POSTING_CARD_TEMPLATE,
        [row[0] for row in rows],
        rows,
        selectors.posting_card_list,
    )


def organisation_cards(pks: Iterable[int]) -> list[SafeString]:
    """The cards of these organisations, in this order. Queries: one for the versions; for
    cards not in the cache, the two of selectors.organisation_card_list."""
    order = list(pks)
    versions = (
        Organisation.objects.filter(pk__in=order)
        .order_by()
        .values_list("pk", "updated_at", "stats__computed_at")
    )
    return _cards(
        "organisation",
        ORGANISATION_CARD_TEMPLATE,
        order,
        versions,
        selectors.organisation_card_list,
    )


def posting_body(posting: Posting) -> SafeString:
    """The posting page's own content (partners/_posting_body.html: status badges, title,
    text, details, themes), the same for everyone who may see the posting, keyed like a card
    by the posting's `updated_at`. The page has already loaded the posting (to check access),
    so a hit costs one cache read and no query; a miss reads the themes and renders. With it
    from the cache a reader's posting page cost 6.7–7.7 instead of 11.4–12.4 ms of CPU
    (in process, the load data set, old and new code alternately); it is the most requested
    page of benchmark_load's mix."""
    key = ":".join(
        (
            _prefix("posting-body", POSTING_BODY_TEMPLATE),
            str(posting.pk),
            _stamp(posting.updated_at),
        )
    )
    html = cache.get(key)
    if html is None:
        html = render_to_string(
            POSTING_BODY_TEMPLATE, {"posting": posting, "themes": list(posting.themes.all())}
        )
        cache.set(key, html, CARD_SECONDS)
    return mark_safe(html)  # noqa: S308 - our own render
