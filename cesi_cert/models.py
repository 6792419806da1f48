from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from . import limits

#: The certification body's working language: new accounts' e-mails, the stored notice text.
WORKING_LANGUAGE = "zh-hans"

#: One account per address: sign-up, password reset and membership all find people by it.
EMAIL_TAKEN = _("An account with this e-mail already exists.")


class User(AbstractUser):
    """A person using the system: staff, auditor, committee member or applicant."""

    phone = models.CharField(_("phone"), max_length=32, blank=True)
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        default=WORKING_LANGUAGE,
        help_text=_("The language of the e-mails this person receives."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"
        constraints = [
            # Case-insensitive, as addresses are in practice; accounts an administrator made
            # without an address are exempt.
            models.UniqueConstraint(
                Lower("email"),
                name="unique_user_email_ci",
                condition=~models.Q(email=""),
                violation_error_code="email_taken",
                violation_error_message=EMAIL_TAKEN,
            )
        ]

    def validate_constraints(self, exclude=None):
        """As Django's, with the address constraint's message next to the e-mail field (Django
        puts the message of a constraint on an expression above the whole form)."""
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict({})
            above = errors.pop(NON_FIELD_ERRORS, [])
            for error in above:
                key = "email" if error.code == "email_taken" else NON_FIELD_ERRORS
                errors.setdefault(key, []).append(error)
            raise ValidationError(errors) from None

    def __str__(self):
        full = self.get_full_name()
        return f"{full} ({self.username})" if full else self.username

    def save(self, *args, **kwargs):
        """Save; a new password also ends the user's API tokens (issue 6 item 8).

        The stored hash is compared, so every path is caught: the password change and reset
        pages, the admin, ``set_password()`` or a hash assigned anywhere. Not a re-hash of the
        same password (Django's ``check_password`` upgrading the hasher saves only ``password``
        and clears ``_password``, which marks a change).
        """
        update_fields = kwargs.get("update_fields")
        rehash = update_fields is not None and set(update_fields) == {"password"}
        password_changed = (
            not self._state.adding
            and (update_fields is None or "password" in update_fields)
            and not (rehash and self._password is None)
            and not type(self)
            ._base_manager.using(kwargs.get("using") or self._state.db)
            .filter(pk=self.pk, password=self.password)
            .exists()
        )
        super().save(*args, **kwargs)
        if password_changed:
            from rest_framework.authtoken.models import Token

            Token.objects.filter(user=self).delete()


class SignupConfirmation(models.Model):
    """A sign-up waiting for its e-mail address to be confirmed (``cesi_cert.accounts``).

    The account is created only when the link is opened, so a pending sign-up reserves nothing:
    not the username, not the address. The password is kept hashed, as on the account; the link's
    token only as its hash. The row is deleted once used, and expired rows at the next sign-up.
    """

    email = models.EmailField(_("e-mail"))
    username = models.CharField(_("username"), max_length=150)
    first_name = models.CharField(_("name"), max_length=150)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    password = models.CharField(_("password"), max_length=128)
    language = models.CharField(_("language"), max_length=16, default=WORKING_LANGUAGE)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    class Meta:
        verbose_name = _("sign-up awaiting confirmation")
        verbose_name_plural = _("sign-ups awaiting confirmation")

    def __str__(self):
        return self.username


class TransitionLog(models.Model):
    """One row per state change of any state machine: who, which transition, from, to, why.

    Written only by :func:`cesi_cert.transitions.run_transition`, so no path can move a state
    without leaving a row here (field-level changes are in the django-simple-history tables).
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("transition"), max_length=64)
    source = models.CharField(_("from"), max_length=64)
    target = models.CharField(_("to"), max_length=64)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.TextField(_("reason"), blank=True, **limits.bounded_text(limits.REASON))
    at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("state change")
        verbose_name_plural = _("state changes")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]
        constraints = [limits.length_check("cesi_cert_transitionlog", "reason", limits.REASON)]

    def __str__(self):
        return f"{self.content_type.model}#{self.object_id} {self.source}→{self.target}"

    @property
    def by_system(self) -> bool:
        """No actor means the system acted (a sweep or an event handler; the reason names it)."""
        return self.actor_id is None

    @property
    def actor_label(self) -> str:
        return str(self.actor) if self.actor_id else str(_("System"))


class Notification(models.Model):
    """An in-app message for one user (also e-mailed when the user has an address).

    ``kind`` and ``params`` are what it says; it is rendered in the reader's language by
    :mod:`cesi_cert.notifications`. ``message`` keeps the working-language (Chinese) text for
    searching, and is what a row of a kind no longer declared shows.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=64, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=500)
    link = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return self.message

    def rendered(self, language: str | None = None) -> tuple[str, str]:
        """``(subject, body)`` in ``language`` (default: the active one, i.e. the reader's)."""
        from .notifications import one_line, render

        try:
            return render(self.kind, self.params, language)
        except LookupError:
            return one_line(self.message), self.message

    @property
    def text(self) -> str:
        return self.rendered()[1]

    @property
    def subject(self) -> str:
        return self.rendered()[0]


class Deadline(models.Model):
    """A date by which something must happen (SPEC "Deadlines"): one row per open obligation.

    Kept by the app the obligation belongs to, through :func:`cesi_cert.deadlines.track` (open it
    or move it when the thing changes) and :func:`cesi_cert.deadlines.close` (done, or no longer
    owed). The reminder and alert sweeps read these rows only, by indexed dates, so their cost
    follows what is due, not how many certificates exist.

    ``organization_id`` is whose obligation it is (the portal shows it to that organisation's
    members); it is a plain id, not a foreign key, because the kernel does not know the
    applications app.
    """

    class Outcome(models.TextChoices):
        MET = "met", _("Met in time")
        LATE = "late", _("Met late")
        CANCELLED = "cancelled", _("No longer owed")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(_("kind"), max_length=64)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    organization_id = models.PositiveBigIntegerField(_("organisation"), null=True, blank=True)
    visible_to_organization = models.BooleanField(_("shown to the organisation"), default=True)
    owner_role = models.CharField(_("department"), max_length=32, blank=True)
    portal_link = models.CharField(_("link in the portal"), max_length=300, blank=True)
    staff_link = models.CharField(_("link for staff"), max_length=300, blank=True)
    due_at = models.DateTimeField(_("due"))
    remind_at = models.DateTimeField(_("remind on"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    alerted_at = models.DateTimeField(_("overdue alert sent"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        ordering = ["due_at", "pk"]
        constraints = [
            # One open obligation of a kind per thing: a second track() moves it, never adds one.
            models.UniqueConstraint(
                fields=["content_type", "object_id", "kind"],
                condition=Q(closed_at__isnull=True),
                name="one_open_deadline_per_subject_and_kind",
            ),
        ]
        indexes = [
            # What the dashboard, the portal and the alert sweep read: open rows by due date.
            models.Index(
                fields=["due_at"], condition=Q(closed_at__isnull=True), name="deadline_open_due"
            ),
            models.Index(
                fields=["remind_at"],
                condition=Q(closed_at__isnull=True, reminded_at__isnull=True),
                name="deadline_to_remind",
            ),
            models.Index(fields=["organization_id", "due_at"], name="deadline_org_due"),
            models.Index(fields=["content_type", "object_id"], name="deadline_subject"),
        ]

    def __str__(self):
        return f"{self.title} ({self.due_at:%Y-%m-%d %H:%M})"

    @property
    def title(self) -> str:
        """What is due, in the active language (the kind's sentence with its parameters)."""
        from .deadlines import title_of

        return title_of(self)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    def is_overdue(self, now=None) -> bool:
        return self.closed_at is None and self.due_at <= (now or timezone.now())
