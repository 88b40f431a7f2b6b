"""Every URL pattern of the site, for the URL inventory and the tampering tests."""

from collections.abc import Iterator

from django.urls import URLPattern, URLResolver, get_resolver


def url_patterns(
    patterns: list | None = None, prefix: str = "", namespace: str = ""
) -> Iterator[tuple[str | None, str]]:
    """(namespaced name or None, full route) of every pattern, resolvers walked recursively
    (django-ninja's API, allauth, the admin and every app's urls.py)."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern).lstrip("^")
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        else:
            assert isinstance(pattern, URLPattern)
            yield (f"{namespace}{pattern.name}" if pattern.name else None), route
