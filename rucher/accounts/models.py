"""People of the organisation: the user (with their profile), follows, charter, tokens."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rucher.core.text import fold_name


class User(AbstractUser):
    class Language(models.TextChoices):
        BROWSER = "", _("Browser language")
        FRENCH = "fr", "Français"
        ENGLISH = "en", "English"

    class GrammaticalGender(models.TextChoices):
        # How French text addressing the person agrees ("vous a remerciée"); neutral wording
        # ("Merci de la part de…") until they say.
        NEUTRAL = "", _("Neutral wording")
        FEMININE = "f", _("Feminine")
        MASCULINE = "m", _("Masculine")

    display_name = models.CharField(_("display name"), max_length=150)
    # Display name, case and accents folded (core.text.fold_name): the directory's keyset sorts
    # on (sort_name, id); people are found by it.
    sort_name = models.CharField(max_length=150, editable=False, db_index=True)
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    department = models.CharField(_("department"), max_length=100, blank=True, db_index=True)
    site = models.CharField(_("site"), max_length=100, blank=True, db_index=True)
    manager = models.ForeignKey(
        "self",
        verbose_name=_("manager"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reports",
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    bio = models.TextField(_("about me"), max_length=4000, blank=True)
    interests = models.JSONField(_("interests"), default=list, blank=True)
    offers = models.TextField(_("what I can offer / help with"), max_length=2000, blank=True)
    reading = models.TextField(_("what I read"), max_length=2000, blank=True)
    photo = models.ImageField(_("photo"), upload_to="people/", blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, blank=True, default=""
    )
    grammatical_gender = models.CharField(
        _("grammatical gender"),
        max_length=1,
        choices=GrammaticalGender.choices,
        blank=True,
        default="",
        db_default="",
    )
    meet_opt_out = models.BooleanField(_("do not suggest me in “meet a colleague”"), default=False)
    is_ambassador = models.BooleanField(_("network ambassador"), default=False)
    # An integration posting through an incoming webhook (rucher.integrations): never signs
    # in, earns no points, absent from the directory and the leaderboards.
    # Database defaults too: rows written by code that predates these columns (older
    # migrations' historical models, a rolling deploy) stay valid.
    is_bot = models.BooleanField(_("bot"), default=False, db_default=False, editable=False)
    # Where the account comes from: "" (local), "oidc" or "ldap". The nightly directory sync
    # looks only at "ldap" accounts (deactivating those the directory no longer lists).
    auth_source = models.CharField(
        max_length=10, blank=True, default="", db_default="", editable=False
    )
    accepted_charter_version = models.PositiveIntegerField(default=0, editable=False)
    profile_completeness = models.PositiveSmallIntegerField(default=0, editable=False)
    follower_count = models.PositiveIntegerField(default=0, editable=False)
    following_count = models.PositiveIntegerField(default=0, editable=False)

    REQUIRED_FIELDS = ["email"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["sort_name", "id"], name="user_directory_order"),
            # The few departed people, left out of every ranking: read without a full scan.
            models.Index(fields=["id"], name="user_departed", condition=Q(is_active=False)),
        ]

    def __str__(self) -> str:
        return self.display_name or self.username

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.display_name:
            full = f"{self.first_name} {self.last_name}".strip()
            self.display_name = full or self.username
        self.sort_name = fold_name(self.display_name)[:150]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:  # type: ignore[operator]
            kwargs["update_fields"] = {*update_fields, "sort_name"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def is_administrator(self) -> bool:
        return self.is_staff or self.is_superuser


class DeclaredSkill(models.Model):
    """A self-declared expertise tag (normalised slug for filtering, name as typed)."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="declared_skills")
    name = models.CharField(max_length=50)
    slug = models.CharField(max_length=50, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "slug"], name="declared_skill_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_links")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_links")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_unique"),
            models.CheckConstraint(condition=~Q(follower=F("followee")), name="follow_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.follower_id} → {self.followee_id}"


class Charter(models.Model):
    """One published version of the network's usage charter; the highest version is current."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    text_fr = models.TextField(_("text (French)"), max_length=20000)
    text_en = models.TextField(_("text (English)"), max_length=20000)
    published_at = models.DateTimeField(_("published at"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-version"]
        verbose_name = _("charter version")
        verbose_name_plural = _("charter versions")

    def __str__(self) -> str:
        return f"v{self.version}"

    def text_for(self, language: str) -> str:
        if language.startswith("en"):
            return self.text_en or self.text_fr
        return self.text_fr or self.text_en


class CharterAcceptance(models.Model):
    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="charter_acceptances")
    charter = models.ForeignKey(Charter, on_delete=models.CASCADE, related_name="acceptances")
    accepted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "charter"], name="charter_acceptance_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} accepted {self.charter_id}"


TOKEN_READ = "read"
TOKEN_WRITE = "write"
TOKEN_SCOPES = (TOKEN_READ, TOKEN_WRITE)


def default_token_scopes() -> list[str]:
    return [TOKEN_READ, TOKEN_WRITE]


class AccessToken(models.Model):
    """A personal API token; only its SHA-256 is stored, the secret is shown once."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="access_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    # "read" and/or "write": a read-only token answers 403 insufficient_scope to any write.
    scopes = models.JSONField(default=default_token_scopes)
    expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return TOKEN_WRITE in self.scopes
