"""Users of the portal: planners of one agency, and national administrators.

Citizens are anonymous: they never need an account.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        PLANNER = "planner", _("Planner")
        ADMINISTRATOR = "administrator", _("National administrator")

    role = models.CharField(
        _("role"), max_length=20, choices=Role, default=Role.PLANNER
    )
    agency = models.ForeignKey(
        "layers.Agency",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        help_text=_(
            "A planner may change only the documents and layers of this agency."
        ),
    )
    # What the portal writes to them when no page tells their language: the
    # weekly digest of requests, for one.
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=[("fr", _("French")), ("ar", _("Arabic")), ("en", _("English"))],
        default="fr",
        # In the table too: accounts made in SQL (the benchmarks') get it.
        db_default="fr",
        help_text=_("The language of the mail the portal sends this user."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")


class ApiToken(models.Model):
    """A personal key for scripts, sent as ``Authorization: Token <key>``.

    Only a SHA-256 digest of the key is stored; the key itself is shown once,
    when it is created (``accounts.tokens.api_token_create``).
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="api_tokens",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} — {self.prefix}…"


class TokenFailure(models.Model):
    """Failed API tokens of one client address (``accounts.throttle``)."""

    address = models.GenericIPAddressField(_("address"), unique=True)
    failures = models.PositiveIntegerField(_("failures"), default=0)
    last_failure_at = models.DateTimeField(_("last failure"))

    class Meta:
        verbose_name = _("failed API tokens of an address")
        verbose_name_plural = _("failed API tokens of addresses")

    def __str__(self) -> str:
        return f"{self.address}: {self.failures}"


class RequestQuota(models.Model):
    """How often one client address did one costly thing in the current window
    (``accounts.throttle.quota_take``): issuing notes, for instance, stores a
    signed document that can never be deleted. Some scopes count per thing
    rather than per address, whoever asks (wrong codes tried for one permit
    file's number, from any address): ``address`` then holds that thing's key."""

    scope = models.CharField(_("scope"), max_length=40)
    address = models.CharField(_("address or key"), max_length=64)
    window_start = models.DateTimeField(_("window start"))
    count = models.PositiveIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("request quota of an address")
        verbose_name_plural = _("request quotas of addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "address"], name="request_quota_scope_address"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.address}: {self.count}"
