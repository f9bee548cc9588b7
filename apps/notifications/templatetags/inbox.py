"""`{% inbox_badge %}`: the top bar's bell with the unread count (one cheap query)."""

from django import template

from apps.notifications.selectors import UNREAD_CAP, unread_count

register = template.Library()


@register.inclusion_tag("notifications/_badge.html", takes_context=True)
def inbox_badge(context):
    return {"unread": unread_count(user=context.get("user")), "cap": UNREAD_CAP}


SEVERITY_CLASS = {"info": "secondary", "warning": "warning", "urgent": "danger"}


@register.filter
def severity_class(severity: str) -> str:
    return SEVERITY_CLASS.get(severity, "secondary")


@register.filter
def masked_address(address: str) -> str:
    """A delivery address as the status page shows it: phones and e-mails masked, a robot's
    URL without its key."""
    from urllib.parse import urlsplit

    from apps.core.identity import mask_phone

    if address.startswith(("http://", "https://")):
        parts = urlsplit(address)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    if "@" in address:
        name, _at, domain = address.partition("@")
        return f"{name[:1]}***@{domain}"
    if address.isdigit():
        return mask_phone(address)
    return address
