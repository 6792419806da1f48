"""Registration numbers are unique and never reused, also under concurrent grants (PostgreSQL,
many threads released at once; see ``race`` in conftest.py)."""

import pytest

from certificates import services
from certificates.models import Certificate, NumberCounter
from certificates.services import certificates as certificate_services
from certificates.tests.factories import reported_evaluation, staff
from conftest import race

THREADS = 8


@pytest.fixture
def no_pdf_rendering(monkeypatch):
    """The race is about numbers; the PDFs (rendered after the commit) are tested elsewhere."""
    monkeypatch.setattr(certificate_services, "queue_pdf_rendering", lambda version: None)


def fresh(user):
    return type(user).objects.get(pk=user.pk)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_grants_get_distinct_consecutive_numbers(no_pdf_rendering):
    kefu = staff()
    evaluations = [reported_evaluation(staff=kefu) for _ in range(THREADS)]
    outcomes = race(
        THREADS,
        lambda i: (
            services.certificate_issue(
                evaluation=evaluations[i], by=fresh(kefu), reason="批准"
            ).number
        ),
    )
    assert all(isinstance(o, str) for o in outcomes), outcomes
    assert len(set(outcomes)) == THREADS
    serials = sorted(int(n.rsplit("-", 1)[1]) for n in outcomes)
    assert serials == list(range(1, THREADS + 1))  # none skipped, none given twice
    assert Certificate.objects.count() == THREADS
    assert NumberCounter.objects.get().last == THREADS


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_grant_twice_at_once_issues_one_certificate(no_pdf_rendering):
    kefu = staff()
    evaluation = reported_evaluation(staff=kefu)
    outcomes = race(
        4,
        lambda i: (
            services.certificate_issue(evaluation=evaluation, by=fresh(kefu), reason="批准").number
        ),
    )
    assert len(set(outcomes)) == 1 and Certificate.objects.count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_grant_gives_its_number_to_nobody_twice(no_pdf_rendering):
    """A grant that fails after taking a number rolls the counter back with it: the next grant
    takes that number, and no number is ever held by two certificates."""
    kefu = staff()
    good = reported_evaluation(staff=kefu)
    bad = reported_evaluation(staff=kefu)
    bad.sites.clear()
    bad.application.sites.clear()
    from cesi_cert.errors import DomainError

    with pytest.raises(DomainError):
        services.certificate_issue(evaluation=bad, by=kefu, reason="")
    cert = services.certificate_issue(evaluation=good, by=kefu, reason="")
    assert cert.number.endswith("-00001")
