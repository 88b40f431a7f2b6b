"""Who must use multi-factor authentication, and whether they do."""

from allauth.mfa.models import Authenticator

from .models import User


def user_has_mfa(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
