from django import template

from apps.families.relations import relation_label

register = template.Library()


@register.filter
def relation(text) -> str:
    """{{ member.relation|relation }}: 父亲 reads Father in the English UI."""
    return relation_label(text)
