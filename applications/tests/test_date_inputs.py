"""Issue 6 item 15: every date input is prefilled with a value the browser's date picker accepts.

``<input type="date">`` takes only ISO dates (``2026-11-26``). Django renders a date with the
active language's first input format, which for Chinese is ``2026/11/26``: the browser shows an
empty field and the clerk gets "该字段是必填项". So each date field of our forms must render ISO,
prefilled with today in China (``timezone.localdate()``), in both languages.
"""

import datetime
import re

import pytest
import time_machine
from django import forms
from django.test import Client
from django.urls import reverse
from django.utils import translation

from applications import forms as app_forms
from applications.admin.organization_forms import OrganizationDetailsForm
from applications.views.organizations import PortalOrganizationForm

#: 2026-11-26 00:30 in Beijing is still 2026-11-25 in UTC: "today" must be China's.
BEIJING_EARLY_MORNING = datetime.datetime(2026, 11, 25, 16, 30, tzinfo=datetime.UTC)


def date_inputs(html: str) -> dict[str, str]:
    """``name → value`` of every ``<input type="date">`` in ``html``."""
    found = {}
    for tag in re.findall(r"<input\b[^>]*>", html):
        if 'type="date"' in tag:
            name = re.search(r'name="([^"]+)"', tag).group(1)
            value = re.search(r'value="([^"]*)"', tag)
            found[name] = value.group(1) if value else ""
    return found


def _forms_with_dates():
    """Every form of the project with a date field (a new one is checked without listing it)."""
    candidates = [getattr(app_forms, n) for n in dir(app_forms)]
    candidates += [PortalOrganizationForm, OrganizationDetailsForm]
    found = {
        c
        for c in candidates
        if isinstance(c, type) and issubclass(c, forms.BaseForm) and c is not forms.Form
    }
    return sorted(
        (c for c in found if any(isinstance(f, forms.DateField) for f in c.base_fields.values())),
        key=lambda c: c.__name__,
    )


def test_the_forms_with_dates_are_found():
    names = {c.__name__ for c in _forms_with_dates()}
    assert {"SignContractForm", "ContractAmendForm"} <= names


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("form_class", _forms_with_dates(), ids=lambda c: c.__name__)
def test_every_date_input_renders_iso(db, form_class, language):
    dates = [n for n, f in form_class.base_fields.items() if isinstance(f, forms.DateField)]
    with translation.override(language):
        form = form_class(initial={name: datetime.date(2026, 3, 9) for name in dates})
        for name in dates:
            assert form.fields[name].widget.input_type == "date"
            assert 'value="2026-03-09"' in str(form[name]), (name, str(form[name]))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_sign_contract_form_is_prefilled_with_today_in_china(language):
    with time_machine.travel(BEIJING_EARLY_MORNING, tick=False), translation.override(language):
        html = str(app_forms.SignContractForm()["signed_on"])
        amend = str(app_forms.ContractAmendForm()["signed_on"])
    assert 'value="2026-11-26"' in html
    assert 'value="2026-11-26"' in amend


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_admin_sign_contract_page_prefills_the_date_and_accepts_it(cs_staff, accepted, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(cs_staff)
    url = reverse("admin:applications_application_transition", args=[accepted.pk, "sign_contract"])
    with time_machine.travel(BEIJING_EARLY_MORNING, tick=False):
        page = client.get(url)
        assert date_inputs(page.content.decode()) == {"signed_on": "2026-11-26"}
        # The clerk sends what the browser shows: the prefilled value is accepted as it is.
        response = client.post(
            url, {"signed_on": "2026-11-26", "man_days": "4", "fee_quote": "30000"}
        )
    assert response.status_code == 302, response.content.decode()[:3000]
    accepted.refresh_from_db()
    assert accepted.contract.signed_on == datetime.date(2026, 11, 26)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_admin_amendment_page_prefills_the_date(cs_staff, contracted, language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(cs_staff)
    url = reverse("admin:applications_contract_amend", args=[contracted.contract.pk])
    with time_machine.travel(BEIJING_EARLY_MORNING, tick=False):
        page = client.get(url)
    assert date_inputs(page.content.decode()) == {"signed_on": "2026-11-26"}
