"""A new applicant, from sign-up to a submitted application, only through the portal (§3.1.3)."""

import re

from django.conf import settings
from django.core import mail
from django.urls import reverse

from applications.models import REQUIRED_DOCUMENTS, Application, Organization, Scheme
from applications.tests.factories import pdf_upload
from cesi_cert.models import Notification, TransitionLog, User

VALID_CODE = "91350100M000100Y43"


def test_applicant_signs_up_registers_applies_and_submits(
    client, db, cs_staff, django_capture_on_commit_callbacks
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    # Sign up → "check your e-mail" → the e-mailed link creates the account and logs it in.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("signup"),
            {
                "username": "fz-service",
                "first_name": "陈明",
                "email": "chen@example.cn",
                "phone": "13800000000",
                "password1": "Fuzhou-service-2026",
                "password2": "Fuzhou-service-2026",
            },
        )
    assert response["Location"] == reverse("signup_sent")
    [message] = mail.outbox
    link = re.search(r"(/accounts/signup/confirm/\S+/)", message.body).group(1)
    response = client.post(link)
    assert response["Location"] == reverse("portal:home")
    user = User.objects.get(username="fz-service")

    # Register the organisation (the creator becomes its member).
    response = client.post(
        reverse("portal:organization_create"),
        {
            "name_zh": "福州示例服务有限公司",
            "name_en": "Fuzhou Example Services",
            "credit_code": VALID_CODE.lower(),
            "address_zh": "福建省福州市鼓楼区五四路1号",
            "applicant_type": "provider",
            "contact_name": "陈明",
            "contact_phone": "0591-12345678",
            "contact_email": "chen@example.cn",
        },
    )
    org = Organization.objects.get(credit_code=VALID_CODE)
    assert response["Location"] == org.get_absolute_url()
    assert list(org.members.all()) == [user]

    # Add a site.
    client.post(
        reverse("portal:site_create", args=[org.pk]),
        {
            "name": "福州服务中心",
            "address": "五四路1号",
            "activities": "家电售后维修",
            "is_central": "on",
        },
    )
    site = org.sites.get()

    # Create the application.
    scheme = Scheme.objects.get(code="after-sales")
    response = client.post(
        reverse("portal:application_create", args=[org.pk]),
        {
            "scheme": scheme.pk,
            "kind": "initial",
            "requested_level": "4-star",
            "scope": "家用电器的安装、维修与退换货服务",
            "sites": [site.pk],
        },
    )
    app = Application.objects.get(organization=org)
    assert response["Location"] == app.get_absolute_url()
    assert re.fullmatch(r"SA\d{4}-\d{5}", app.reference)

    # Upload the required materials; the checklist fills up.
    for kind in REQUIRED_DOCUMENTS[app.kind]:
        response = client.post(
            reverse("portal:document_upload", args=[app.pk]),
            {"kind": kind, "file": pdf_upload(f"{kind}.pdf")},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(app.get_absolute_url()).content.decode()
    assert 'data-present="no"' not in page
    assert 'data-action="submit"' in page

    # Submit.
    response = client.post(
        reverse("portal:application_action", args=[app.pk, "submit"]),
        {"reason": "请审核"},
        follow=True,
    )
    app.refresh_from_db()
    assert app.state == Application.State.SUBMITTED
    assert 'data-state="submitted"' in response.content.decode()
    log = TransitionLog.objects.get(object_id=app.pk, content_type__model="application")
    assert (log.transition, log.source, log.target, log.actor, log.reason) == (
        "submit",
        "draft",
        "submitted",
        user,
        "请审核",
    )
    # Customer service hears of it (§3.1.4 review starts with them).
    assert Notification.objects.filter(recipient=cs_staff, message__contains=app.reference).exists()
