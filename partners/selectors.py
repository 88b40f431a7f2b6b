"""Reads for partners. Querysets start from what the user may see."""

from datetime import date

from allauth.account.models import EmailAddress
from django.db import connection
from django.db.models import Count, F, FloatField, Q, QuerySet, Value
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
    # Cached on the user object: the header reads it on every page.
    cached = getattr(user, "_membership_cache", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation")
            .order_by("organisation__name")
        )
        user._membership_cache = cached
    return cached


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
    return Organisation.objects.exclude(verification_status="rejected").select_related(
        "prefecture", "location__prefecture"
    )


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


def _text_match(postings: QuerySet[Posting], column: str, words: list[str]) -> QuerySet[Posting]:
    """Postings whose analysed `column` holds every word.

    PostgreSQL: full-text match over the pre-analysed words with the 'simple' configuration:
    the stored, GIN-indexed vector of the words (migration 0005), or for the n-gram column
    the exact expression of its GIN index (migration 0003); ranked by ts_rank. SQLite (the
    embedded demo): substring matches on the same column.
    """
    if connection.vendor == "postgresql":
        table = Posting._meta.db_table
        expression = (
            f"{table}.search_tokens_tsv"
            if column == "search_tokens"
            else f"to_tsvector('simple'::regconfig, {table}.{column})"
        )
        query = " ".join(words)
        return postings.extra(
            select={"rank": f"ts_rank({expression}, plainto_tsquery('simple'::regconfig, %s))"},
            select_params=[query],
            where=[f"{expression} @@ plainto_tsquery('simple'::regconfig, %s)"],
            params=[query],
        )
    for word in words:
        postings = postings.filter(**{f"{column}__contains": word})
    return postings.annotate(rank=Value(1.0, output_field=FloatField()))


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
) -> QuerySet[Posting]:
    """Open postings the user may see, filtered and sorted.

    The text is analysed like the postings (matching.analysis): Sudachi's normalised content
    words must all occur; when the words find nothing (unknown names, partial words), the
    character-bigram column is tried instead.
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

    words = content_tokens(q) if q.strip() else []
    if words:
        matched = _text_match(postings, "search_tokens", words)
        if not matched.exists():
            matched = _text_match(postings, "search_ngrams", char_ngrams(q))
        postings = matched
    elif q.strip():
        postings = _text_match(postings, "search_ngrams", char_ngrams(q))

    sort = sort if sort in SORTS else ("relevance" if q.strip() else "newest")
    if sort == "relevance" and q.strip():
        postings = postings.order_by("-rank", "-published_at", "-pk")
    elif sort == "deadline":
        postings = postings.order_by(
            F("call_deadline").asc(nulls_last=True),
            F("ends_on").asc(nulls_last=True),
            "expires_on",
            "-pk",
        )
    else:
        postings = postings.order_by("-published_at", "-pk")
    return postings.select_related(
        "organisation", "prefecture", "location__prefecture"
    ).prefetch_related("themes")


def posting_list_for_organisation(*, organisation: Organisation) -> QuerySet[Posting]:
    """Every posting of an organisation, for its members."""
    return (
        organisation.postings.select_related("contact", "prefecture", "location__prefecture")
        .prefetch_related("themes")
        .order_by("status", "-updated_at")
    )


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


def posting_similar(
    *, user: User, title: str, body: str, exclude_pk: int | None = None, limit: int = 5
) -> list[Posting]:
    """Open postings that look like this text, so people join an existing one instead of
    duplicating it: those sharing the most content words (any of them, ranked)."""
    from .access import posting_visible_q

    words = list(dict.fromkeys(content_tokens(f"{title} {title} {body}")))[:30]
    if not words:
        return []
    postings = Posting.objects.filter(posting_visible_q(user), status=PostingStatus.OPEN)
    if exclude_pk:
        postings = postings.exclude(pk=exclude_pk)
    if connection.vendor == "postgresql":
        expression = f"{Posting._meta.db_table}.search_tokens_tsv"
        query = " | ".join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        postings = postings.extra(
            select={"rank": f"ts_rank({expression}, to_tsquery('simple'::regconfig, %s))"},
            select_params=[query],
            where=[f"{expression} @@ to_tsquery('simple'::regconfig, %s)"],
            params=[query],
        ).order_by("-rank", "-published_at")
    else:
        condition = Q()
        for word in words[:10]:
            condition |= Q(search_tokens__contains=word)
        postings = postings.filter(condition).order_by("-published_at")
    candidates = list(postings.select_related("organisation")[: limit * 4])
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
