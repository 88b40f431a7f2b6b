from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "sankangaku.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from .middleware import session_start

        def _stamp_session(sender, request, user, **kwargs) -> None:
            # Every way in (allauth, admin, force_login in tests) starts the timeout clocks.
            if request is not None and hasattr(request, "session"):
                session_start(request=request, user=user)

        user_logged_in.connect(_stamp_session, weak=False, dispatch_uid="accounts.stamp_session")
