"""The grounds of suspension (§5.1.1 a–m) and withdrawal (§5.2.1 a–k).

The English text is the message id; the Chinese text is the seed's own wording, in the
catalogue (``locale/zh_Hans``), so a notice prints each ground in its reader's language.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SuspensionGround(models.TextChoices):
    """§5.1.1: after investigation, the CB suspends the certificate on one of these grounds."""

    A = (
        "a",
        _(
            "a) For reasons of its own, the organisation could not receive a surveillance or "
            "recertification evaluation on time and the time limit has passed"
        ),
    )
    B = "b", _("b) The service persistently or seriously fails the certification requirements")
    C = "c", _("c) Misuse of the certificate or mark without corrective action")
    D = "d", _("d) Ordered by a law-enforcement authority to stop business and rectify")
    E = (
        "e",
        _(
            "e) The local certification regulator found problems in the service that require the "
            "certificate to be suspended"
        ),
    )
    F = (
        "f",
        _(
            "f) An administrative licence or qualification has expired; the renewal was accepted "
            "but not yet granted"
        ),
    )
    G = "g", _("g) The organisation asked for the suspension")
    H = (
        "h",
        _(
            "h) Nonconformities from surveillance not corrected in time without a reasonable "
            "explanation (or the corrective actions were not shown to be effective)"
        ),
    )
    I = (  # noqa: E741 — the seed's own letter
        "i",
        _(
            "i) Sampling required by surveillance or the implementation rule showed the service "
            "does not meet the requirements, without calling for immediate withdrawal"
        ),
    )
    J = "j", _("j) Sampling could not be done normally because of the service provider")
    K = (
        "k",
        _(
            "k) Changes affecting conformity or the content of the certificate (name, address, "
            "scope …) were not notified to the CB and handled in time"
        ),
    )
    L = "l", _("l) The organisation does not meet its duties under the certification contract")
    M = "m", _("m) A major accident in the service")


class WithdrawalGround(models.TextChoices):
    """§5.2.1: after investigation, the CB withdraws the certificate on one of these grounds."""

    A = "a", _("a) The organisation was deregistered or its legal-status document revoked")
    B = "b", _("b) Listed by the national quality authority as a seriously untrustworthy company")
    C = (
        "c",
        _(
            "c) Refused to cooperate with the regulator's supervision, or gave false material or "
            "information in its inquiries"
        ),
    )
    D = (
        "d",
        _(
            "d) After suspension, no effective corrective action within the suspension period "
            "(including an expired licence or qualification whose renewal was refused)"
        ),
    )
    E = "e", _("e) Its management system seriously breaches laws and regulations")
    F = (
        "f",
        _(
            "f) A major accident in the service, confirmed by the enforcement authority to be the "
            "organisation's fault"
        ),
    )
    G = (
        "g",
        _(
            "g) The service is not run, or can no longer be run (dissolution, bankruptcy, closure, "
            "poor management or other reasons)"
        ),
    )
    H = (
        "h",
        _(
            "h) Incorrect citing or publicising of the certification with serious effects, or not "
            "corrected more than 2 months after the CB asked"
        ),
    )
    I = (  # noqa: E741 — the seed's own letter
        "i",
        _(
            "i) The certification rules changed during validity and the organisation does not want "
            "to meet the new requirements"
        ),
    )
    J = (
        "j",
        _(
            "j) Other serious breaches of the formal agreement with the CB, with serious effects, "
            "confirmed"
        ),
    )
    K = "k", _("k) The organisation asked for the withdrawal of its certificate")


#: §5.1.3: suspension on ground f lasts until the licensing authority decides.
UNTIL_LICENCE_DECISION = SuspensionGround.F
#: §5.2.1 k: the organisation's own request (its consent is the request itself).
ON_REQUEST = WithdrawalGround.K
