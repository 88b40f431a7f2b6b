"""Authentication backends that read a signed-in user together with their coordinator row.

Almost every page asks "is this person a coordinator?" (visibility, the header, access
checks); Django's backends load the user alone, and the first such question then cost a
query of its own on every request. These do the same as Django's ModelBackend and allauth's
backend, with the coordinator joined to the user (a left join: for everyone else Django
remembers that there is none, so asking costs nothing either).
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend


class _WithCoordinator:
    def get_user(self, user_id):
        user = (
            get_user_model()
            ._default_manager.select_related("coordinator")
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithCoordinator, DjangoModelBackend):
    pass


class AuthenticationBackend(_WithCoordinator, AllauthBackend):
    pass
