"""The portal's one search box (R-NF-3, issue 13): what each app makes searchable.

An app registers each searchable model once, in its AppConfig.ready():

    from portal import search
    search.register(AnnouncementPage, label=_("Announcements"))

The model is a Wagtail ``index.Indexed`` (pages are) with ``search_fields``, and its
default manager's queryset has ``visible_to(user)``: the search runs only inside the
rows the user may see, so no hit, count or snippet comes from any other row.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    model: type
    label: object
    # The name the result list's filter uses in its query string ("announcements").
    key: str


SOURCES: dict[str, Source] = {}


def register(model, *, label, key=None):
    key = key or model._meta.model_name
    if key in SOURCES and SOURCES[key].model is not model:
        raise ValueError(f"Two searchable models under one key: {key!r}")
    SOURCES[key] = Source(model=model, label=label, key=key)
    return model
