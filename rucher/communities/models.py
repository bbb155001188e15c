"""Communities (kind, visibility, goals) and who belongs to them, with which role."""

from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rucher.core.memo import memo_clear

# A year of working hours is already more than any promise worth making.
MAX_ANSWER_PROMISE_HOURS = 2000


class CommunityKind(models.TextChoices):
    THEMATIC = "thematic", _("Thematic / sector")
    PRACTICE = "practice", _("Practice")
    EXPERTISE = "expertise", _("Expertise")
    INTEREST = "interest", _("Interest")
    PROJECT = "project", _("Project")
    PROCESS = "process", _("Process")


class CommunityVisibility(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    PRIVATE = "private", _("Private: join on request, content for members only")
    SECRET = "secret", _("Secret: invitation only, invisible to non-members")


class CommunityTab(models.TextChoices):
    """The tabs of a community page that its managers may turn off (the stream, with the
    about text, is always on). A tab that is off answers 404 and leaves the menu."""

    BLOG = "blog", _("Blog")
    FORUM = "forum", _("Forum")
    IDEAS = "ideas", _("Ideas")
    EVENTS = "events", _("Events")
    POLLS = "polls", _("Polls")
    DOCUMENTS = "documents", _("Documents")
    QUESTIONS = "questions", _("Questions")
    MEMBERS = "members", _("Members")


class DefaultCommunityRole(models.TextChoices):
    NONE = "", _("None")
    WELCOME = "welcome", _("Welcome community for newcomers")
    HELP = "help", _("Help with the network (Support / SAV)")


class Community(models.Model):
    Kind = CommunityKind
    Tab = CommunityTab
    Visibility = CommunityVisibility
    DefaultRole = DefaultCommunityRole

    name = models.CharField(_("name"), max_length=100)
    # Lower-cased name: browsing keysets on (sort_name, id).
    sort_name = models.CharField(max_length=100, editable=False)
    slug = models.SlugField(_("web address"), max_length=60, unique=True)
    description = models.TextField(_("description"), max_length=10000, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.THEMATIC)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.OPEN
    )
    objectives = models.TextField(_("objectives"), max_length=4000, blank=True)
    rules = models.TextField(_("rules"), max_length=10000, blank=True)
    answer_promise_hours = models.PositiveIntegerField(
        _("answer-time promise (working hours)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_ANSWER_PROMISE_HOURS)],
    )
    default_role = models.CharField(
        _("default community"), max_length=10, choices=DefaultRole.choices, blank=True, default=""
    )
    # A band across the top of the community's page: always a JPEG Rucher drew itself
    # (communities.services.community_cover_set), served to those who may see the community.
    cover = models.ImageField(_("cover image"), upload_to="communities/", blank=True)
    member_count = models.PositiveIntegerField(default=0, editable=False)
    # Comma-separated CommunityTab values turned off (empty: every tab on, the default).
    tabs_off = models.CharField(max_length=100, blank=True, default="", editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        indexes = [models.Index(fields=["sort_name", "id"], name="community_browse_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(answer_promise_hours__isnull=True) | Q(answer_promise_hours__gte=1),
                name="community_answer_promise_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=CommunityKind.values), name="community_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=CommunityVisibility.values),
                name="community_visibility_valid",
            ),
            models.UniqueConstraint(
                fields=["default_role"],
                condition=~Q(default_role=""),
                name="community_one_per_default_role",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.sort_name = self.name.casefold()[:100]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "sort_name"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]
        # A visibility change changes who reads it: see rucher.core.memo.
        memo_clear()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        memo_clear()
        return super().delete(*args, **kwargs)

    def tab_on(self, tab: str) -> bool:
        return tab not in self.tabs_off.split(",")

    @property
    def tabs_shown(self) -> list[str]:
        """The tabs that are on (templates: `{% if "blog" in c.tabs_shown %}`)."""
        return [tab for tab in CommunityTab.values if self.tab_on(tab)]

    @property
    def is_open(self) -> bool:
        return self.visibility == self.Visibility.OPEN

    @property
    def is_private(self) -> bool:
        return self.visibility == self.Visibility.PRIVATE

    @property
    def is_secret(self) -> bool:
        return self.visibility == self.Visibility.SECRET

    @property
    def effective_answer_promise_hours(self) -> int | None:
        """The community's own promise, else the organisation's default (None: no promise)."""
        return self.answer_promise_hours or settings.RUCHER_DEFAULT_ANSWER_HOURS or None


class MembershipRole(models.TextChoices):
    OWNER = "owner", pgettext_lazy("community role", "Owner")
    MANAGER = "manager", pgettext_lazy("community role", "Manager")
    AMBASSADOR = "ambassador", pgettext_lazy("community role", "Ambassador")
    MEMBER = "member", pgettext_lazy("community role", "Member")


class MembershipStatus(models.TextChoices):
    MEMBER = "member", pgettext_lazy("membership status", "Member")
    REQUESTED = "requested", _("Requested")
    INVITED = "invited", _("Invited")
    # Removed by a manager (moderation): no access, cannot rejoin alone, earns no points there.
    REMOVED = "removed", _("Removed")


class Membership(models.Model):
    """One person's link to a community: a member, a pending request or an invitation."""

    Role = MembershipRole
    Status = MembershipStatus

    MANAGING_ROLES = frozenset({Role.OWNER, Role.MANAGER})

    community = models.ForeignKey(Community, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_memberships"
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.MEMBER
    )
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            models.Index(fields=["community", "status"], name="membership_by_status"),
            models.Index(fields=["person", "status"], name="membership_by_person"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["community", "person"], name="membership_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MembershipRole.values), name="membership_role_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=MembershipStatus.values), name="membership_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.community_id} ({self.role}, {self.status})"

    # Joining, leaving, a role change or a removal changes what the person reads: the access
    # functions' per-request memo (rucher.core.memo) forgets what it read.
    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        memo_clear()

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        memo_clear()
        return super().delete(*args, **kwargs)

    @property
    def is_member(self) -> bool:
        return self.status == self.Status.MEMBER

    @property
    def can_manage(self) -> bool:
        return self.is_member and self.role in self.MANAGING_ROLES
