"""The demo city's statistical forms (R-INST-2): school 1's ОО-1 for the current year
created, calculated, one figure corrected with its reason and sent to the department;
school 2's created and calculated. Written through the named actions, by the schools'
directors, so each form has its history."""

from django.contrib.contenttypes.models import ContentType
from wagtail.models import ModelLogEntry

from portal.access import Role
from records.models import User

from . import actions
from .models import StatFigure, StatReport

# A pupil who arrived on 20 September was entered a day late: the deputy corrects the
# grade 5 line of the first section.
CORRECTION = ("pupils", "05", "3")
CORRECTION_REASON = ("Ученик, зачисленный приказом от 20.09, внесён в систему 21.09: "
                     "по списку класса на 20 сентября учеников на одного больше.")


def _director(builder, number, school):
    """The school's director's login; a director without a demo login gets one that
    cannot log in (as the load's approval does), so that the form names who made it."""
    director = builder.staff_with_role(school, Role.DIRECTOR).person
    if director.user_id:
        return director.user
    return builder.login(f"school{number}.director", director, usable=False)


def _form(builder, number):
    school = builder.schools[number - 1]
    user = _director(builder, number, school)
    report = actions.create(user, school["institution"], school["year"])
    return user, actions.calculate(user, report)


def seed_stateforms(builder):
    """Two forms: a handful of queries and one upsert of each form's figures."""
    deputy = User.objects.get(username="school1.deputy")
    director, report = _form(builder, 1)
    section, line, column = CORRECTION
    figure = report.figures.get(section=section, line=line, column=column)
    actions.correct(deputy, figure, figure.computed + 1, CORRECTION_REASON)
    actions.send(director, report)
    _form(builder, 2)
    builder.say(f"Statistical forms: {StatReport.objects.count()}")


def reset():
    kind = ContentType.objects.get_for_model(StatReport)
    ModelLogEntry.objects.filter(content_type=kind).delete()
    StatFigure.objects.all().delete()
    StatReport.objects.all().delete()
