from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = _("Projects")

    def ready(self) -> None:
        from partners.signals import member_left

        from .services import contacts_left

        def on_member_left(sender, *, organisation, user, **kwargs) -> None:
            contacts_left(organisation=organisation, user=user)

        member_left.connect(on_member_left, dispatch_uid="projects.contacts_left", weak=False)
