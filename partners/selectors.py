"""Reads for partners. Querysets start from what the user may see."""

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, overload

from allauth.account.models import EmailAddress
from django.contrib.postgres.search import SearchQueryField, SearchVectorField
from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Expression,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.http import HttpRequest
from django.utils import timezone

from matching.analysis import char_ngrams, content_tokens
from sankangaku.accounts.models import User

from .models import (
    Invitation,
    Membership,
    Organisation,
    Posting,
    PostingStatus,
    Prefecture,
    Theme,
    VerificationStatus,
)

CURRENT_ORGANISATION_SESSION_KEY = "current_organisation_id"


def membership_list_for(*, user: User) -> list[Membership]:
    from .access import memberships_of

    return memberships_of(user)


def current_organisation_for(
    *, request: HttpRequest, memberships: list[Membership] | None = None
) -> Organisation | None:
    memberships = memberships if memberships is not None else membership_list_for(user=request.user)
    if not memberships:
        return None
    wanted = request.session.get(CURRENT_ORGANISATION_SESSION_KEY)
    for membership in memberships:
        if membership.organisation_id == wanted:
            return membership.organisation
    return memberships[0].organisation


def organisation_public_list() -> QuerySet[Organisation]:
    """Organisations anyone may see in the directory: all but refused ones."""
    # `stats`: the stored trust signals the cards show (issue #7), joined to avoid N+1.
    return Organisation.objects.exclude(verification_status="rejected").select_related(
        "prefecture", "location__prefecture", "stats"
    )


def organisation_card_list(pks: Sequence[int]) -> list[Organisation]:
    """These organisations (any order) with what a card shows: places, stats, themes."""
    return list(organisation_public_list().filter(pk__in=pks).prefetch_related("themes").order_by())


def organisation_filter(
    *,
    organisations: QuerySet[Organisation],
    q: str = "",
    kind: str = "",
    prefecture: Prefecture | None = None,
    verified: bool = False,
) -> QuerySet[Organisation]:
    """Directory filters. The name search is a plain substring match on name and kana; the
    ranked Japanese search arrives with postings."""
    q = " ".join(q.split())
    for word in q.split(" ") if q else []:
        organisations = organisations.filter(
            Q(name__icontains=word) | Q(name_kana__icontains=word) | Q(description__icontains=word)
        )
    if kind:
        organisations = organisations.filter(kind=kind)
    if prefecture is not None:
        organisations = organisations.filter(prefecture=prefecture)
    if verified:
        organisations = organisations.filter(verification_status=VerificationStatus.VERIFIED)
    return organisations.order_by("name", "pk")


def invitation_list_for(*, user: User) -> QuerySet[Invitation]:
    """Pending, unexpired invitations addressed to any of the user's verified emails."""
    emails = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return (
        Invitation.objects.filter(
            email__in=[e.lower() for e in emails],
            status=Invitation.Status.PENDING,
            expires_at__gt=timezone.now(),
        )
        .select_related("organisation", "invited_by")
        .order_by("-created_at")
    )


def verification_queue_for(*, user: User) -> QuerySet[Organisation]:
    """Organisations waiting for a coordinator, in the coordinator's prefectures; those who
    asked first come first, then unverified ones that have not asked yet."""
    from .access import coordinator_prefecture_codes

    organisations = (
        Organisation.objects.filter(
            verification_status__in=[VerificationStatus.PENDING, VerificationStatus.UNVERIFIED]
        )
        .select_related("prefecture", "location__prefecture")
        .annotate(member_count=Count("memberships"))
        .order_by(F("verification_requested_at").asc(nulls_last=True), "created_at")
    )
    codes = coordinator_prefecture_codes(user)
    if codes is not None:
        organisations = organisations.filter(prefecture_id__in=codes)
    return organisations


# --- Postings ---------------------------------------------------------------------------

SORTS = ("relevance", "newest", "deadline")

# The search ranks and pages at most this many matches: the newest SEARCH_CAP for a relevance
# or "newest" search, those with the nearest deadlines for a deadline search. Ranking every
# match of a common word (地域 occurs in most postings) sorted tens of thousands of rows per
# request (benchmark_search: p95 ≈ 0.5–0.9 s at 100,000 postings); walking the index of open
# postings by (published_at DESC, id DESC) and stopping after SEARCH_CAP + 1 matches keeps
# the work bounded. 500 = 25 pages of 20, more than anyone reads; beyond it the page says
# "more than 500" and the user adds a word or a filter. Measured at 100,000 postings, 1,000
# about doubled the cost of the common-word searches and missed p95 < 50 ms (QUALITY.md).
SEARCH_CAP = 500
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class _StoredSearchVector(Expression):
    """The generated tsvector column of migration 0005 (PostgreSQL only).

    Not a model field (SQLite has no such column), so it is named through the alias this
    query gives the posting table: right in subqueries too, unlike QuerySet.extra()."""

    output_field = SearchVectorField()

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        alias = compiler.quote_name_unless_alias(compiler.query.get_initial_alias())
        return f"{alias}.{connection.ops.quote_name('search_tokens_tsv')}", []


class _NgramVector(Func):
    """to_tsvector('simple', <column>): exactly the expression of the GIN index of migration
    0003, so that the planner can use it."""

    template = "to_tsvector('simple'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


class _TsMatch(Func):
    """`vector @@ query`, usable in filter()."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


class _TsRank(Func):
    function = "ts_rank"
    output_field = FloatField()


def _ts_query(words: list[str]) -> Func:
    """plainto_tsquery('simple', …): every one of the analysed words."""
    return _ts_function("plainto_tsquery", " ".join(words))


def _ts_query_raw(text: str) -> Func:
    """to_tsquery('simple', …) of a query written with _lexeme, & and |."""
    return _ts_function("to_tsquery", text)


def _ts_function(function: str, text: str) -> Func:
    return Func(
        Value(text),
        function=function,
        template="%(function)s('simple'::regconfig, %(expressions)s)",
        output_field=SearchQueryField(),
    )


def _lexeme(word: str) -> str:
    """One analysed word quoted as a single tsquery lexeme."""
    return "'" + word.replace("\\", "").replace("'", "''") + "'"


def _text_filter(postings: QuerySet[Posting], column: str, words: list[str]) -> QuerySet[Posting]:
    """Postings whose analysed `column` holds every word. PostgreSQL: full-text match with
    the 'simple' configuration on a GIN-indexed vector: the stored one (migrations 0005, 0006)
    or the n-gram expression (0003). SQLite (the embedded demo): a substring match per word."""
    if connection.vendor == "postgresql":
        vector = _StoredSearchVector() if column == "search_tokens" else _NgramVector(column)
        return postings.filter(_TsMatch(vector, _ts_query(words)))
    for word in words:
        postings = postings.filter(**{f"{column}__contains": word})
    return postings


def _ranked_newest(postings: QuerySet[Posting], words: list[str]) -> list[int]:
    """Keys of the SEARCH_CAP + 1 newest postings holding every word, most relevant first
    (ties: newest first).

    PostgreSQL: the capped keys come from a subquery (an index walk or a bitmap scan, as the
    planner sees fit) and ts_rank on the stored vector runs in the outer query over those keys
    only, so it costs at most SEARCH_CAP + 1 evaluations whatever the plan (inside one sort it
    would run on every match). SQLite: the rank is how often the words occur.
    """
    matched = _text_filter(postings, "search_tokens", words).order_by("-published_at", "-pk")
    rows: list[tuple[int, datetime | None, float]]
    if connection.vendor == "postgresql":
        keys = matched.values("pk")[: SEARCH_CAP + 1]
        rows = list(
            Posting.objects.filter(pk__in=keys)
            .annotate(rank=_TsRank(_StoredSearchVector(), _ts_query(words)))
            .order_by()  # sorted below
            .values_list("pk", "published_at", "rank")
        )
        # Newest first, as ORDER BY published_at DESC, id DESC (NULLs first).
        rows.sort(key=lambda r: (r[1] is None, r[1] or _EPOCH, r[0]), reverse=True)
    else:
        rows = [
            (pk, None, float(sum(tokens.split().count(w) for w in words)))
            for pk, tokens in matched.values_list("pk", "search_tokens")[: SEARCH_CAP + 1]
        ]
    # Keep the cap's extra row last whatever its rank: it only says "there are more".
    kept = sorted(rows[:SEARCH_CAP], key=lambda r: -r[2])  # stable: ties stay newest first
    return [r[0] for r in kept + rows[SEARCH_CAP:]]


@dataclass
class PostingSearchResults:
    """The ordered result of posting_search: primary keys in memory, rows loaded per slice.

    A sequence for django.core.paginator.Paginator: len() is the number of matches kept (at
    most SEARCH_CAP, so counting is free); a slice loads just those postings with their
    organisation, places and themes (2 queries; the API's pages). The web pages paginate
    `pks` and show partners.cards instead. `capped` means that more
    than SEARCH_CAP postings matched: pages show "more than SEARCH_CAP", not a count.
    """

    pks: list[int]
    capped: bool = False
    cap: int = SEARCH_CAP

    def __len__(self) -> int:
        return len(self.pks)

    @overload
    def __getitem__(self, index: int) -> Posting: ...
    @overload
    def __getitem__(self, index: slice) -> list[Posting]: ...
    def __getitem__(self, index: int | slice) -> Posting | list[Posting]:
        if isinstance(index, slice):
            return _postings_in_order(self.pks[index])
        return _postings_in_order([self.pks[index]])[0]

    def __iter__(self) -> Iterator[Posting]:
        return iter(self[:])


def _postings_in_order(pks: Sequence[int], *, only: Sequence[str] | None = None) -> list[Posting]:
    """These postings, in this order, with organisation, places and themes (2 queries):
    whole (the API's answers) or, with `only`, just those fields."""
    if not pks:
        return []
    postings = (
        Posting.objects.filter(pk__in=pks)
        .select_related("organisation", "prefecture", "location__prefecture")
        .prefetch_related("themes")
    )
    # The analysed search columns are large and never shown.
    postings = postings.only(*only) if only else postings.defer("search_tokens", "search_ngrams")
    rows = postings.in_bulk()
    return [rows[pk] for pk in pks if pk in rows]


# What partners/_posting_card.html reads: loading only these (not the long texts, the
# analysed search columns or the organisation's profile) halves the cost of loading a page
# of cards (measured: 5.0 → 2.3 ms of CPU for twenty).
POSTING_CARD_FIELDS = (
    "title",
    "direction",
    "is_open_call",
    "status",
    "expires_on",
    "body",
    "place_scope",
    "online_ok",
    "organisation__name",
    "prefecture",
    "location",
)


def posting_card_list(pks: Sequence[int]) -> list[Posting]:
    """These postings, in this order, with what a card shows (2 queries)."""
    return _postings_in_order(pks, only=POSTING_CARD_FIELDS)


def posting_search(
    *,
    user: User,
    q: str = "",
    direction: str = "",
    kind: str = "",
    prefecture: Prefecture | None = None,
    region: str = "",
    theme: Theme | None = None,
    funding: str = "",
    grade: int | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    sort: str = "",
) -> PostingSearchResults:
    """Open postings the user may see, filtered and sorted, at most SEARCH_CAP of them.

    The text is analysed like the postings (matching.analysis): Sudachi's normalised content
    words must all occur; when the words find nothing (unknown names, partial words), the
    character-bigram column is tried instead. By relevance (the default with text), the
    SEARCH_CAP newest word matches are ordered by ts_rank, then newest first (n-gram matches:
    newest first); "newest" and "deadline" are exact over the first SEARCH_CAP. Queries: 1
    for the ordered keys (+1 when the words find nothing and the n-grams are tried), then 2
    per page read (postings with their relations, themes).
    """
    from .access import posting_visible_q

    postings = Posting.objects.filter(posting_visible_q(user), status=PostingStatus.OPEN)
    if direction:
        postings = postings.filter(direction=direction)
    if kind:
        postings = postings.filter(organisation__kind=kind)
    if prefecture is not None:
        postings = postings.filter(prefecture=prefecture)
    if region:
        postings = postings.filter(prefecture__region=region)
    if theme is not None:
        postings = postings.filter(themes=theme)
    if funding:
        postings = postings.filter(funding_route=funding)
    if grade is not None:
        postings = postings.filter(grade_from__lte=grade, grade_to__gte=grade)
    if period_from is not None:
        postings = postings.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period_from))
    if period_to is not None:
        postings = postings.filter(Q(starts_on__isnull=True) | Q(starts_on__lte=period_to))

    has_text = bool(q.strip())
    sort = sort if sort in SORTS else ("relevance" if has_text else "newest")
    if sort == "deadline":
        ordering: tuple[Any, ...] = (
            F("call_deadline").asc(nulls_last=True),
            F("ends_on").asc(nulls_last=True),
            "expires_on",
            "-pk",
        )
    else:
        ordering = ("-published_at", "-pk")
    words = content_tokens(q) if has_text else []
    # Words first; when they find nothing, the character bigrams (partial words, names).
    searches = [("search_tokens", words)] if words else []
    if has_text:
        searches.append(("search_ngrams", char_ngrams(q)))
    pks: list[int] = []
    for column, terms in searches or [("", [])]:
        if column == "search_tokens" and sort == "relevance":
            pks = _ranked_newest(postings, terms)
        else:
            # No rank for n-gram matches: each holds every bigram of the partial word, and
            # ts_rank would need to_tsvector of the whole n-gram column per row (≈ 140 µs a
            # row at 100,000 postings, more than the page's budget). Newest first instead.
            matched = _text_filter(postings, column, terms) if column else postings
            pks = list(matched.order_by(*ordering).values_list("pk", flat=True)[: SEARCH_CAP + 1])
        if pks:
            break
    return PostingSearchResults(pks[:SEARCH_CAP], capped=len(pks) > SEARCH_CAP, cap=SEARCH_CAP)


def posting_list_for_organisation(*, organisation: Organisation) -> QuerySet[Posting]:
    """Every posting of an organisation, for its members: what "Our postings" lists (a
    row's title, state, freshness and contact person), not the long texts."""
    return organisation.postings.only(
        "pk", "organisation", "title", "status", "expires_on", "contact", "updated_at"
    ).order_by("status", "-updated_at", "-pk")


def posting_public_list_for_organisation(
    *, user: User, organisation: Organisation
) -> QuerySet[Posting]:
    from .access import posting_visible_q

    return (
        organisation.postings.filter(posting_visible_q(user), status=PostingStatus.OPEN)
        .select_related("prefecture", "location__prefecture")
        .prefetch_related("themes")
        .order_by("-published_at")
    )


# The similar-posting check probes the index with the rarest words of the text only, and ranks
# at most SIMILAR_CAP of the newest postings holding two of them. An OR over all ~30 words
# matched nearly every posting (地域 is in most) and ranked them all: ≈ 0.6 s at 100,000
# postings (benchmark_search's data), on every pause while someone types a posting; now
# ≈ 20–45 ms.
SIMILAR_PROBE_WORDS = 8
SIMILAR_CAP = 500
_FREQUENCIES_TTL = 600.0
_frequencies: tuple[float, dict[str, float]] = (-_FREQUENCIES_TTL, {})


def _word_frequencies() -> dict[str, float]:
    """Share of postings holding each common word, from PostgreSQL's statistics of the stored
    vector (kept by ANALYZE/autovacuum; empty before the first ANALYZE, so all words count as
    rare). Cached per process for _FREQUENCIES_TTL seconds."""
    global _frequencies
    loaded_at, frequencies = _frequencies
    if time.monotonic() - loaded_at < _FREQUENCIES_TTL:
        return frequencies
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE tablename = %s AND attname = 'search_tokens_tsv'",
            [Posting._meta.db_table],
        )
        row = cursor.fetchone()
    # The frequencies array ends with three summary figures; zip drops them.
    frequencies = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
    _frequencies = (time.monotonic(), frequencies)
    return frequencies


def _two_of(lexemes: list[str]) -> str:
    """A tsquery true when a document holds at least two of `lexemes` (quoted), or the one
    when there is only one.

    Nested as `a & (b | c | d) | b & (c | d) | c & d` rather than every pair
    (`a & b | a & c | …`): the same documents match, but a document without `a` is rejected
    after one test instead of one for each of a's pairs. Where the planner scans the table
    (a text of common words), eight words cost 8 tests a posting instead of 28; measured on
    benchmark_load's data set: 9.8 → 6.8 ms of PostgreSQL CPU a check; at 100,000 postings
    (benchmark_search's data, 30 texts, the same look-alikes found for all 30): p50 / p95
    25.5 / 53.9 → 23.4 / 41.1 ms.
    """
    if len(lexemes) < 2:
        return " | ".join(lexemes)
    return " | ".join(
        f"{first} & ({' | '.join(lexemes[i + 1 :])})" for i, first in enumerate(lexemes[:-1])
    )


def posting_similar(
    *, user: User, title: str, body: str, exclude_pk: int | None = None, limit: int = 5
) -> list[Posting]:
    """Open postings that look like this text, so people join an existing one instead of
    duplicating it: those sharing the most content words.

    PostgreSQL: candidates hold two of the text's SIMILAR_PROBE_WORDS rarest words (a real
    look-alike shares a third of the words, so it shares rare ones too); the SIMILAR_CAP
    newest candidates are ranked by ts_rank against all the words. Queries: 1 (+1 every
    _FREQUENCIES_TTL seconds for the word statistics).
    """
    from .access import posting_visible_q

    words = list(dict.fromkeys(content_tokens(f"{title} {title} {body}")))[:30]
    words = [w for w in words if w.replace("\\", "")]  # nothing left to quote as a lexeme
    if not words:
        return []
    postings = Posting.objects.filter(posting_visible_q(user), status=PostingStatus.OPEN)
    if exclude_pk:
        postings = postings.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        frequencies = _word_frequencies()
        probe = [
            _lexeme(w)
            for w in sorted(words, key=lambda w: frequencies.get(w, 0.0))[:SIMILAR_PROBE_WORDS]
        ]
        # Two of the rarest words in common: selective enough for the GIN index.
        keys = (
            postings.filter(_TsMatch(_StoredSearchVector(), _ts_query_raw(_two_of(probe))))
            .order_by("-published_at", "-pk")
            .values("pk")[:SIMILAR_CAP]
        )
        postings = (
            Posting.objects.filter(pk__in=keys)
            .annotate(
                rank=_TsRank(
                    _StoredSearchVector(), _ts_query_raw(" | ".join(_lexeme(w) for w in words))
                )
            )
            .order_by("-rank", "-published_at", "-pk")
        )
    else:
        condition = Q()
        for word in words[:10]:
            condition |= Q(search_tokens__contains=word)
        postings = postings.filter(condition).order_by("-published_at")
    # Only what the check below and the list show (the rows' other text is long).
    candidates = list(
        postings.select_related("organisation").only(
            "pk", "title", "search_tokens", "organisation__name"
        )[: limit * 4]
    )
    # Keep only real look-alikes: at least a third of this text's words are shared.
    wanted = set(words)
    similar = [
        p
        for p in candidates
        if len(wanted & set(p.search_tokens.split())) >= max(2, len(wanted) // 3)
    ]
    return similar[:limit]


def posting_review_queue_for(*, user: User) -> QuerySet[Posting]:
    from .access import coordinator_prefecture_codes

    postings = (
        Posting.objects.filter(status=PostingStatus.IN_REVIEW)
        .select_related("organisation__prefecture", "prefecture")
        .order_by("updated_at")
    )
    codes = coordinator_prefecture_codes(user)
    if codes is not None:
        postings = postings.filter(organisation__prefecture_id__in=codes)
    return postings
