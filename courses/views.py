"""The portal's pages of courses (R-MAT-1): the courses of a pupil's class for the pupil
and their parents (one list per child), and a course page with its sections and
materials. Everything is fetched through the access matrix; a course the user may not
read answers 404, so its address confirms nothing. Staff build courses in the admin."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from curriculum.models import TeachingAssignment
from portal.access import access, readable_fields
from records.models import Pupil

from .models import Course, CourseMaterial, CourseSection


def family_pupils(user):
    """The pupils whose diary and courses the user reads: their own record and their
    children, as the access matrix shows them."""
    context = access(user)
    ids = (context.own_pupil_ids | context.child_pupil_ids) if context else set()
    if not ids:
        return []
    return list(Pupil.objects.visible_to(user).filter(pk__in=ids)
                .select_related("person", "institution", "school_class")
                .order_by("person__search_name", "pk"))


def with_counts(courses):
    return courses.annotate(n_sections=Count("sections", distinct=True),
                            n_materials=Count("sections__materials", distinct=True))


@login_required
def index(request):
    """A pupil's or parent's courses (the own pupil's, else the first child's); for
    staff, the courses they may read."""
    pupils = family_pupils(request.user)
    if pupils:
        own = access(request.user).own_pupil_ids
        pupil = next((p for p in pupils if p.pk in own), pupils[0])
        return redirect("courses:pupil", pupil_pk=pupil.pk)
    if not request.user.has_perm("courses.view_course"):
        raise Http404
    courses = with_counts(Course.objects.visible_to(request.user)
                          .select_related("institution", "subject")).order_by(
        "institution__short_name", "grade", "subject__name", "title")
    return render(request, "courses/course_list.html", {
        "courses": courses,
        "may_add": request.user.has_perm("courses.add_course"),
    })


@login_required
def pupil_courses(request, pupil_pk):
    pupils = family_pupils(request.user)
    pupil = next((p for p in pupils if p.pk == pupil_pk), None)
    if pupil is None:
        raise Http404
    courses = []
    school_class = pupil.school_class
    if school_class is not None:
        subjects = TeachingAssignment.objects.filter(
            school_class_id=school_class.pk).values("subject_id")
        courses = list(with_counts(
            Course.objects.visible_to(request.user)
            .filter(institution_id=school_class.institution_id, grade=school_class.grade,
                    subject_id__in=subjects)
            .select_related("subject", "author__person"))
            .order_by("subject__name", "-shared", "title", "pk"))
    return render(request, "courses/pupil_courses.html", {
        "pupil": pupil, "pupils": pupils, "tab": "courses", "courses": courses,
    })


@login_required
def course_detail(request, pk):
    course = get_object_or_404(
        Course.objects.visible_to(request.user).select_related(
            "institution", "subject", "author__person"), pk=pk)
    # The department reads a course's title and counts, not its content (R-TEN-3).
    limited = readable_fields(request.user, Course, course) is not None
    sections = []
    if not limited:
        sections = list(CourseSection.objects.filter(course=course).prefetch_related(
            Prefetch("materials", queryset=CourseMaterial.objects.order_by("sort_order", "pk")),
            "topics"))
    counts = with_counts(Course.objects.filter(pk=course.pk)).values(
        "n_sections", "n_materials").get()
    edit_url = None
    if request.user.has_perm("courses.change_course", course):
        edit_url = reverse("courses_course:edit", args=[course.pk])
    return render(request, "courses/course_page.html", {
        "course": course, "sections": sections, "limited": limited, "counts": counts,
        "edit_url": edit_url, "pupils": family_pupils(request.user),
    })
