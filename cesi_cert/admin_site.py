"""The admin site: Django's, with every change list answering a bad date filter as a bad filter.

Django's change list turns an impossible month or day of ``date_hierarchy`` into "invalid
filter" (a redirect to ``?e=1``), but not a year its ``datetime`` cannot hold:
``?created_at__year=99999999999999999999`` raised ``OverflowError`` and ``?…__year=9999``
``ValueError`` one year later — a 500 in every list with a date hierarchy (issue 6 item 2).
:class:`CesiAdminSite` gives every ModelAdmin registered with it (ours, django-axes',
simple-history's, those to come) a change list that maps them to Django's own handling.
``INSTALLED_APPS`` names :class:`AdminConfig` instead of ``django.contrib.admin``, so
``admin.site`` and ``@admin.register`` are this site.
"""

from __future__ import annotations

from functools import cache

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.options import IncorrectLookupParameters


class SafeDateFiltersMixin:
    """A ChangeList whose date filters never raise anything but IncorrectLookupParameters."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (OverflowError, ValueError) as exc:
            raise IncorrectLookupParameters(exc) from exc


@cache
def safe_changelist(changelist_class: type) -> type:
    if issubclass(changelist_class, SafeDateFiltersMixin):
        return changelist_class
    return type(changelist_class.__name__, (SafeDateFiltersMixin, changelist_class), {})


class SafeChangeListAdminMixin:
    def get_changelist(self, request, **kwargs):
        return safe_changelist(super().get_changelist(request, **kwargs))


class CesiAdminSite(admin.AdminSite):
    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, SafeChangeListAdminMixin):
            # As Django itself does for ``**options``: a subclass made at registration.
            admin_class = type(
                admin_class.__name__,
                (SafeChangeListAdminMixin, admin_class),
                {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__},
            )
        super().register(model_or_iterable, admin_class, **options)


class AdminConfig(DjangoAdminConfig):
    default_site = "cesi_cert.admin_site.CesiAdminSite"
