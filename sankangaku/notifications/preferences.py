"""Which channel a user gets for a kind: their own choice, else the default for their role.

Defaults (issue 6): teachers get a weekly digest (sent on Friday afternoon, after lessons);
coordinators a daily digest of their queue; companies, municipalities and everyone else get
direct replies at once and the rest in a daily digest. A person with several hats gets the
most immediate of them (a coordinator is a coordinator first; a teacher who also works for a
company follows the company rule), because missing a direct reply costs more than one more
email.
"""

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .kinds import CONFIGURABLE_KINDS, SPECS, Channel
from .models import Preference


class Persona:
    COORDINATOR = "coordinator"
    TEACHER = "teacher"
    MEMBER = "member"


def persona_of(user) -> str:
    return personas_of([user.pk])[user.pk]


def personas_of(user_ids: Iterable[int]) -> dict[int, str]:
    """persona_of for many people at once: two queries, whatever their number."""
    from partners.models import Coordinator, Membership, OrganisationKind

    ids = list(user_ids)
    coordinators = set(
        Coordinator.objects.filter(user_id__in=ids).values_list("user_id", flat=True)
    )
    kinds: dict[int, set[str]] = defaultdict(set)
    for user_id, kind in Membership.objects.filter(user_id__in=ids).values_list(
        "user_id", "organisation__kind"
    ):
        kinds[user_id].add(kind)
    personas = {}
    for user_id in ids:
        if user_id in coordinators:
            personas[user_id] = Persona.COORDINATOR
        elif kinds[user_id] and kinds[user_id] <= {OrganisationKind.SCHOOL}:
            personas[user_id] = Persona.TEACHER
        else:
            personas[user_id] = Persona.MEMBER
    return personas


def default_channel(persona: str, kind: str) -> str:
    spec = SPECS[kind]
    if spec.transactional:
        return Channel.INSTANT
    if persona == Persona.TEACHER:
        return Channel.WEEKLY
    if persona == Persona.COORDINATOR:
        return Channel.DAILY
    return Channel.INSTANT if spec.direct else Channel.DAILY


def channels_for(user) -> dict[str, str]:
    """Every configurable kind → the channel in force for this user."""
    persona = persona_of(user)
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "channel"))
    return {kind: chosen.get(kind) or default_channel(persona, kind) for kind in CONFIGURABLE_KINDS}


def channel_for(user, kind: str) -> str:
    if user is None:
        return Channel.INSTANT
    return channels_for_users([user], kind)[user.pk]


def channels_for_users(users: Iterable[Any], kind: str) -> dict[int, str]:
    """user id → the channel in force for this kind, for many people at once: at most
    three queries whatever their number (notify() fans out to whole organisations)."""
    ids = list(dict.fromkeys(user.pk for user in users if user is not None))
    if SPECS[kind].transactional:
        return dict.fromkeys(ids, Channel.INSTANT)
    if not ids:
        return {}
    chosen = dict(
        Preference.objects.filter(user_id__in=ids, kind=kind).values_list("user_id", "channel")
    )
    undecided = [user_id for user_id in ids if user_id not in chosen]
    personas = personas_of(undecided) if undecided else {}
    return {
        user_id: chosen.get(user_id) or default_channel(personas[user_id], kind) for user_id in ids
    }
