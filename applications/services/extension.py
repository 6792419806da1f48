"""Scope extension (§3.4.5): the conditions of §3.5.5.1 checked in the review, and the contract
the extension supplements (§3.5.5.2 b).

a and b are the reviewer's judgement, confirmed with who and when; c is computed from the
incident register (``review_checks`` findings, filled by the surveillance app): the reviewer
can confirm it only while nothing is found, and acceptance is refused while anything is found,
even after it was confirmed (the seed says "未发生": there is no override).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cesi_cert.db import unique_violation
from cesi_cert.errors import DomainError, conflict, invalid
from cesi_cert.models import WORKING_LANGUAGE
from cesi_cert.transitions import begin, run_transition

from .. import review_checks
from ..models import Application, Contract, ExtensionCondition, ExtensionConditionCheck

#: The condition computed from the incident register.
COMPUTED = ExtensionCondition.C


def condition_c_findings(application: Application, *, as_of=None) -> list[review_checks.Finding]:
    """§3.5.5.1 c: the organisation's accidents / major complaints and failed national
    inspections (§3.4.3 a, b) that happened within the 12 months before ``as_of`` (now)."""
    return review_checks.findings(COMPUTED, application, as_of=as_of or timezone.now())


def _findings_text(found) -> str:
    return ", ".join(f"{f.reference} ({timezone.localtime(f.occurred_at):%Y-%m-%d})" for f in found)


def findings_conflict(found) -> DomainError:
    return conflict(
        _(
            "Condition c of §3.5.5.1 is not met: within the last 12 months the incident register "
            "holds %(refs)s."
        )
        % {"refs": _findings_text(found)}
    )


@transaction.atomic
def application_confirm_extension_condition(
    *, application: Application, by, condition: str, note: str = ""
) -> Application:
    """§3.5.5.1 a–c: the reviewer confirms one condition of an extension; who and when are
    recorded (a check row, and the transition log with the condition's text)."""
    app = begin(application, "confirm_extension_condition", by)
    if condition not in ExtensionCondition.values:
        raise invalid("condition", _("Choose one of the conditions a–c of §3.5.5.1."))
    if condition == COMPUTED:
        found = condition_c_findings(app)
        if found:
            raise findings_conflict(found)
    check = ExtensionConditionCheck(
        application=app, condition=condition, confirmed_by=by, note=(note or "").strip()
    )
    check._history_user = by
    try:
        with transaction.atomic():
            check.save()
    except IntegrityError as exc:
        if unique_violation(exc, ExtensionConditionCheck, "one_extension_check_per_condition"):
            raise conflict(_("This condition is already confirmed.")) from None
        raise
    with translation.override(WORKING_LANGUAGE):
        text = f"§3.5.5.1 {ExtensionCondition(condition).label}"
    return run_transition(
        app,
        "confirm_extension_condition",
        by=by,
        reason=f"{text}\n{check.note}".strip(),
        condition=condition,
    )


def extension_acceptance_blockers(app: Application) -> None:
    """Raise 409 unless a, b and c are confirmed and c still finds nothing (called by
    ``application_accept`` for an extension, inside its transaction)."""
    done = set(app.extension_checks.values_list("condition", flat=True))
    missing = [c for c in ExtensionCondition.values if c not in done]
    if missing:
        raise conflict(
            _("Confirm conditions %(conditions)s of §3.5.5.1 before accepting the extension.")
            % {"conditions": ", ".join(missing)}
        )
    found = condition_c_findings(app)
    if found:
        raise findings_conflict(found)


def extension_checklist(app: Application) -> list[dict]:
    """The three conditions as the admin and the portal show them: the check (or ``None``)
    and, for c, what the incident register finds now."""
    checks = {c.condition: c for c in app.extension_checks.select_related("confirmed_by")}
    rows = []
    for value, label in ExtensionCondition.choices:
        rows.append(
            {
                "condition": value,
                "label": label,
                "check": checks.get(value),
                "computed": value == COMPUTED,
                "findings": condition_c_findings(app) if value == COMPUTED else [],
            }
        )
    return rows


def supplemented_contract(app: Application) -> Contract | None:
    """§3.5.5.2 b: the contract an extension supplements — the contract of the application
    whose evaluation issued the certificate's first version (none for a certificate that
    predates the system). Reached through the certificate's relations by name: this app never
    imports the downstream ones."""
    if not app.certificate_id:
        return None
    return (
        Contract.objects.filter(
            application__evaluations__certificate_version__certificate_id=app.certificate_id,
            application__evaluations__certificate_version__sequence=1,
        )
        .order_by("pk")
        .first()
    )
