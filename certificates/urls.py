"""Pages of the certificates app, mounted by the root URLconf in each place."""

from django.urls import path

from .views import committee, portal_decisions

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
    path("decisions/<int:pk>/", portal_decisions.decision_detail, name="decision"),
    path(
        "decisions/<int:pk>/refusal-notice.pdf",
        portal_decisions.refusal_notice,
        name="decision_refusal_notice",
    ),
]
