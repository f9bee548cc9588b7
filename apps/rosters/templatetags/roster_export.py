"""What the export controls on a list page may offer the user."""

from django import template

from apps.access.grants import has_perm_anywhere
from apps.rosters.services.exports import EXPORT_PERM, REVEAL_PERM

register = template.Library()


@register.simple_tag(takes_context=True)
def export_rights(context) -> dict:
    user = context["request"].user
    can_export = has_perm_anywhere(user, EXPORT_PERM)
    return {"export": can_export, "reveal": can_export and has_perm_anywhere(user, REVEAL_PERM)}
