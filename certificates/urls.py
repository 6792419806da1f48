"""Pages of the certificates app, mounted by the root URLconf in each place: the public ones
(at the site root, no login), the committee's and the portal's."""

from django.urls import path, re_path

from .views import committee, portal, portal_decisions, public

#: Mounted at the root by the root URLconf; no login.
public_patterns = [
    path("verify/", public.search, name="verify_search"),
    path("verify/<str:number>/", public.verify, name="verify"),
    path("directory/", public.directory, name="directory"),
    path("notices/", public.notices, name="public_notices"),
]

#: Mounted in the committee namespace (``/committee/``).
committee_patterns = [
    path("decisions/<int:pk>/", committee.decision_detail, name="decision"),
    path(
        "decisions/<int:pk>/actions/<slug:name>/",
        committee.DecisionActionView.as_view(),
        name="decision_action",
    ),
    # Its own prefix: the Content-Security-Policy lets the dossier page frame what is below it.
    path("reports/<int:pk>.pdf", committee.report_pdf, name="decision_report"),
]

#: Mounted in the portal namespace (``/portal/``).
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
    path("decisions/<int:pk>/", portal_decisions.decision_detail, name="decision"),
    path(
        "decisions/<int:pk>/refusal-notice.pdf",
        portal_decisions.refusal_notice,
        name="decision_refusal_notice",
    ),
]
