"""The admin forms of courses: who may be the author, which topics a section may be
attached to, which sections a material may go in."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _

from portal.access import Role, access
from portal.viewsets import ScopedAdminForm
from records.models import Staff
from schedule.models import PlannedTopic

from .models import Course, CourseSection

# Who edits any course of their school (courses/rules.py, WRITERS).
SCHOOL_EDITORS = (Role.ADMIN, Role.DIRECTOR, Role.DEPUTY_ACADEMIC, Role.DEPUTY_EDUCATIONAL,
                  Role.EDITOR)


def schools_editing(user):
    """The schools where the user edits every course."""
    context = access(user)
    if context is None:
        return set()
    return set().union(*(context.institutions_with(role) for role in SCHOOL_EDITORS))


class TopicChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, topic):
        plan = topic.plan
        target = plan.school_class or _("grade %(grade)s") % {"grade": plan.grade}
        return f"{topic.title} ({target})"


class CourseForm(ScopedAdminForm):
    """A teacher is the author of the courses they add; the leadership and editors of a
    school choose any of its staff. A section's topics are those of the plans of the
    course's subject and grade (chosen once the course is saved)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if user is not None and not user.is_superuser and "author" in self.fields:
            context = access(user)
            own = Q(person_id=context.person_id) if context.person_id else Q(pk__in=[])
            self.fields["author"].queryset = Staff.objects.filter(
                own | Q(institution_id__in=schools_editing(user))).select_related("person")
            if not self.instance.pk:
                self.fields["author"].initial = Staff.objects.filter(own).first()
        self.allowed_topics = (self.instance.topic_choices() if self.instance.pk
                               else PlannedTopic.objects.none())
        formset = self.formsets.get("sections")
        if formset is not None:
            for form in [*formset.forms, formset.empty_form]:
                if "topics" in form.fields:
                    old = form.fields["topics"]
                    form.fields["topics"] = TopicChoiceField(
                        queryset=self.allowed_topics, required=False, label=old.label,
                        help_text=old.help_text if self.instance.pk else _(
                            "Save the course first: then the topics of its subject and "
                            "grade can be chosen."),
                        widget=forms.CheckboxSelectMultiple)

    def is_valid(self):
        # The sections' forms are validated after the course's own clean(): a changed
        # subject or grade is checked against the topics chosen here.
        valid = super().is_valid()
        formset = self.formsets.get("sections")
        if not valid or formset is None:
            return valid
        allowed = set(self.instance.topic_choices().values_list("pk", flat=True))
        for form in formset.forms:
            topics = form.cleaned_data.get("topics") or []
            if any(topic.pk not in allowed for topic in topics):
                form.add_error("topics", _(
                    "These topics are not of the plan of the course's subject and grade."))
                valid = False
        return valid


class CourseMaterialForm(ScopedAdminForm):
    """A material goes in a section of a course the user may edit."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "section" in self.fields:
            courses = Course.objects.visible_to(self.for_user, "courses.change_course")
            self.fields["section"].queryset = (
                CourseSection.objects.filter(course__in=courses).select_related("course")
                .order_by("course__title", "course_id", "sort_order"))
            self.fields["section"].label_from_instance = (
                lambda section: f"{section.course.title} — {section.title}")
