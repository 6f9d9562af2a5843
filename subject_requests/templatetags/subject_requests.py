from django import template

from ..data_copy import display

register = template.Library()


@register.filter
def shown(value):
    """A value of the data copy as the PDF prints it: dates as dd.mm.yyyy, yes or no,
    a dash for nothing."""
    return display(value)
