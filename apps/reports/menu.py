"""Menu entry of the daily reports (apps.web.navigation collects it)."""

from django.utils.translation import gettext_lazy as _

from apps.access.rules import has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_perm_anywhere(user, "reports.submit") or has_perm_anywhere(user, "reports.supervise"):
        return [MenuEntry("reports:index", _("Daily reports"), "journal-check")]
    return []
