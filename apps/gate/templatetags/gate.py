from django import template
from django.utils.translation import get_language

from apps.gate.verdict import REASONS

register = template.Library()


@register.filter
def reason_text(code: str) -> str:
    """A reason code in the current language."""
    found = REASONS.get(code)
    if not found:
        return code
    return found[2] if (get_language() or "").startswith("en") else found[1]
