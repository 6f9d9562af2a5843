from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django_tables2 import RequestConfig

from records.models import Pupil
from schedule.models import TimetableEntry

from .models import SchoolClass, TeachingAssignment
from .tables import ClassPupilTable


@login_required
def class_detail(request, pk):
    user = request.user
    school_class = get_object_or_404(
        SchoolClass.objects.visible_to(user).select_related(
            "institution", "academic_year", "class_teacher__person"
        ),
        pk=pk,
    )
    pupils = (
        Pupil.objects.visible_to(user).of_class(school_class).current()
        .select_related("person")
    )
    table = ClassPupilTable(pupils)
    RequestConfig(request, paginate=False).configure(table)
    teaching = (
        TeachingAssignment.objects.filter(school_class=school_class)
        .select_related("subject", "teacher__person")
        .order_by("subject__name")
    )
    return render(request, "journal/class_detail.html", {
        "school_class": school_class,
        "table": table,
        "teaching": teaching,
        "may_edit_timetable": user.has_perm("schedule.change_timetableentry", TimetableEntry(
            institution_id=school_class.institution_id, school_class_id=school_class.pk)),
    })
