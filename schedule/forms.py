from portal.viewsets import ScopedAdminForm


class LessonForm(ScopedAdminForm):
    """A topic a teacher types stays: the thematic plan no longer overwrites it."""

    def save(self, commit=True):
        if "topic" in self.changed_data:
            self.instance.topic_edited = True
        return super().save(commit)
