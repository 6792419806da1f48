"""Planning (§3.2.2.1–§3.2.2.4): the plan, the team rules, notifying the plan, objections."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from applications.tests.factories import UserFactory
from cesi_cert.errors import DomainError
from cesi_cert.models import Notification, TransitionLog
from cesi_cert.roles import Role
from evaluations import services
from evaluations.forms import TeamMemberAddForm
from evaluations.models import ConflictDeclaration, Objection, TeamMember
from evaluations.services.planning import plan_man_days
from evaluations.services.register import person_name
from evaluations.tests.factories import auditor, contracted_evaluation

TODAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
FIRST, LAST = datetime.date(2026, 4, 13), datetime.date(2026, 4, 14)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def planner(business_staff):
    return business_staff


@pytest.fixture
def evaluation(org, applicant, cs_staff):
    return contracted_evaluation(organization=org, applicant=applicant, staff=cs_staff)


def plan(evaluation, planner, **changes):
    data = {
        "starts_on": FIRST,
        "ends_on": LAST,
        "plan": "4-13 上午 首次会议；下午 服务现场观察\n4-14 末次会议",
        "service_running_confirmed": True,
        **changes,
    }
    if "sites" not in data:
        data["sites"] = list(evaluation.application.sites.all())
    return services.evaluation_plan(evaluation=evaluation, by=planner, **data)


def add(evaluation, planner, person, role="auditor", man_days=2):
    return services.team_member_add(
        evaluation=evaluation, by=planner, person=person, role=role, man_days=man_days
    )


def refusal(call, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as err:
        call(**kwargs)
    return err.value


@pytest.fixture
def planned(evaluation, planner):
    """Dates, sites and a team of a leader and an auditor, 2 + 2 man-days (the contract's 4)."""
    ev = plan(evaluation, planner)
    add(ev, planner, auditor(ev.scheme, username="leader"), role="leader")
    add(ev, planner, auditor(ev.scheme, username="second"))
    return ev


@pytest.fixture
def notified(planned, planner):
    return services.evaluation_notify_plan(evaluation=planned, by=planner)


# --- team rules ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_team_needs_the_plans_dates_first(evaluation, planner):
    err = refusal(add, evaluation=evaluation, planner=planner, person=auditor(evaluation.scheme))
    assert "visit dates" in err.message


@pytest.mark.django_db
def test_a_second_leader_is_refused_naming_both(planned, planner):
    other = auditor(planned.scheme, username="other")
    err = refusal(add, evaluation=planned, planner=planner, person=other, role="leader")
    assert err.field == "role"
    assert person_name(other) in err.message and person_name(planned.leader.person) in err.message


@pytest.mark.django_db
def test_the_same_person_twice_is_refused(planned, planner):
    err = refusal(add, evaluation=planned, planner=planner, person=planned.leader.person)
    assert err.field == "person" and "already on the team" in err.message


@pytest.mark.django_db
def test_an_unqualified_person_is_refused_naming_them(evaluation, planner):
    from applications.models import Scheme

    ev = plan(evaluation, planner)
    elsewhere = Scheme.objects.exclude(pk=ev.scheme_id).first()
    person = auditor(elsewhere, username="wrong-scheme")
    err = refusal(add, evaluation=ev, planner=planner, person=person)
    assert err.field == "person"
    assert person_name(person) in err.message and "not qualified" in err.message


@pytest.mark.django_db
def test_a_qualification_expiring_before_the_last_day_is_refused(evaluation, planner):
    ev = plan(evaluation, planner)
    person = auditor(ev.scheme, username="expiring", valid_until=FIRST)
    err = refusal(add, evaluation=ev, planner=planner, person=person)
    assert person_name(person) in err.message and "expired on 2026-04-13" in err.message


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ended_on", "allowed"),
    [(None, False), (datetime.date(2025, 4, 1), False), (datetime.date(2023, 4, 1), True)],
    ids=["ongoing", "ended-1-year-before", "ended-3-years-before"],
)
def test_a_declared_conflict_bars_every_role_until_it_cooled_off(
    evaluation, planner, ended_on, allowed
):
    ev = plan(evaluation, planner)
    person = auditor(ev.scheme, username="consultant")
    ConflictDeclaration.objects.create(
        person=person, organization=ev.organization, nature="consulted", ended_on=ended_on
    )
    for role, days in (("auditor", 2), ("observer", 0)):
        if allowed:
            member = add(ev, planner, person, role=role, man_days=days)
            services.team_member_remove(member=member, by=planner, reason="test")
        else:
            err = refusal(
                add, evaluation=ev, planner=planner, person=person, role=role, man_days=days
            )
            assert person_name(person) in err.message and "conflict of interest" in err.message


@pytest.mark.django_db
def test_experts_observers_and_trainees_add_no_man_days(planned, planner):
    expert = UserFactory(username="expert", role=Role.AUDITOR)
    err = refusal(
        add, evaluation=planned, planner=planner, person=expert, role="technical_expert", man_days=1
    )
    assert err.field == "man_days" and person_name(expert) in err.message
    add(planned, planner, expert, role="technical_expert", man_days=0)  # no qualification needed
    planned.refresh_from_db()
    assert plan_man_days(planned) == Decimal("4.0")


@pytest.mark.django_db
def test_only_planners_change_the_team(planned, cs_staff):
    err = refusal(
        add, evaluation=planned, planner=cs_staff, person=auditor(planned.scheme, username="x")
    )
    assert err.code == DomainError.FORBIDDEN


@pytest.mark.django_db
def test_the_plan_keeps_every_application_site_and_sane_dates(evaluation, planner):
    err = refusal(
        plan, evaluation=evaluation, planner=planner, sites=[], ends_on=datetime.date(2026, 4, 1)
    )
    assert set(err.errors) == {"sites", "ends_on"}


# --- notifying the plan ----------------------------------------------------------------------


@pytest.mark.django_db
def test_notify_plan_lists_every_blocker_then_notifies_everybody(evaluation, planner, applicant):
    err = refusal(services.evaluation_notify_plan, evaluation=evaluation, by=planner)
    assert err.code == DomainError.INVALID
    assert {"starts_on", "team", "service_running_confirmed"} <= set(err.errors)

    ev = plan(evaluation, planner, service_running_confirmed=False)
    err = refusal(services.evaluation_notify_plan, evaluation=ev, by=planner)
    messages = " ".join(err.field_errors()["team"])
    assert "no leader" in messages and "at least one qualified" in messages
    assert "service_running_confirmed" in err.errors

    ev = plan(ev, planner)
    leader = auditor(ev.scheme, username="leader")
    second = auditor(ev.scheme, username="second")
    add(ev, planner, leader, role="leader")
    add(ev, planner, second)
    ev = services.evaluation_notify_plan(evaluation=ev, by=planner)

    assert ev.state == "plan_notified" and ev.planned_by == planner
    assert TransitionLog.objects.filter(object_id=ev.pk, transition="notify_plan").count() == 1
    assert Notification.objects.filter(
        recipient=applicant, kind="evaluation.plan_notified"
    ).exists()
    for person in (leader, second):
        assert Notification.objects.filter(
            recipient=person, kind="evaluation.team_assigned"
        ).exists()


@pytest.mark.django_db
def test_a_man_days_difference_needs_a_reason(evaluation, planner):
    ev = plan(evaluation, planner)
    add(ev, planner, auditor(ev.scheme, username="alone"), role="leader", man_days=3)
    err = refusal(services.evaluation_notify_plan, evaluation=ev, by=planner)
    assert list(err.errors) == ["man_days_difference_reason"]
    assert "3.0" in err.message and "4.0" in err.message
    ev = services.evaluation_notify_plan(
        evaluation=ev, by=planner, man_days_difference_reason="单一场所，规模较小"
    )
    assert ev.state == "plan_notified"
    assert ev.man_days_difference_reason == "单一场所，规模较小"


@pytest.mark.django_db
def test_a_qualification_ending_after_the_team_was_chosen_blocks_the_notice(planned, planner):
    second = planned.team.get(person__username="second").person
    second.qualifications.update(valid_until=FIRST)
    err = refusal(services.evaluation_notify_plan, evaluation=planned, by=planner)
    assert person_name(second) in " ".join(err.field_errors()["team"])


# --- objections ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_objection_replaces_the_member_and_notifies_the_plan_again(notified, planner, applicant):
    second = notified.team.get(person__username="second")
    objection = services.objection_raise(member=second, by=applicant, reason="曾为我司竞争对手服务")
    assert Notification.objects.filter(
        recipient=planner, kind="evaluation.objection_raised"
    ).exists()
    err = refusal(services.objection_raise, member=second, by=applicant, reason="again")
    assert err.code == DomainError.CONFLICT  # one open objection per member

    replacement = auditor(notified.scheme, username="replacement")
    services.objection_resolve(
        objection=objection, by=planner, outcome="replaced", note="", replacement=replacement
    )
    objection.refresh_from_db()
    second.refresh_from_db()
    assert objection.outcome == Objection.Outcome.REPLACED and objection.resolved_by == planner
    assert second.removed_at is not None
    new = notified.team.get(person=replacement, removed_at__isnull=True)
    assert (new.role, new.man_days) == (second.role, second.man_days)
    assert (
        TransitionLog.objects.filter(object_id=notified.pk, transition="notify_plan").count() == 2
    )
    assert Notification.objects.filter(
        recipient=replacement, kind="evaluation.team_assigned"
    ).exists()
    assert (
        Notification.objects.filter(recipient=applicant, kind="evaluation.plan_notified").count()
        == 2
    )


@pytest.mark.django_db
def test_keeping_the_member_needs_a_note(notified, planner, applicant):
    member = notified.team.get(person__username="second")
    objection = services.objection_raise(member=member, by=applicant, reason="理由")
    err = refusal(
        services.objection_resolve, objection=objection, by=planner, outcome="kept", note=""
    )
    assert err.field == "note"
    services.objection_resolve(objection=objection, by=planner, outcome="kept", note="无利益关系")
    member.refresh_from_db()
    assert member.removed_at is None


@pytest.mark.django_db
def test_a_replacement_follows_the_same_rules(notified, planner, applicant):
    member = notified.team.get(person__username="second")
    objection = services.objection_raise(member=member, by=applicant, reason="理由")
    unqualified = UserFactory(username="unqualified", role=Role.AUDITOR)
    err = refusal(
        services.objection_resolve,
        objection=objection,
        by=planner,
        outcome="replaced",
        note="",
        replacement=unqualified,
    )
    assert person_name(unqualified) in err.message
    member.refresh_from_db()
    assert member.removed_at is None  # nothing half done


@pytest.mark.django_db
def test_no_objection_once_the_visit_started(notified, applicant):
    member = notified.team.get(person__username="second")
    with time_machine.travel(datetime.datetime(2026, 4, 13, 8, 0, tzinfo=datetime.UTC), tick=False):
        err = refusal(services.objection_raise, member=member, by=applicant, reason="太晚")
    assert err.code == DomainError.CONFLICT


@pytest.mark.django_db
def test_the_organisation_objects_in_the_portal_others_get_404(
    client, notified, applicant, other_applicant
):
    member = notified.team.get(person__username="second")
    url = reverse("portal:evaluation_object", args=[notified.pk, member.pk])
    client.force_login(applicant)
    page = client.get(reverse("portal:evaluation", args=[notified.pk])).content.decode()
    assert f'data-testid="object-{member.pk}"' in page and "2026-04-13" in page
    response = client.post(url, {f"m{member.pk}-reason": ""})
    assert response.status_code == 200 and not Objection.objects.exists()
    response = client.post(url, {f"m{member.pk}-reason": "利益冲突"})
    assert response.status_code == 302 and Objection.objects.get().raised_by == applicant
    page = client.get(reverse("portal:evaluation", args=[notified.pk])).content.decode()
    assert "利益冲突" in page and f'data-testid="object-{member.pk}"' not in page

    client.force_login(other_applicant)
    assert client.post(url, {f"m{member.pk}-reason": "x"}).status_code == 404


@pytest.mark.django_db
def test_objections_in_the_api_staff_403_another_organisation_404(
    notified, applicant, other_applicant, cs_staff
):
    member = notified.team.get(person__username="second")
    url = reverse("team-member-objection", args=[member.pk])
    api = APIClient()
    api.force_authenticate(cs_staff)
    assert api.post(url, {"reason": "x"}, format="json").status_code == 403
    api.force_authenticate(other_applicant)
    assert api.post(url, {"reason": "x"}, format="json").status_code == 404
    api.force_authenticate(applicant)
    response = api.post(url, {"reason": "利益冲突"}, format="json")
    assert response.status_code == 201 and response.json()["member"] == member.pk


# --- API transitions and team --------------------------------------------------------------


@pytest.mark.django_db
def test_notify_plan_over_the_api_403_for_applicants_409_in_a_wrong_state(
    planned, planner, applicant
):
    url = reverse("evaluation-transition", args=[planned.pk, "notify_plan"])
    api = APIClient()
    api.force_authenticate(applicant)
    assert api.post(url, {}, format="json").status_code == 403
    api.force_authenticate(planner)
    detail = api.get(reverse("evaluation-detail", args=[planned.pk])).json()
    assert "notify_plan" in [t["name"] for t in detail["available_transitions"]]
    assert {m["role"] for m in detail["team"]} == {"leader", "auditor"}
    response = api.post(url, {}, format="json")
    assert response.status_code == 200 and response.json()["state"] == "plan_notified"
    services.evaluation_cancel(evaluation=planned, by=planner, reason="组织终止合同")
    assert api.post(url, {}, format="json").status_code == 409


@pytest.mark.django_db
def test_the_api_adds_and_replaces_members_with_the_same_rules(planned, planner):
    api = APIClient()
    api.force_authenticate(planner)
    unqualified = UserFactory(username="nobody", role=Role.AUDITOR)
    response = api.post(
        reverse("team-member-list"),
        {"evaluation": planned.pk, "person": unqualified.pk, "role": "auditor", "man_days": "1"},
        format="json",
    )
    assert response.status_code == 400 and person_name(unqualified) in response.json()["person"][0]
    member = planned.team.get(person__username="second")
    fresh = auditor(planned.scheme, username="fresh")
    response = api.post(
        reverse("team-member-replace", args=[member.pk]),
        {"person": fresh.pk, "reason": "调整"},
        format="json",
    )
    assert response.status_code == 200 and response.json()["person"] == fresh.pk


# --- the admin -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_admin_team_picker_offers_only_eligible_people(client, evaluation, planner):
    ev = plan(evaluation, planner)
    good = auditor(ev.scheme, username="good")
    expired = auditor(ev.scheme, username="expired", valid_until=FIRST)
    conflicted = auditor(ev.scheme, username="conflicted")
    ConflictDeclaration.objects.create(
        person=conflicted, organization=ev.organization, nature="employed"
    )
    form = TeamMemberAddForm(evaluation=ev, roles=TeamMember.QUALIFIED_ROLES)
    assert list(form.fields["person"].queryset) == [good]
    assert person_name(expired) in str(form.fields["person"].help_text)
    assert person_name(conflicted) in str(form.fields["person"].help_text)

    client.force_login(planner)
    url = reverse("admin:evaluations_evaluation_team_add", args=[ev.pk])
    page = client.get(url).content.decode()
    assert f'value="{good.pk}"' in page
    assert f'value="{expired.pk}"' not in page and f'value="{conflicted.pk}"' not in page
    response = client.post(url, {"person": good.pk, "role": "leader", "man_days": "2"})
    assert response.status_code == 302 and ev.team.get().person == good
    change = client.get(reverse("admin:evaluations_evaluation_change", args=[ev.pk]))
    assert url in change.content.decode()


@pytest.mark.django_db
def test_planners_keep_the_register_through_the_admin(client, planner, org):
    from applications.models import Scheme

    person = UserFactory(username="new-auditor", role=Role.AUDITOR)
    scheme = Scheme.objects.first()
    client.force_login(planner)
    response = client.post(
        reverse("admin:evaluations_auditorqualification_add"),
        {
            "person": person.pk,
            "scheme": scheme.pk,
            "role": "auditor",
            "valid_from": "2026-01-01",
            "valid_until": "2028-12-31",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    qualification = person.qualifications.get()
    assert qualification.history.first().history_user == planner


@pytest.mark.django_db
def test_refusals_and_the_portal_are_chinese_by_default(
    client, notified, applicant, planner, settings
):
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"  # production's default (tests run in English)

    person = UserFactory(username="no-qualification", role=Role.AUDITOR)
    with translation.override("zh-hans"):
        err = refusal(add, evaluation=notified, planner=planner, person=person)
        assert f"{person_name(person)} 在评价日期" in str(err.message)
    client.force_login(applicant)
    page = client.get(reverse("portal:evaluation", args=[notified.pk])).content.decode()
    assert "评价计划与评价组" in page and "对该成员提出异议" in page and "组长" in page


@pytest.mark.django_db
def test_the_organisation_sees_the_team_only_once_the_plan_is_notified(planned, planner, applicant):
    api = APIClient()
    api.force_authenticate(applicant)
    assert api.get(reverse("evaluation-detail", args=[planned.pk])).json()["team"] == []
    assert api.get(reverse("team-member-list")).json()["results"] == []
    services.evaluation_notify_plan(evaluation=planned, by=planner)
    assert len(api.get(reverse("evaluation-detail", args=[planned.pk])).json()["team"]) == 2


@pytest.mark.django_db
def test_the_objection_hint_shows_only_while_one_may_object(client, notified, applicant):
    """Once the visit started, the portal no longer invites an objection it would refuse."""
    hint = "until the visit starts"
    client.force_login(applicant)
    url = reverse("portal:evaluation", args=[notified.pk])
    assert hint in client.get(url).content.decode()
    type(notified).objects.filter(pk=notified.pk).update(state="on_site")
    assert hint not in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_notified_visit_goes_into_a_calendar(client, notified, applicant, other_applicant):
    """§3.2.2.4: the plan is notified before the visit; the organisation and the team add the
    visit to their calendars (.ics), nobody else can fetch it."""
    from icalendar import Calendar

    client.force_login(applicant)
    url = reverse("portal:evaluation_ics", args=[notified.pk])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    event = Calendar.from_ical(response.content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == notified.starts_on
    assert event.decoded("dtend") == notified.ends_on + datetime.timedelta(days=1)
    assert notified.reference in str(event["summary"])
    assert notified.leader.person.username in str(event["description"]) or (
        notified.leader.person.get_full_name() in str(event["description"])
    )
    leader = notified.leader.person
    client.force_login(leader)
    assert client.get(reverse("auditor:evaluation_ics", args=[notified.pk])).status_code == 200
    client.force_login(other_applicant)
    assert client.get(url).status_code == 404


# --- accepting the plan (§3.2.2.4) and segregation of duties -------------------------------


@pytest.mark.django_db
def test_the_organisation_accepts_the_notified_plan_once(notified, planner, applicant):
    services.evaluation_accept_plan(evaluation=notified, by=applicant)
    notified.refresh_from_db()
    assert notified.plan_accepted_by == applicant and notified.plan_accepted_at is not None
    log = TransitionLog.objects.get(object_id=notified.pk, transition="accept_plan")
    assert log.actor == applicant
    leader = notified.team.get(role="leader").person
    for person in (leader, planner):
        assert Notification.objects.filter(recipient=person, kind="evaluation.plan_accepted")
    err = refusal(services.evaluation_accept_plan, evaluation=notified, by=applicant)
    assert err.code == DomainError.CONFLICT and "already accepted" in err.message


@pytest.mark.django_db
def test_staff_and_the_team_never_accept_the_plan_for_the_organisation(notified, planner):
    leader = notified.team.get(role="leader").person
    for person in (planner, leader):
        err = refusal(services.evaluation_accept_plan, evaluation=notified, by=person)
        assert err.code == DomainError.FORBIDDEN


@pytest.mark.django_db
def test_no_acceptance_while_an_objection_awaits_an_answer(notified, applicant):
    member = notified.team.get(person__username="second")
    services.objection_raise(member=member, by=applicant, reason="曾为我司竞争对手服务")
    err = refusal(services.evaluation_accept_plan, evaluation=notified, by=applicant)
    assert err.code == DomainError.CONFLICT and "objection" in err.message


@pytest.mark.django_db
def test_a_replacement_asks_for_a_new_acceptance(notified, planner, applicant):
    services.evaluation_accept_plan(evaluation=notified, by=applicant)
    member = notified.team.get(person__username="second")
    services.team_member_replace(
        member=member, by=planner, person=auditor(notified.scheme, username="r2"), reason="病假"
    )
    services.evaluation_notify_plan(evaluation=notified, by=planner, reason="成员调换")
    notified.refresh_from_db()
    assert notified.plan_accepted_at is None and notified.plan_accepted_by is None
    services.evaluation_accept_plan(evaluation=notified, by=applicant)


@pytest.mark.django_db
def test_a_planner_on_the_team_does_not_approve_its_plan(planned, planner):
    """Segregation of duties: a team member cannot be the one who approves (notifies) the plan."""
    planner.groups.add(*UserFactory(role=Role.AUDITOR).groups.all())
    planner._cesi_roles = None
    add(planned, planner, planner, role="trainee", man_days=0)
    err = refusal(services.evaluation_notify_plan, evaluation=planned, by=planner)
    assert err.code == DomainError.FORBIDDEN and "another planner" in err.message
    assert not TransitionLog.objects.filter(object_id=planned.pk, transition="notify_plan")


@pytest.mark.django_db
def test_the_portal_offers_acceptance_and_shows_it(client, notified, applicant):
    client.force_login(applicant)
    page = client.get(notified.get_absolute_url()).content.decode()
    url = reverse("portal:evaluation_action", args=[notified.pk, "accept_plan"])
    assert url in page
    response = client.post(url, follow=True)
    assert 'data-testid="plan-accepted"' in response.content.decode()
    assert url not in response.content.decode()
    # A second submit (a double click, a stale tab) is refused cleanly, not a 500.
    again = client.post(url, follow=True)
    assert again.status_code == 200 and "already accepted" in again.content.decode()


@pytest.mark.django_db
def test_another_organisation_cannot_accept(client, notified, other_applicant):
    client.force_login(other_applicant)
    url = reverse("portal:evaluation_action", args=[notified.pk, "accept_plan"])
    assert client.post(url).status_code == 404
    api = APIClient()
    api.force_authenticate(other_applicant)
    path = f"/api/v1/evaluations/{notified.pk}/transitions/accept_plan/"
    assert api.post(path, {}, format="json").status_code == 404


@pytest.mark.django_db
def test_the_api_lists_and_runs_accept_plan(notified, applicant):
    api = APIClient()
    api.force_authenticate(applicant)
    body = api.get(f"/api/v1/evaluations/{notified.pk}/").json()
    assert {"name": "accept_plan", "label": "Accept the plan and team"} in body[
        "available_transitions"
    ]
    assert body["plan_accepted_at"] is None
    response = api.post(
        f"/api/v1/evaluations/{notified.pk}/transitions/accept_plan/", {}, format="json"
    )
    assert response.status_code == 200, response.content
    again = api.post(
        f"/api/v1/evaluations/{notified.pk}/transitions/accept_plan/", {}, format="json"
    )
    assert again.status_code == 409


# --- §3.2.2.2 multi-site sampling -----------------------------------------------------------


@pytest.fixture
def surveillance(org, evaluation):
    """A surveillance of an organisation with a central function and nine similar sites."""
    from applications.tests.factories import SiteFactory
    from evaluations.models import Evaluation

    central = SiteFactory(organization=org, name="总部", is_central=True)
    for n in range(9):
        SiteFactory(organization=org, name=f"网点{n}")
    ev = Evaluation.objects.create(
        organization=org, scheme=evaluation.scheme, kind="surveillance", reference="JD-TEST-1"
    )
    ev.central = central
    return ev


def _others(ev):
    return [s for s in ev.organization.sites.order_by("pk") if not s.is_central]


@pytest.mark.django_db
def test_surveillance_visits_the_iaf_md1_sample_with_a_quarter_at_random(surveillance, planner):
    all_others = _others(surveillance)
    offered = __import__("math").ceil(0.6 * len(all_others) ** 0.5)
    central = surveillance.central
    ev = plan(surveillance, planner, sites=[all_others[0]])
    visited = set(ev.sites.all())
    assert central in visited  # the central function is always visited
    assert (ev.sample_size_offered, ev.sample_size) == (offered, offered)
    assert len(visited) == offered + 1 and all_others[0] in visited
    drawn = set(ev.sampled_at_random.all())
    assert len(drawn) >= 1 and drawn <= visited - {central, all_others[0]}
    # Saving the plan again cannot re-roll the random sites (the seed is stored).
    again = plan(ev, planner, sites=[all_others[0]])
    assert set(again.sites.all()) == visited


@pytest.mark.django_db
def test_a_smaller_or_larger_sample_needs_a_reason(surveillance, planner):
    err = refusal(plan, evaluation=surveillance, planner=planner, sites=[], sample_size=1)
    assert err.code == DomainError.INVALID and "sample_override_reason" in err.field_errors()
    ev = plan(
        surveillance,
        planner,
        sites=[],
        sample_size=5,
        sample_override_reason="上次监督发现问题较多",
    )
    assert ev.sites.count() == 6 and ev.sample_override_reason


@pytest.mark.django_db
def test_picking_more_sites_than_the_sample_leaves_room_for_is_a_field_error(surveillance, planner):
    err = refusal(plan, evaluation=surveillance, planner=planner, sites=_others(surveillance))
    assert "sites" in err.field_errors()


@pytest.mark.django_db
def test_initial_certification_has_no_sample_to_choose(evaluation, planner):
    from evaluations.forms import PlanForm

    form = PlanForm(evaluation=evaluation)
    assert "sample_size" not in form.fields
    ev = plan(evaluation, planner)
    assert ev.sample_size is None and not ev.sampled_at_random.exists()
