"""Menu entries of the notifications pages (apps.web.navigation collects them). The inbox
itself is the bell in the top bar, for everyone."""

from django.utils.translation import gettext_lazy as _

from apps.access.grants import has_perm_anywhere


def entries(user) -> list:
    from apps.web.navigation import MenuEntry

    if has_perm_anywhere(user, "notifications.deliveries"):
        return [MenuEntry("notifications:deliveries", _("Deliveries"), "send-check")]
    return []
