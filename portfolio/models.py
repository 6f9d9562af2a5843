"""Portfolios (R-RES-2) and project portfolios (R-RES-3).

A ``Portfolio`` is one person's in one school: a pupil's (it points at the pupil's
record, so the class teacher and the family reach it) or a teacher's (it points at the
staff record). It holds achievements and working materials. Each item is private
until its owner makes it public; for a minor pupil (under 18 on ``today()``) a parent
approves first — the pupil or the class teacher proposes, a parent approves, or a parent
makes it public directly — and who approved and when is kept (``PublicItem``).

A ``Project`` (olympiad preparation, a grant, research) is a school's, led by a staff
member, with participants, materials and achievements. A public project names its
participants only where that is allowed: staff and adult pupils always, a minor pupil
only once a parent consented (``ProjectParticipant.name_public``); the others are
counted, never named.

Who sees what is ``portfolio/rules.py``. Every queryset's ``visible_to(user)`` joins
three things: the matrix's rows, the user's own rows and the public rows — the public
rows alone for an anonymous visitor.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import RevisionMixin
from wagtail.search import index

from portal.access import ScopedQuerySet, access, permission, today
from portal.uploads import DOCUMENTS, OFFICE_DOCUMENTS, PrivateFileField

IMAGES = ("jpeg", "png")
MATERIALS = (*DOCUMENTS, *OFFICE_DOCUMENTS)
ADULT_AGE = 18


class Level(models.TextChoices):
    SCHOOL = "school", _("school")
    MUNICIPAL = "municipal", _("municipal")
    REGIONAL = "regional", _("regional")
    NATIONAL = "national", _("national")
    INTERNATIONAL = "international", _("international")


class ProjectKind(models.TextChoices):
    OLYMPIAD = "olympiad", _("olympiad preparation")
    GRANT = "grant", _("grant")
    RESEARCH = "research", _("research")
    OTHER = "other", _("other")


def is_minor(person, on=None):
    """Under 18 on ``on`` (today). A person without a birth date counts as a minor: a
    missing date must not make a child's achievements public without a parent."""
    if person.birth_date is None:
        return True
    on = on or today()
    born = person.birth_date
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age < ADULT_AGE


class PortfolioScopedQuerySet(ScopedQuerySet):
    """``visible_to(user)``: the matrix's rows (``view_perm``), the user's own
    (``owner_lookup`` is their person) and the public ones (``public_q``)."""

    view_perm = None
    owner_lookup = None
    public_q = None

    def public(self):
        return self.filter(self.public_q) if self.public_q is not None else self.none()

    def visible_to(self, user, perm=None):
        opts = self.model._meta
        default = f"{opts.app_label}.view_{opts.model_name}"
        if perm is not None and perm != default:
            return permission(perm).filter(self, user)
        if user is None or not user.is_authenticated or not user.is_active:
            return self.public()
        if user.is_superuser:
            return self
        condition = Q(pk__in=permission(default).filter(self.model._base_manager.all(), user)
                      .values("pk"))
        person_id = access(user).person_id
        if person_id is not None and self.owner_lookup:
            # By id, as the matrix's part: the search filters on the model's own
            # FilterFields only ("id", "public").
            condition |= Q(pk__in=self.model._base_manager.filter(
                **{self.owner_lookup: person_id}).values("pk"))
        if self.public_q is not None:
            condition |= self.public_q
        return self.filter(condition)


# Portfolios ----------------------------------------------------------------------------


class PortfolioQuerySet(PortfolioScopedQuerySet):
    owner_lookup = "person_id"

    def public(self):
        # A portfolio is shown publicly when it has something public; the page then
        # shows the name and the public items only.
        return self.filter(
            Q(pk__in=Achievement._base_manager.filter(public=True).values("portfolio_id"))
            | Q(pk__in=Material._base_manager.filter(public=True).values("portfolio_id")))


class Portfolio(RevisionMixin, models.Model):
    person = models.ForeignKey("records.Person", on_delete=models.CASCADE,
                               related_name="portfolios", verbose_name=_("owner"))
    institution = models.ForeignKey("records.Institution", on_delete=models.CASCADE,
                                    related_name="portfolios", verbose_name=_("institution"))
    # Exactly one of the two: the record the portfolio belongs to in that school.
    pupil = models.OneToOneField("records.Pupil", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="portfolio",
                                 verbose_name=_("pupil"))
    staff = models.OneToOneField("records.Staff", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="portfolio",
                                 verbose_name=_("staff member"))
    # Never public: the public page shows the name and the public items only (R-PD-5).
    portrait = PrivateFileField(_("portrait"), upload_to="portfolio/portraits/", kinds=IMAGES,
                                max_size=5 * 1024 * 1024, blank=True)
    about = models.TextField(_("about me"), blank=True)

    objects = PortfolioQuerySet.as_manager()
    access_paths = {
        "institution": "institution_id",
        "person": "person_id",
        "pupil": "pupil_id",
        "class": "pupil__school_class_id",
    }
    # What the department reads (R-TEN-3): whose it is, not the portrait or the text.
    limited_fields = ["person", "institution", "pupil", "staff"]

    class Meta:
        verbose_name = _("portfolio")
        verbose_name_plural = _("portfolios")
        ordering = ["person__search_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["person", "institution"],
                                    name="portfolio_one_per_person_and_school"),
            models.CheckConstraint(
                condition=Q(pupil__isnull=True) | Q(staff__isnull=True),
                name="portfolio_of_a_pupil_or_a_teacher"),
        ]

    def __str__(self):
        return self.person.full_name

    def get_absolute_url(self):
        return reverse("portfolio:detail", args=[self.pk])

    @property
    def is_pupils(self):
        return self.pupil_id is not None

    def owner_is_minor(self):
        return self.is_pupils and is_minor(self.person)


class PublicItem(RevisionMixin, models.Model):
    """An item whose owner chooses whether it is public (for a minor, with a parent)."""

    public = models.BooleanField(_("public"), default=False, editable=False)
    # A proposal waiting for a parent (a minor's item): who proposed and when.
    public_requested_at = models.DateTimeField(_("made public on request at"), null=True,
                                               blank=True, editable=False)
    public_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("proposed by"))
    # The parent's consent to a minor's item being public.
    public_approved_at = models.DateTimeField(pgettext_lazy("public item", "approved at"),
                                              null=True, blank=True, editable=False)
    public_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=pgettext_lazy("public item", "approved by"))

    class Meta:
        abstract = True

    @property
    def is_public(self):
        return self.public

    @property
    def awaits_approval(self):
        return not self.public and self.public_requested_at is not None


class ItemQuerySet(PortfolioScopedQuerySet):
    owner_lookup = "portfolio__person_id"
    public_q = Q(public=True)


PORTFOLIO_PATHS = {
    "institution": "portfolio__institution_id",
    "person": "portfolio__person_id",
    "pupil": "portfolio__pupil_id",
    "class": "portfolio__pupil__school_class_id",
}


class AchievementFields(models.Model):
    title = models.CharField(_("title"), max_length=300)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices,
                             default=Level.SCHOOL)
    result = models.CharField(_("place or result"), max_length=100, blank=True,
                              help_text=_("For example «1st place», «prize-winner», "
                                          "«participant»."))
    date = models.DateField(_("date"))
    event = models.CharField(_("event or organiser"), max_length=300, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.title


class Achievement(index.Indexed, PublicItem, AchievementFields):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE,
                                  related_name="achievements", verbose_name=_("portfolio"))

    objects = ItemQuerySet.as_manager()
    access_paths = PORTFOLIO_PATHS
    limited_fields = ["title", "level", "date", "portfolio"]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("event"),
        index.AutocompleteField("title"),
        index.FilterField("id"),
        index.FilterField("public"),
        index.FilterField("portfolio_id"),
    ]

    class Meta:
        verbose_name = _("achievement")
        verbose_name_plural = _("achievements")
        ordering = ["-date", "pk"]

    def get_absolute_url(self):
        return reverse("portfolio:achievement", args=[self.pk])

    @property
    def search_snippet(self):
        """Only what anyone who sees the row reads, the department's limited reading
        included (``limited_fields``): the level and the date."""
        return f"{self.get_level_display()} · {self.date:%d.%m.%Y}"


class FileQuerySet(PortfolioScopedQuerySet):
    owner_lookup = "achievement__portfolio__person_id"
    public_q = Q(achievement__public=True)


class AchievementFile(models.Model):
    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE,
                                    related_name="files", verbose_name=_("achievement"))
    file = PrivateFileField(_("file"), upload_to="portfolio/proofs/")

    objects = FileQuerySet.as_manager()
    access_paths = {key: f"achievement__{path}" for key, path in PORTFOLIO_PATHS.items()}

    class Meta:
        verbose_name = _("proof file")
        verbose_name_plural = _("proof files")
        ordering = ["pk"]

    def __str__(self):
        return self.file.name.rpartition("/")[2]

    @property
    def is_public(self):
        return self.achievement.public


class Material(PublicItem):
    portfolio = models.ForeignKey(Portfolio, on_delete=models.CASCADE,
                                  related_name="materials", verbose_name=_("portfolio"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    file = PrivateFileField(_("file"), upload_to="portfolio/materials/", kinds=MATERIALS,
                            blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)

    objects = ItemQuerySet.as_manager()
    access_paths = PORTFOLIO_PATHS
    limited_fields = ["title", "portfolio"]

    class Meta:
        verbose_name = _("working material")
        verbose_name_plural = _("working materials")
        ordering = ["-pk"]

    def __str__(self):
        return self.title


# Projects ------------------------------------------------------------------------------


class ProjectQuerySet(PortfolioScopedQuerySet):
    owner_lookup = None  # the leader and the participants are in the matrix ("person")
    public_q = Q(public=True)


class Project(index.Indexed, RevisionMixin, models.Model):
    institution = models.ForeignKey("records.Institution", on_delete=models.CASCADE,
                                    related_name="projects", verbose_name=_("institution"))
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices,
                            default=ProjectKind.OTHER)
    description = models.TextField(_("description"), blank=True)
    leader = models.ForeignKey("records.Staff", on_delete=models.PROTECT,
                               related_name="led_projects", verbose_name=_("leader"))
    public = models.BooleanField(_("public"), default=False,
                                 help_text=_("Anyone may read a public project. Minor "
                                             "pupils are named only with a parent's "
                                             "consent."))

    objects = ProjectQuerySet.as_manager()
    access_paths = {
        "institution": "institution_id",
        "person": ("leader__person_id", "participants__person_id"),
        "pupil": "participants__pupil_id",
    }
    limited_fields = ["title", "kind", "institution", "leader"]
    search_fields = [
        index.SearchField("title"),
        index.SearchField("description"),
        index.AutocompleteField("title"),
        index.FilterField("id"),
        index.FilterField("public"),
        index.FilterField("institution_id"),
    ]

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:project", args=[self.pk])

    @property
    def search_snippet(self):
        # The kind only: the description may be what a limited reader does not read.
        return str(self.get_kind_display())


class ProjectPartQuerySet(PortfolioScopedQuerySet):
    public_q = Q(project__public=True)


PROJECT_PATHS = {
    "institution": "project__institution_id",
    "person": ("project__leader__person_id", "project__participants__person_id"),
    "pupil": "project__participants__pupil_id",
}


class ProjectParticipant(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="participants", verbose_name=_("project"))
    person = models.ForeignKey("records.Person", on_delete=models.CASCADE,
                               related_name="project_participations",
                               verbose_name=_("participant"))
    pupil = models.ForeignKey("records.Pupil", on_delete=models.CASCADE, null=True,
                              blank=True, related_name="project_participations",
                              verbose_name=_("pupil"))
    staff = models.ForeignKey("records.Staff", on_delete=models.CASCADE, null=True,
                              blank=True, related_name="project_participations",
                              verbose_name=_("staff member"))
    role = models.CharField(_("role in the project"), max_length=200, blank=True)
    # A parent's consent to name a minor pupil on the public project page.
    name_approved_at = models.DateTimeField(_("name made public at"), null=True, blank=True,
                                            editable=False)
    name_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", editable=False, verbose_name=_("name made public by"))

    access_paths = {
        "institution": "project__institution_id",
        "person": "person_id",
        "pupil": "pupil_id",
    }

    class Meta:
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        ordering = ["person__search_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "person"],
                                    name="project_participant_once"),
        ]

    def __str__(self):
        return self.person.full_name

    @property
    def name_public(self):
        """May the public project page name this participant? Staff and adults yes; a
        minor pupil only with a parent's consent."""
        if self.pupil_id is None or not is_minor(self.person):
            return True
        return self.name_approved_at is not None


class ProjectMaterial(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="materials",
                                verbose_name=_("project"))
    title = models.CharField(_("title"), max_length=300)
    file = PrivateFileField(_("file"), upload_to="portfolio/projects/", kinds=MATERIALS,
                            blank=True)
    link = models.URLField(_("link"), blank=True, max_length=500)

    objects = ProjectPartQuerySet.as_manager()
    access_paths = PROJECT_PATHS
    limited_fields = ["title", "project"]

    class Meta:
        verbose_name = _("project material")
        verbose_name_plural = _("project materials")
        ordering = ["pk"]

    def __str__(self):
        return self.title

    @property
    def is_public(self):
        return self.project.public


class ProjectAchievement(AchievementFields):
    project = models.ForeignKey(Project, on_delete=models.CASCADE,
                                related_name="achievements", verbose_name=_("project"))

    objects = ProjectPartQuerySet.as_manager()
    access_paths = PROJECT_PATHS
    limited_fields = ["title", "level", "date", "project"]

    class Meta:
        verbose_name = _("project achievement")
        verbose_name_plural = _("project achievements")
        ordering = ["-date", "pk"]
