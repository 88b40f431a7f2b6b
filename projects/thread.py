"""Rendered messages of a project's thread, cached: the thread shows thirty at a time, and
loading them as model instances and rendering them took about a third of the thread's CPU.

Like partners.cards, nothing is invalidated by hand. A message's HTML depends only on what
it shows (selectors.ThreadMessage: its text, flags and attachment name, the author's and the
organisation's names, the names of the people it notified), the language, the time zone and
the template, never on who is looking (the caller already checked that they may read the
thread). The cache key is a digest of all of these, read fresh with every page (two light
queries), so a renamed author, an edited message or a changed template shows at once; old
entries simply expire.

Without Redis (a per-process memory cache) or while it is away (sankangaku.cache fails
open) the messages are rendered every time.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .selectors import ThreadMessage

MESSAGE_TEMPLATE = "projects/_message.html"
# Entries never go stale (the key is their content); this only bounds what Redis keeps.
MESSAGE_SECONDS = 24 * 60 * 60


def _template_version() -> str:
    """Changes whenever the template's source does (a deploy), so old HTML is not reused."""
    source = getattr(get_template(MESSAGE_TEMPLATE).template, "source", "")
    return hashlib.blake2b(source.encode(), digest_size=6).hexdigest()


def _key(prefix: str, message: ThreadMessage) -> str:
    # repr() spells out every field (names included) and is stable for str, bool, int,
    # datetime and tuples of str.
    digest = hashlib.blake2b(repr(message).encode(), digest_size=12).hexdigest()
    return f"{prefix}:{message.pk}:{digest}"


def message_items(messages: list[ThreadMessage]) -> list[SafeString]:
    """The `<li>` of each message, in order: from the cache, or rendered and stored."""
    if not messages:
        return []
    prefix = ":".join(
        (
            "thread:message",
            _template_version(),
            translation.get_language() or "",
            timezone.get_current_timezone_name(),
        )
    )
    keys = [_key(prefix, message) for message in messages]
    html = cache.get_many(keys)
    missing = {
        key: render_to_string(MESSAGE_TEMPLATE, {"message": message}).strip()
        for key, message in zip(keys, messages, strict=True)
        if key not in html
    }
    if missing:
        cache.set_many(missing, MESSAGE_SECONDS)
        html.update(missing)
    return [mark_safe(html[key]) for key in keys]  # noqa: S308 - our own render
