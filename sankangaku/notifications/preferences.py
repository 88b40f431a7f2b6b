"""Which channel a user gets for a kind: their own choice, else the default for their role.

Defaults (issue 6): teachers get a weekly digest (sent on Friday afternoon, after lessons);
coordinators a daily digest of their queue; companies, municipalities and everyone else get
direct replies at once and the rest in a daily digest. A person with several hats gets the
most immediate of them (a coordinator is a coordinator first; a teacher who also works for a
company follows the company rule), because missing a direct reply costs more than one more
email.
"""

from .kinds import CONFIGURABLE_KINDS, SPECS, Channel
from .models import Preference


class Persona:
    COORDINATOR = "coordinator"
    TEACHER = "teacher"
    MEMBER = "member"


def persona_of(user) -> str:
    from partners.models import Coordinator, Membership, OrganisationKind

    if Coordinator.objects.filter(user=user).exists():
        return Persona.COORDINATOR
    kinds = set(Membership.objects.filter(user=user).values_list("organisation__kind", flat=True))
    if kinds and kinds <= {OrganisationKind.SCHOOL}:
        return Persona.TEACHER
    return Persona.MEMBER


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
    if user is None or SPECS[kind].transactional:
        return Channel.INSTANT
    chosen = Preference.objects.filter(user=user, kind=kind).values_list("channel", flat=True)
    for channel in chosen:
        return channel
    return default_channel(persona_of(user), kind)
