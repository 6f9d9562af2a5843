"""The access matrix as a table for people to read, built from the registry."""

from django.apps import apps
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from .access import REGISTRY, Role

ACTION_LABELS = {
    "view": _("view"),
    "add": _("add"),
    "change": _("change"),
    "delete": _("delete"),
}
# The permissions of their own, not a model's view, add, change or delete: by their
# whole name (a reader sees names, never codes such as journal.close_period).
PERMISSION_LABELS = {
    "curriculum.approve_tariffication": _("approve the teacher load"),
    "attestation.view_attestation": _("view a graduating class's exams and certificate "
                                      "marks"),
    "attestation.manage_attestation": _("enter the exams and compute the certificate "
                                        "marks"),
    # Issue 13: the documents register by access level, the link catalog by owner.
    "documents.view_document": _("view documents (public ones: everyone; others by the "
                                 "rows below)"),
    "documents.view_staff_document": _("view the documents for staff"),
    "documents.view_administration_document": _("view the documents for the "
                                                "administration"),
    # Issue 14: generated documents.
    "documents.issue_document": _("issue documents about a pupil (certificate of study, "
                                  "personal file sheet, transcript of finals)"),
    "documents.issue_class_list": _("issue a class list"),
    "links.view_link": _("view links (public ones: everyone; the others: signed-in users)"),
    "links.view_linkcategory": _("view link categories (everyone)"),
    "links.add_school_link": _("add a school's links"),
    "links.change_school_link": _("change a school's links"),
    "links.delete_school_link": _("delete a school's links"),
    "links.add_city_link": _("add city-wide links"),
    "links.change_city_link": _("change city-wide links"),
    "links.delete_city_link": _("delete city-wide links"),
    "curriculum.run_setup_wizard": _("run the school setup wizard"),
    "journal.close_period": _("close and reopen periods"),
    "journal.enter_finals": _("enter final marks"),
    "journal.fill_journal": _("fill in the journal"),
    "journal.record_absence": _("record the absent pupils of a class"),
    "journal.review_journals": _("review the journals"),
    # Issue 14: the movement book.
    "movement.view_book": _("view the movement book of the school"),
    "movement.write_order": _("write the orders of the movement book"),
    "movement.view_report": _("view the movement report (counts by kind)"),
    "movement.accept_arrival": _("accept or decline pupils arriving from another school"),
    "movement.roll_over_year": _("roll the school over into the next academic year"),
    "portfolio.approve_public": _("approve making a child's portfolio item public"),
    "portfolio.keep_portfolio": _("keep the portfolio"),
    "records.issue_credentials": _("issue logins"),
    "records.suspend_access": _("suspend and restore the login"),
    # Issue 14: personal data requests.
    "subject_requests.view_register": _("read the register of personal data requests"),
    "subject_requests.answer_subjectrequest": _("take and answer personal data requests"),
    # R-INST-2: the state statistical forms.
    "stateforms.fill_statreport": _("fill in, correct and send the school's statistical "
                                    "forms (OO-1)"),
    "stateforms.review_statreport": _("return or accept the schools' statistical forms and "
                                      "read the city's total"),
    # R-DEP-3: the department's own staff.
    "records.manage_department_staff": _("keep the department's staff: their roles and "
                                         "logins"),
    # R-REP-3, R-REP-4: the report builder.
    "reports.build_report": _("make reports in the report builder (of the rows and "
                              "columns the user reads)"),
    "reports.publish_report": _("publish saved reports to every school and to the "
                                "department"),
    # Issue 16: the forum.
    "forum.write_in_section": _("start topics and reply in a forum section"),
    "forum.moderate_section": _("moderate a forum section: hide posts, ban, close, pin "
                                "and move topics"),
}


def permission_label(perm):
    """«Просмотр: обучающийся», «Закрытие и открытие учебных периодов»."""
    if perm.name in PERMISSION_LABELS:
        return capfirst(PERMISSION_LABELS[perm.name])
    action = perm.name.split(".", 1)[1].split("_", 1)[0]
    return capfirst(f"{ACTION_LABELS[action]}: {perm.model._meta.verbose_name}")


def matrix_tables():
    """[{app, rows: [{name, label, cells: [scope label or ""]}]}], and the role columns."""
    roles = list(Role)
    tables = {}
    for name, perm in sorted(REGISTRY.items()):
        label = permission_label(perm)
        cells = [perm.cells[role].label if role in perm.cells else "" for role in roles]
        tables.setdefault(perm.app_label, []).append(
            {"name": name, "label": label, "cells": cells}
        )
    return roles, [
        {"app": apps.get_app_config(app).verbose_name, "rows": rows}
        for app, rows in tables.items()
    ]
