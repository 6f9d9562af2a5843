"""Documents attached to announcements are served only to their readers (R-ANN-1):
Wagtail's serve view asks ``before_serve_document`` first. A document that an
announcement uses (attached, or linked from its text) is served to those who see one
such announcement, and to the school's staff; a document of a school's collection that
no announcement uses is its staff's only. Anything else is left to the other checks."""

from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from wagtail import hooks
from wagtail.models import Page, ReferenceIndex

from .audience import staff_school_ids
from .models import AnnouncementAttachment, AnnouncementPage


def pages_using(document):
    attached = set(AnnouncementAttachment.objects.filter(document=document)
                   .values_list("page_id", flat=True))
    linked = ReferenceIndex.objects.filter(
        to_content_type=ContentType.objects.get_for_model(type(document)),
        to_object_id=str(document.pk),
        base_content_type=ContentType.objects.get_for_model(Page))
    return attached | {int(pk) for pk in linked.values_list("object_id", flat=True)}


def school_of_collection(document):
    from sgo_pages.models import SchoolPage

    return (SchoolPage.objects.filter(collection_id=document.collection_id)
            .values_list("institution_id", flat=True).first())


def is_staff_of(user, institution_id):
    from portal.access import access

    context = access(user)
    return context is not None and institution_id in staff_school_ids(context)


@hooks.register("before_serve_document")
def serve_only_to_readers(document, request):
    user = request.user
    if user.is_superuser:
        return None
    pages = pages_using(document)
    school = school_of_collection(document)
    if pages:
        readable = AnnouncementPage.objects.visible_to(user).filter(pk__in=pages).exists()
        if readable or (school is not None and is_staff_of(user, school)):
            return None
        raise Http404
    if school is not None and not is_staff_of(user, school):
        raise Http404
    return None
