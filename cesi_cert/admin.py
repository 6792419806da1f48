"""Staff screens for users, the transition log and notifications."""

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth import forms as auth_forms
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .models import Notification, TransitionLog, User


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
