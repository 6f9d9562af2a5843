"""Forum sections, topics and posts (R-FRM-1); see docs/architecture.md."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForumConfig(AppConfig):
    name = "forum"
    verbose_name = _("Forum")

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from portal import search

        from .audience import forget_sections
        from .models import Moderator, Post, Section, Topic

        # Searched within what the user reads (forum/audience.py through visible_to).
        search.register(Topic, label=_("Forum topics"), key="forum_topics")
        search.register(Post, label=_("Forum posts"), key="forum_posts")
        # The menu remembers who reads which section (audience.sees_any_section).
        for model in (Section, Moderator):
            for signal in (post_save, post_delete):
                signal.connect(forget_sections, sender=model,
                               dispatch_uid=f"forum.forget_sections.{model.__name__}")
