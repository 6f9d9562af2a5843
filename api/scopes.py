"""The scopes of API tokens: what a token may be used for, and who may ask for each.

A token carries the scopes its owner chose when creating it in personal settings; every
operation of the API names the one scope it needs (``api.declare.operation``). A scope
narrows a token, it never widens what its owner may do: behind it every operation
still reads through the access matrix and ``visible_to`` as the owner's pages do.

A scope is offered in personal settings only

- when some operation of the API asks for it (``mail:read`` appears once the mail's
  endpoints are registered), and
- when the user's roles can use it (``offered_to``): the diary and homework to a
  pupil and to a parent, the journal to those who may read or fill a lesson.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from portal.access import access


@dataclass(frozen=True)
class Scope:
    name: str
    label: str
    # Who may ask for it: a function of the user (their AccessContext is cached on them).
    offered_to: object


def _family(user):
    context = access(user)
    return context is not None and bool(context.own_pupil_ids | context.child_pupil_ids)


def _signed_in(user):
    return user.is_authenticated


def _teacher(user):
    from .family import teacher_rows

    return teacher_rows(user).exists()


def _journal_reader(user):
    from schedule.models import Lesson

    return Lesson.objects.visible_to(user, "journal.view_journal").exists()


def _journal_writer(user):
    from schedule.models import Lesson

    return Lesson.objects.visible_to(user, "journal.fill_journal").exists()


def _mail_user(user):
    from messaging.addressbook import may_use_mail

    return may_use_mail(user)


DIARY_READ = "diary:read"
TIMETABLE_READ = "timetable:read"
HOMEWORK_READ = "homework:read"
ANNOUNCEMENTS_READ = "announcements:read"
MAIL_READ = "mail:read"
JOURNAL_READ = "journal:read"
JOURNAL_WRITE = "journal:write"

SCOPES = {scope.name: scope for scope in [
    Scope(DIARY_READ, _("the diary: lessons, marks, absences and finals of your children "
                        "or your own"), _family),
    Scope(TIMETABLE_READ, _("the timetable: your class's or your own lessons"),
          lambda user: _family(user) or _teacher(user)),
    Scope(HOMEWORK_READ, _("homework"), _family),
    Scope(ANNOUNCEMENTS_READ, _("announcements addressed to you"), _signed_in),
    Scope(MAIL_READ, _("internal mail"), _mail_user),
    Scope(JOURNAL_READ, _("the journal of your lessons: works, marks and attendance with "
                          "their versions"), _journal_reader),
    Scope(JOURNAL_WRITE, _("entering marks and attendance in the journal"), _journal_writer),
]}


def used_scopes():
    """The scopes some operation of the API asks for."""
    from . import v1  # noqa: F401  (declares the operations, wherever this is asked first)
    from .declare import declared

    return {access_rule.scope for access_rule in declared().values()} - {None}


def offered(user):
    """The scopes ``user`` may choose for a new token, in the order of ``SCOPES``."""
    used = used_scopes()
    return [scope for name, scope in SCOPES.items()
            if name in used and scope.offered_to(user)]
