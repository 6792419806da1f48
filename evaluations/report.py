"""The evaluation report as a PDF (§3.3.2.2 "完成评价报告，上报赛西认证"), in Chinese, the CB's
working language; rendered once when the report is submitted and stored."""

from __future__ import annotations

from django.conf import settings
from django.utils import translation

from cesi_cert.pdf import render_pdf

from .models import Evaluation


def report_pdf(evaluation: Evaluation) -> bytes:
    with translation.override("zh-hans"):
        return render_pdf(
            "evaluations/report.html",
            {
                "evaluation": evaluation,
                "cb_name": settings.CB_NAME,
                "team": evaluation.active_members(),
                "leader": evaluation.leader,
                "sites": list(evaluation.sites.all()),
                "nonconformities": list(evaluation.nonconformities.all()),
                "activities": list(
                    evaluation.activities.select_related("site", "performed_by").prefetch_related(
                        "files"
                    )
                ),
                "subcontracts": list(evaluation.subcontracted_assessments.all()),
                "meetings": {m.kind: m for m in evaluation.meetings.all()},
                "evidence": list(
                    evaluation.evidence.select_related("site", "activity", "recorded_by")
                    .prefetch_related("photos")
                    .order_by("recorded_at", "pk")
                ),
            },
        )
