"""Issue 6 item 12: everything that stands in the way of submitting, said at once.

Submitting used to name one blocker per attempt (site, then level, then certificate number …)
while the confirm button stayed enabled, and a draft took a recertification without the
certificate number, or a scope of "x", without a word. Now one function,
``services.submission_blockers``, lists every blocker with a link to fix it; the application page
shows that list and keeps the submit button disabled until it is empty; the service refuses with
all of them at once; and the kind's fields are checked when the draft is saved.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from applications import services
from applications.models import Application, DocumentKind, Scheme
from applications.tests.factories import (
    ApplicationFactory,
    DocumentFactory,
    SiteFactory,
    complete_documents,
)
from cesi_cert.errors import DomainError
from cesi_cert.models import TransitionLog


def english_client(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def page_text(response) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture
def unready(org, applicant):
    """A recertification draft with nothing done: no site chosen, no level, no certificate
    number and only the business licence uploaded (written directly, as an old draft was)."""
    SiteFactory(organization=org)
    app = ApplicationFactory(
        organization=org,
        created_by=applicant,
        kind=Application.Kind.RECERTIFICATION,
        requested_level="",
        sites=[],
    )
    DocumentFactory(application=app, kind=DocumentKind.LEGAL_STATUS, uploaded_by=applicant)
    return app


# --- the one function -------------------------------------------------------------------------


def test_every_blocker_is_listed_at_once_each_with_a_link(unready):
    blockers = services.submission_blockers(unready)
    fields = [b.field for b in blockers]
    assert fields[:3] == ["sites", "requested_level", "certificate"]
    missing = [b for b in blockers if b.field == "documents"]
    assert len(missing) == 3  # application form, service description, certificate copy
    edit = reverse("portal:application_edit", args=[unready.pk])
    upload = reverse("portal:document_upload", args=[unready.pk])
    for blocker in blockers:
        assert blocker.message
        assert blocker.fix_url.startswith(upload if blocker.field == "documents" else edit)
    assert {b.fix_url for b in missing} == {
        f"{upload}?kind={kind}"
        for kind in ("application_form", "service_description", "certificate_copy")
    }


def test_a_complete_draft_has_no_blockers(draft):
    assert services.submission_blockers(draft) == []


def test_without_any_site_the_link_adds_one(org, applicant):
    app = ApplicationFactory(organization=org, created_by=applicant, sites=[])
    complete_documents(app, by=applicant)
    [blocker] = services.submission_blockers(app)
    assert blocker.field == "sites"
    assert blocker.fix_url == reverse("portal:site_create", args=[org.pk])


def test_submit_refuses_with_every_blocker_per_field(unready, applicant):
    with pytest.raises(DomainError) as refused:
        services.application_submit(application=unready, by=applicant)
    err = refused.value
    assert err.code == DomainError.INVALID
    assert set(err.errors) == {
        "sites",
        "requested_level",
        "certificate",
        "documents",
    }
    assert len(err.errors["documents"]) == 3
    unready.refresh_from_db()
    assert unready.state == Application.State.DRAFT
    assert not TransitionLog.objects.filter(object_id=unready.pk).exists()


# --- the kind's fields are checked when the draft is saved ------------------------------------


def _create(org, applicant, **fields):
    data = {
        "organization": org,
        "by": applicant,
        "scheme": Scheme.objects.get(code="after-sales"),
        "scope": "家用电器的安装与维修服务",
        "kind": Application.Kind.INITIAL,
    } | fields
    return services.application_create(**data)


@pytest.mark.parametrize(
    "kind",
    [Application.Kind.RECERTIFICATION, Application.Kind.EXTENSION, Application.Kind.LEVEL_CHANGE],
)
def test_a_kind_that_continues_a_certificate_needs_it_at_save(org, applicant, kind):
    """§3.5, §3.4.5, §3.4.4: the application names the certificate it continues."""
    from certificates.tests.factories import issued_certificate

    with pytest.raises(DomainError) as refused:
        _create(org, applicant, kind=kind, certificate=None)
    assert list(refused.value.errors) == ["certificate"]
    assert not Application.objects.filter(kind=kind).exists()
    held = issued_certificate(organization=org)
    app = _create(org, applicant, kind=kind, certificate=held)
    assert app.state == Application.State.DRAFT and app.certificate == held


def test_only_the_organisations_own_valid_certificate_of_the_scheme_can_be_continued(
    org, applicant, other_org
):
    from certificates.models import Certificate
    from certificates.tests.factories import issued_certificate

    theirs = issued_certificate(organization=other_org)
    with pytest.raises(DomainError) as refused:
        _create(org, applicant, kind=Application.Kind.RECERTIFICATION, certificate=theirs)
    [message] = refused.value.errors["certificate"]
    assert theirs.number not in str(message)  # nothing of another organisation is told
    ours = issued_certificate(organization=org)
    Certificate.objects.filter(pk=ours.pk).update(state=Certificate.State.SUSPENDED)
    ours.refresh_from_db()
    # A suspended certificate may still be renewed (§3.5), not extended (§3.4.5).
    assert _create(org, applicant, kind=Application.Kind.RECERTIFICATION, certificate=ours)
    with pytest.raises(DomainError) as refused:
        _create(org, applicant, kind=Application.Kind.EXTENSION, certificate=ours)
    assert ours.number in str(refused.value.errors["certificate"][0])
    # An initial certification continues nothing.
    with pytest.raises(DomainError) as refused:
        _create(org, applicant, certificate=ours)
    assert "certificate" in refused.value.errors


@pytest.mark.parametrize("scope", ["x", "  x  ", "ab", "...", "xxxxxx"])
def test_a_placeholder_scope_is_refused_at_save(org, applicant, scope):
    with pytest.raises(DomainError) as refused:
        _create(org, applicant, scope=scope)
    assert "scope" in refused.value.errors


@pytest.mark.parametrize(
    "scope", ["售后", "售后服务", "Repair", "家用电器的安装、维修与退换货服务"]
)
def test_a_real_scope_is_accepted(org, applicant, scope):
    assert _create(org, applicant, scope=scope).scope == scope


def test_every_field_error_comes_in_one_round(org, applicant):
    with pytest.raises(DomainError) as refused:
        _create(
            org,
            applicant,
            kind=Application.Kind.EXTENSION,
            scope="x",
            requested_level="99",
        )
    assert set(refused.value.errors) == {"scope", "certificate", "requested_level"}


def test_a_draft_may_still_be_incomplete(org, applicant):
    """No site and no level yet: saved, and listed as blockers for later."""
    app = _create(org, applicant, requested_level="")
    assert {b.field for b in services.submission_blockers(app)} >= {"sites", "requested_level"}


def test_update_checks_the_kind_too(draft, applicant):
    with pytest.raises(DomainError) as refused:
        services.application_update(
            application=draft, by=applicant, kind=Application.Kind.RECERTIFICATION
        )
    assert "certificate" in refused.value.errors
    draft.refresh_from_db()
    assert draft.kind == Application.Kind.INITIAL


# --- the portal -------------------------------------------------------------------------------


def test_application_page_lists_every_blocker_and_disables_submit(unready, applicant):
    client = english_client(applicant)
    response = client.get(unready.get_absolute_url())
    html = response.content.decode()
    checklist = re.search(r'<section[^>]*data-testid="before-you-submit".*?</section>', html, re.S)
    assert checklist, "the page has no “before you submit” list"
    section = checklist.group(0)
    assert "Before you submit" in section
    items = re.findall(r'<li[^>]*data-field="(\w+)"[^>]*>.*?<a href="([^"]+)"', section, re.S)
    assert [field for field, _ in items] == [
        "sites",
        "requested_level",
        "certificate",
        "documents",
        "documents",
        "documents",
    ]
    assert all(url for _, url in items)
    button = re.search(r'<button[^>]*data-testid="confirm-submit"[^>]*>', html).group(0)
    assert "disabled" in button


def test_the_list_empties_and_submit_is_enabled_when_all_is_done(draft, applicant):
    html = english_client(applicant).get(draft.get_absolute_url()).content.decode()
    section = re.search(r'data-testid="before-you-submit".*?</section>', html, re.S).group(0)
    assert "data-field=" not in section
    assert "Ready to submit" in section
    button = re.search(r'<button[^>]*data-testid="confirm-submit"[^>]*>', html).group(0)
    assert "disabled" not in button


def test_posting_submit_anyway_shows_every_blocker_once(unready, applicant):
    client = english_client(applicant)
    url = reverse("portal:application_action", args=[unready.pk, "submit"])
    response = client.post(url, {"reason": "请审核"})
    assert response.status_code == 200
    text = page_text(response)
    for words in ("Choose at least one site", "Choose the level", "choose the current certificate"):
        assert text.count(words) == 1, words
    html = response.content.decode()
    assert "disabled" in re.search(r'<button[^>]*data-testid="confirm-submit"[^>]*>', html).group(0)
    assert 'value="请审核"' in html or "请审核</textarea>" in html  # what was typed stays
    unready.refresh_from_db()
    assert unready.state == Application.State.DRAFT


def test_the_form_says_everything_wrong_with_the_draft_in_one_round(org, applicant):
    site = SiteFactory(organization=org)
    client = english_client(applicant)
    response = client.post(
        reverse("portal:application_create", args=[org.pk]),
        {
            "scheme": Scheme.objects.get(code="after-sales").pk,
            "kind": "recertification",
            "requested_level": "",
            "scope": "x",
            "sites": [site.pk],
            "certificate": "",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    for field in ("scope", "certificate"):
        block = re.search(rf'data-field="{field}".*?(?=<div class="field|</form>)', html, re.S)
        assert 'class="errorlist"' in block.group(0), field
    assert not Application.objects.exists()
    # With a field the form itself requires left out too: still one round for all of them.
    response = client.post(
        reverse("portal:application_create", args=[org.pk]),
        {"kind": "extension", "scope": "x", "sites": [site.pk]},
    )
    html = response.content.decode()
    for field in ("scheme", "scope", "certificate"):
        block = re.search(rf'data-field="{field}".*?(?=<div class="field|</form>)', html, re.S)
        assert 'class="errorlist"' in block.group(0), field


def test_api_submit_answers_400_with_every_blocker(unready, applicant):
    client = APIClient()
    client.force_authenticate(applicant)
    response = client.post(
        f"/api/v1/applications/{unready.pk}/transitions/submit/", {}, format="json"
    )
    assert response.status_code == 400
    body = response.json()
    assert {"sites", "requested_level", "certificate", "documents"} <= set(body)
    assert len(body["documents"]) == 3
