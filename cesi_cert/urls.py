"""The root URLconf: it alone mounts every app (so no upstream app imports a downstream one)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from applications import urls as application_urls
from applications.api import urls as application_api
from certificates import urls as certificate_urls
from certificates.api import urls as certificate_api
from evaluations import urls as evaluation_urls
from evaluations.api import urls as evaluation_api
from surveillance import api as surveillance_api
from surveillance import urls as surveillance_urls

from . import api_deadlines, health, views, workspaces
from .api_tokens import ObtainTokenApi

# Each place gathers the pages of every app that works there (the portal: applications, then
# evaluations …), so no upstream app imports a downstream one.
portal_patterns = [
    *application_urls.urlpatterns,
    *evaluation_urls.portal_patterns,
    *certificate_urls.portal_patterns,
    *surveillance_urls.portal_patterns,
]
auditor_patterns = [
    path("", workspaces.auditor_home, name="home"),
    *evaluation_urls.auditor_patterns,
]
committee_patterns = [
    path("", workspaces.committee_home, name="home"),
    *certificate_urls.committee_patterns,
]

# Everything under /api/v1/ (SPEC "Public contract"): each app registers its viewsets.
api_router = DefaultRouter()
# The public certificate search first: a request is matched against the routes in order, and it
# is the busiest of the API (bench/verify.py), the others being a login's.
certificate_api.register_public(api_router)
application_api.register(api_router)
evaluation_api.register(api_router)
surveillance_api.register(api_router)
api_deadlines.register(api_router)
certificate_api.register(api_router)
api_patterns = [
    path("auth/token/", ObtainTokenApi.as_view(), name="api-token"),
    path("", include(api_router.urls)),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", views.favicon),
    path("i18n/setlang/", views.set_language, name="set_language"),
    # Public, no login: verification, search, directory, public notice (§3.3, §4.1 h, §5.3).
    *certificate_urls.public_patterns,
    path("accounts/", include("cesi_cert.account_urls")),
    path("inbox/", include("cesi_cert.inbox_urls", namespace="inbox")),
    path("portal/", include((portal_patterns, "portal"))),
    # The workspaces: each app adds its pages to these lists as it arrives.
    path("auditor/", include((auditor_patterns, "auditor"))),
    path("committee/", include((committee_patterns, "committee"))),
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_patterns)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), so the page runs
    # under a Content-Security-Policy without inline script.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
]

# Errors Django answers itself (an unknown URL, a body too large, a crash): JSON under /api/.
handler400 = "cesi_cert.http_errors.bad_request"
handler403 = "cesi_cert.http_errors.permission_denied"
handler404 = "cesi_cert.http_errors.page_not_found"
handler500 = "cesi_cert.http_errors.server_error"

admin.site.site_header = settings.CB_NAME
admin.site.site_title = settings.CB_NAME
admin.site.index_title = _("Workbench")
