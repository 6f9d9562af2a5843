"""The access matrix of portfolios (R-RES-2, R-RES-3). Read portfolio/models.py first.

A pupil's portfolio is read by the pupil, the parents, the class teacher, the teachers
of the pupil's class and the school's leadership; the department reads it limited
(titles, levels, counts — no portrait, no text, no files). It is kept by the pupil,
the parents and the class teacher. A teacher's portfolio is the teacher's own (every
queryset adds the owner's rows, see ``PortfolioScopedQuerySet``) and read by the
leadership. Public items are everyone's (the querysets add them, anonymous visitors
included): the matrix is about the private rest.

The keeping permissions are named ``keep_*``: pupils and parents hold them, and the
matrix's add/change/delete names are for staff only.
"""

from curriculum.rules import LEADERSHIP
from portal.access import (
    CHILDREN,
    CITY_LIMITED,
    DEPARTMENT_ROLES,
    INSTITUTION,
    LED_CLASS,
    SCHOOL_STAFF_ROLES,
    SELF,
    TAUGHT_CLASS,
    Role,
    access,
    cells,
    grant,
)

from .models import (
    Achievement,
    AchievementFile,
    Material,
    Portfolio,
    Project,
    ProjectAchievement,
    ProjectMaterial,
)

READERS = {
    **cells(LEADERSHIP, INSTITUTION),
    Role.CLASS_TEACHER: LED_CLASS,
    Role.SUBJECT_TEACHER: TAUGHT_CLASS,
    Role.PARENT: CHILDREN,
    Role.PUPIL: SELF,
}
VIEW_PORTFOLIO = "portfolio.view_portfolio"
KEEP_PORTFOLIO = "portfolio.keep_portfolio"
for model in (Portfolio, Achievement, Material):
    grant(f"portfolio.view_{model._meta.model_name}", model, {
        **READERS, **cells(DEPARTMENT_ROLES, CITY_LIMITED)})
# Files are read in full only: the department, which reads limited, opens none (but the
# files of public items, which are everyone's).
grant("portfolio.view_achievementfile", AchievementFile, READERS)
# The pupil, the parents, the class teacher; the teacher keeps their own (owner rows).
grant(KEEP_PORTFOLIO, Portfolio, {
    Role.PUPIL: SELF,
    Role.PARENT: CHILDREN,
    Role.CLASS_TEACHER: LED_CLASS,
})
# A parent approves a minor's proposal to make an item public.
APPROVE_PUBLIC = "portfolio.approve_public"
grant(APPROVE_PUBLIC, Portfolio, {Role.PARENT: CHILDREN})

# Projects (R-RES-3): the school's staff and the department (limited) read them, the
# participants (and their parents) read theirs; the leader keeps the project (owner,
# below), the leadership too.
PROJECT_READERS = {
    **cells(SCHOOL_STAFF_ROLES, INSTITUTION),
    Role.PUPIL: SELF,
    Role.PARENT: CHILDREN,
}
VIEW_PROJECT = "portfolio.view_project"
grant(VIEW_PROJECT, Project, {**PROJECT_READERS, **cells(DEPARTMENT_ROLES, CITY_LIMITED)})
for model in (ProjectAchievement, ProjectMaterial):
    grant(f"portfolio.view_{model._meta.model_name}", model, PROJECT_READERS)
ADD_PROJECT = "portfolio.add_project"
CHANGE_PROJECT = "portfolio.change_project"
grant(ADD_PROJECT, Project, cells([*LEADERSHIP, Role.CLASS_TEACHER, Role.SUBJECT_TEACHER],
                                  INSTITUTION))
grant(CHANGE_PROJECT, Project, cells(LEADERSHIP, INSTITUTION))


def is_owner(user, portfolio):
    context = access(user)
    return bool(context and context.person_id is not None
                and context.person_id == portfolio.person_id)


def can_keep(user, portfolio):
    """May ``user`` add, edit and delete the items of ``portfolio``?"""
    return is_owner(user, portfolio) or user.has_perm(KEEP_PORTFOLIO, portfolio)


def is_parent_of_owner(user, portfolio):
    return portfolio.pupil_id is not None and user.has_perm(APPROVE_PUBLIC, portfolio)


def leads(user, project):
    context = access(user)
    return bool(context and context.person_id is not None
                and project.leader.person_id == context.person_id)


def can_change_project(user, project):
    """The leader keeps the project; the school's leadership too."""
    return leads(user, project) or user.has_perm(CHANGE_PROJECT, project)
