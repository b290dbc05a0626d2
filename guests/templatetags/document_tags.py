"""``{{ number|masked }}``: a document number as every page but a declaration's own shows it."""

from django import template

from guests import documents

register = template.Library()


@register.filter
def masked(number: str) -> str:
    return documents.mask(number) if number else ""
