"""Certificate pages: the public ones (mounted at the site root, no login) and the portal's."""

from django.urls import path, re_path

from .views import portal, public

#: Mounted at the root by the root URLconf; no login.
public_patterns = [
    path("verify/", public.search, name="verify_search"),
    path("verify/<str:number>/", public.verify, name="verify"),
    path("directory/", public.directory, name="directory"),
    path("notices/", public.notices, name="public_notices"),
]

#: Mounted in the portal namespace by the root URLconf.
portal_patterns = [
    path("certificates/", portal.certificate_list, name="certificates"),
    path("certificates/<int:pk>/", portal.certificate_detail, name="certificate"),
    re_path(
        r"^certificates/(?P<pk>\d+)/v(?P<sequence>\d+)/(?P<language>zh-hans|en)\.pdf$",
        portal.certificate_pdf,
        name="certificate_pdf",
    ),
    path(
        "certificates/<int:pk>/notices/<int:change_pk>.pdf",
        portal.notice_pdf,
        name="certificate_notice",
    ),
]
