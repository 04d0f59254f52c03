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

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
