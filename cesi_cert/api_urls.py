"""Everything under /api/v1/ (SPEC "Public contract")."""

from django.urls import include, path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from applications.api import urls as application_api

router = DefaultRouter()
application_api.register(router)

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include(router.urls)),
]
