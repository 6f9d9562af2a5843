"""The buttons that issue generated documents (R-DOC-1), on the pupil's card and the
class page: shown to those who may issue (no query: the user's roles are read once per
request)."""

from django import template

from ..rules import ISSUE_CLASS_LIST, ISSUE_DOCUMENT

register = template.Library()


@register.inclusion_tag("documents/_issue_buttons.html", takes_context=True)
def issue_buttons(context, pupil=None, school_class=None):
    user = context["request"].user
    return {
        "csrf_token": context.get("csrf_token"),
        "pupil": pupil if pupil is not None and user.has_perm(ISSUE_DOCUMENT.name, pupil)
        else None,
        "school_class": school_class if school_class is not None and user.has_perm(
            ISSUE_CLASS_LIST.name, school_class) else None,
    }
