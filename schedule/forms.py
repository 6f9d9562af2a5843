from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from journal.models import AcademicYear, SchoolClass, Subject
from portal.viewsets import ScopedAdminForm
from records.models import Institution, Staff

from .thematic import own_teaching, plans_anywhere


class LessonForm(ScopedAdminForm):
    """A topic a teacher types stays: the thematic plan no longer overwrites it."""

    def save(self, commit=True):
        if "topic" in self.changed_data:
            self.instance.topic_edited = True
        return super().save(commit)


class ThematicPlanForm(ScopedAdminForm):
    """R-KTP-1: a subject teacher writes plans only for what they teach — a class of
    theirs, or the grade of one — and signs them as themselves; the deputy and the
    school administrator write any plan of their school."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.teaching = None
        if self.for_user is None or plans_anywhere(self.for_user):
            return
        teaching = own_teaching(self.for_user)
        self.teaching = {(a.school_class_id, a.school_class.grade, a.subject_id)
                         for a in teaching.select_related("school_class")}
        limits = {
            "institution": Institution.objects.filter(pk__in=teaching.values("institution_id")),
            "academic_year": AcademicYear.objects.filter(
                pk__in=teaching.values("school_class__academic_year_id")),
            "subject": Subject.objects.filter(pk__in=teaching.values("subject_id")),
            "school_class": SchoolClass.objects.filter(pk__in=teaching.values("school_class_id")),
            "author": Staff.objects.filter(pk__in=teaching.values("teacher_id")),
        }
        for name, queryset in limits.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        if "author" in self.fields:
            self.fields["author"].required = True
            if not self.instance.pk:
                self.fields["author"].initial = limits["author"].first()

    def clean(self):
        cleaned = super().clean()
        if self.teaching is None:
            return cleaned
        subject, school_class = cleaned.get("subject"), cleaned.get("school_class")
        grade = school_class.grade if school_class else cleaned.get("grade")
        if subject is None:
            return cleaned
        if school_class is not None:
            allowed = (school_class.pk, school_class.grade, subject.pk) in self.teaching
        else:
            allowed = any(g == grade and s == subject.pk for _c, g, s in self.teaching)
        if not allowed:
            raise ValidationError(_("You can write a plan only for a subject you teach, in "
                                    "one of your classes or its grade."))
        return cleaned


class TopicImportForm(forms.Form):
    file = forms.FileField(label=_("file (CSV or XLSX)"))
