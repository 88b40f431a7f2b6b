from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from .access import memberships_forget
        from .auth_backends import user_forget
        from .models import Coordinator, Membership, Organisation

        # The signed-in user is cached with their coordinator row (partners.auth_backends).
        def forget_user(sender, instance, **kwargs) -> None:
            user_forget(instance.pk)

        def forget_coordinator(sender, instance, **kwargs) -> None:
            user_forget(instance.user_id)

        # Memberships are cached with their organisations (partners.access.memberships_of).
        def forget_membership(sender, instance, **kwargs) -> None:
            memberships_forget(instance.user_id)

        def forget_members(sender, instance, **kwargs) -> None:
            memberships_forget(
                *Membership.objects.filter(organisation_id=instance.pk).values_list(
                    "user_id", flat=True
                )
            )

        user_model = get_user_model()
        for signal, name in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                forget_user, sender=user_model, weak=False, dispatch_uid=f"forget_user.{name}"
            )
            signal.connect(
                forget_coordinator,
                sender=Coordinator,
                weak=False,
                dispatch_uid=f"forget_coordinator.{name}",
            )
            signal.connect(
                forget_membership,
                sender=Membership,
                weak=False,
                dispatch_uid=f"forget_membership.{name}",
            )
        # Saves only: deleting an organisation deletes its memberships first (a cascade), and
        # each membership's post_delete forgets its user.
        post_save.connect(
            forget_members, sender=Organisation, weak=False, dispatch_uid="forget_members.saved"
        )
