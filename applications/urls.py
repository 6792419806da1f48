from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.portal_home, name="home"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("documents/<int:pk>/download/", views.document_download, name="document_download"),
]
