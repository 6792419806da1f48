"""Staff screens for users, the transition log, notifications and the deadline dashboard."""

from datetime import timedelta

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from .deadlines import HORIZONS, deadlines_for, horizon_of
from .models import Deadline, Notification, TransitionLog, User
from .roles import Role


class UserCreationForm(auth_forms.AdminUserCreationForm):
    class Meta(auth_forms.AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "phone")


class UserChangeForm(auth_forms.UserChangeForm):
    class Meta(auth_forms.UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin):
    """Django's user admin plus the phone number; roles are the groups (cesi_cert.roles)."""

    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "phone",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "phone",
        "is_staff",
        "is_active",
    )
    list_filter = ("groups", "is_staff", "is_superuser", "is_active")
    search_fields = ("username", "first_name", "last_name", "email", "phone")


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record nobody edits from the admin: no add, no change, no delete."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class SubjectTypeFilter(admin.RelatedFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("kind of record")


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    """Every state change of every machine, written only by ``run_transition``."""

    list_display = ("at", "subject_link", "transition", "source", "target", "actor", "short_reason")
    list_filter = (("content_type", SubjectTypeFilter), "transition")
    search_fields = ("transition", "reason", "actor__username", "source", "target")
    date_hierarchy = "at"
    list_select_related = ("content_type", "actor")
    ordering = ("-at", "-pk")
    fields = ("at", "subject_link", "transition", "source", "target", "actor", "reason")
    readonly_fields = fields

    @admin.display(description=_("subject"))
    def subject_link(self, log):
        label = f"{log.content_type.name} #{log.object_id}"
        try:
            url = reverse(
                f"admin:{log.content_type.app_label}_{log.content_type.model}_change",
                args=[log.object_id],
            )
        except NoReverseMatch:
            return label
        return format_html('<a href="{}">{}</a>', url, label)

    @admin.display(description=_("reason"))
    def short_reason(self, log):
        return Truncator(log.reason).chars(80)


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "to", "message", "read_at")
    list_filter = (("read_at", admin.EmptyFieldListFilter),)
    search_fields = ("message", "recipient__username")
    date_hierarchy = "created_at"
    list_select_related = ("recipient",)
    fields = ("to", "message", "link", "created_at", "read_at")
    readonly_fields = fields

    @admin.display(description=_("recipient"), ordering="recipient__username")
    def to(self, notification):
        return notification.recipient


class DueFilter(admin.SimpleListFilter):
    """The dashboard's horizons: overdue, due in the next 30/60/90 days, closed."""

    title = _("due")
    parameter_name = "due"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            *[(str(d), _("Next %(days)s days") % {"days": d}) for d in HORIZONS],
            ("closed", _("Closed")),
        ]

    def queryset(self, request, queryset):
        now = timezone.now()
        value = self.value()
        if value == "closed":
            return queryset.filter(closed_at__isnull=False)
        if value == "overdue":
            return queryset.filter(closed_at__isnull=True, due_at__lte=now)
        if value in {str(d) for d in HORIZONS}:
            return queryset.filter(
                closed_at__isnull=True,
                due_at__gt=now,
                due_at__lte=now + timedelta(days=int(value)),
            )
        return queryset


class OpenFilter(admin.SimpleListFilter):
    """Open deadlines unless asked otherwise: the dashboard is about what is still owed."""

    title = _("open")
    parameter_name = "open"

    def lookups(self, request, model_admin):
        return [("all", _("Open and closed"))]

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": pgettext("deadline", "Open only"),
        }
        for lookup, title in self.lookup_choices:  # not the default "All": it would mean "open"
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        if self.value() == "all" or request.GET.get("due") == "closed":
            return queryset
        return queryset.filter(closed_at__isnull=True)


class OwnerFilter(admin.SimpleListFilter):
    """By department, named as people know it (not the role's code)."""

    title = _("department")
    parameter_name = "owner"

    def lookups(self, request, model_admin):
        return [(role.value, role.label) for role in Role if role != Role.APPLICANT]

    def queryset(self, request, queryset):
        return queryset.filter(owner_role=self.value()) if self.value() else queryset


@admin.register(Deadline)
class DeadlineAdmin(ReadOnlyAdmin):
    """The deadline dashboard (SPEC "Deadlines"): what is due, overdue and coming, by
    department; the rows are kept by the apps the obligations belong to."""

    list_display = ("due_local", "status", "what", "owner", "reminded_at", "alerted_at")
    list_filter = (OpenFilter, DueFilter, OwnerFilter, "kind")
    date_hierarchy = "due_at"
    ordering = ("due_at", "pk")
    fields = ("what", "due_at", "owner", "remind_at", "reminded_at", "alerted_at", "closed_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return deadlines_for(request.user)

    @admin.display(description=_("due"), ordering="due_at")
    def due_local(self, deadline):
        return f"{timezone.localtime(deadline.due_at):%Y-%m-%d %H:%M}"

    @admin.display(description=_("status"))
    def status(self, deadline):
        horizon = horizon_of(deadline)
        labels = {
            "overdue": _("Overdue"),
            "closed": deadline.get_outcome_display() or _("Closed"),
            "later": pgettext("deadline", "Open"),
        }
        label = labels.get(horizon) or _("Due within %(days)s days") % {"days": horizon}
        return format_html('<span class="badge state-{}">{}</span>', horizon, label)

    @admin.display(description=_("what"))
    def what(self, deadline):
        if deadline.staff_link:
            return format_html('<a href="{}">{}</a>', deadline.staff_link, deadline.title)
        return deadline.title

    @admin.display(description=_("department"), ordering="owner_role")
    def owner(self, deadline):
        return Role(deadline.owner_role).label if deadline.owner_role in Role.values else "—"
