from django import template

from apps.absence.models import Disease, Symptom

register = template.Library()


@register.filter
def symptom_label(code: str) -> str:
    return Symptom(code).label if code in Symptom.values else code


@register.filter
def disease_label(code: str) -> str:
    return Disease(code).label if code in Disease.values else code
