"""Authentication backends that read a signed-in user together with their coordinator row,
through the cache.

Almost every page asks "is this person a coordinator?" (visibility, the header, access
checks); Django's backends load the user alone, and the first such question then cost a
query of its own on every request. These do the same as Django's ModelBackend and allauth's
backend, with the coordinator joined to the user (a left join: for everyone else Django
remembers that there is none, so asking costs nothing either).

The user (with that row) is read once and kept in the cache for USER_SECONDS: every request
of a signed-in person needs it, and it changes rarely. Every save or delete of the user or
their coordinator row drops the copy (`user_forget`, connected in partners.apps), so a
deactivation, a password change or a new coordinator scope takes effect on the next
request; Django still compares the session's password hash on every request. Code that
changes users without saving them one by one (QuerySet.update) must call `user_forget`;
USER_SECONDS bounds how long a missed one could show. With Redis away (the cache fails open)
every request reads the database, as before.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend
from django.core.cache import cache
from django.db import transaction

from sankangaku.notifications.services import UNREAD_SNAPSHOT, unread_keys

from . import access

USER_SECONDS = 5 * 60


def _key(user_id) -> str:
    return f"auth:user:{user_id}"


def user_forget(user_id) -> None:
    """Drop the cached copy of this user, now and again after the commit (a request in
    between could have stored the row as it was before the change)."""
    key = _key(user_id)
    cache.delete(key)
    transaction.on_commit(lambda: cache.delete(key))


class _WithCoordinator:
    def get_user(self, user_id):
        # The user's memberships ride along in the same round trip to the cache: nearly
        # every page asks for them next (the header, access checks), and each round trip
        # under load cost as much CPU as reading the value.
        key, memberships_key = _key(user_id), access.memberships_key(user_id)
        # So does the header badge's unread count (a snapshot, see notifications.services).
        unread_version_key, unread_count_key = unread_keys(user_id)
        cached = cache.get_many([key, memberships_key, unread_version_key, unread_count_key])
        user = cached.get(key)
        if user is None:
            user = (
                get_user_model()
                ._default_manager.select_related("coordinator")
                .filter(pk=user_id)
                .first()
            )
            if user is not None:
                cache.set(key, user, USER_SECONDS)
        if user is not None:
            if memberships_key in cached:
                user._membership_cache = cached[memberships_key]
            setattr(
                user,
                UNREAD_SNAPSHOT,
                (cached.get(unread_version_key), cached.get(unread_count_key)),
            )
        return user if user is not None and self.user_can_authenticate(user) else None


class ModelBackend(_WithCoordinator, DjangoModelBackend):
    pass


class AuthenticationBackend(_WithCoordinator, AllauthBackend):
    pass
