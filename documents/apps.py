from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "documents"
    verbose_name = _("Documents register")

    def ready(self):
        from portal import search

        from .models import Document

        search.register(Document, label=_("Documents"), key="documents")
