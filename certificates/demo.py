"""Demo data of the certificates app (registered with ``cesi_cert.demo``, run by ``seed_demo``)."""

from __future__ import annotations


def seed_decisions(users: dict) -> None:
    """One pending decision for the demo committee member: the first demo evaluation that is
    reported gets its decision; if none is, one demo evaluation is reported in bulk (its data
    is demo data, not a walked evaluation) and its decision opened through the service."""
    from django.utils import timezone

    from evaluations.models import Evaluation

    from .models import Decision
    from .services import decision_open

    if Decision.objects.exists():
        return
    evaluation = Evaluation.objects.filter(state=Evaluation.State.REPORTED).first()
    if evaluation is None:
        evaluation = Evaluation.objects.exclude(state=Evaluation.State.CANCELLED).first()
        if evaluation is None:
            evaluation = _demo_evaluation()
        if evaluation is None:
            return
        Evaluation.objects.filter(pk=evaluation.pk).update(
            state=Evaluation.State.REPORTED,
            conclusion=Evaluation.Conclusion.RECOMMEND,
            reported_at=timezone.now(),
        )
        evaluation.refresh_from_db()
    decision_open(evaluation=evaluation)


def _demo_evaluation():
    """An evaluation of the first demo organisation (the demo has none otherwise)."""
    from applications.models import Organization, Scheme
    from evaluations.models import Evaluation

    org = Organization.objects.order_by("pk").first()
    scheme = Scheme.objects.filter(is_active=True).order_by("pk").first()
    if org is None or scheme is None:
        return None
    evaluation, _ = Evaluation.objects.get_or_create(
        reference="EV-DEMO-0001",
        defaults={"organization": org, "scheme": scheme, "kind": Evaluation.Kind.INITIAL},
    )
    return evaluation
