"""Data migrations of the applications app, run forwards on rows written by the older schema."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = ("applications", "0007_invitations")
AFTER = ("applications", "0008_submission_times_and_versions")

FIRST = datetime.datetime(2026, 3, 1, 2, 0, tzinfo=datetime.UTC)
SECOND = datetime.datetime(2026, 3, 9, 7, 30, tzinfo=datetime.UTC)
LICENCE_AT = datetime.datetime(2026, 1, 2, 3, 0, tzinfo=datetime.UTC)


def _migrate_everything():
    """Put every app back at its latest migration (downstream apps were unapplied with the
    target), so the transactional tests after this one find all their tables."""
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _migrate(target):
    """Migrate the applications app to ``target``; the models as they are then (the other apps
    stay at their latest migration, as their tables do, but for downstream apps unapplied with
    it)."""
    executor = MigrationExecutor(connection)
    executor.migrate([target])
    executor.loader.build_graph()
    graph = executor.loader.graph
    before_target = set(graph.forwards_plan(target))
    # Other apps at their latest, except those (downstream apps) that need a later migration
    # of the target app: they were unapplied with it.
    others = [
        leaf
        for leaf in graph.leaf_nodes()
        if leaf[0] != target[0]
        and not any(
            node[0] == target[0] and node not in before_target for node in graph.forwards_plan(leaf)
        )
    ]
    return executor.loader.project_state([target, *others]).apps


@pytest.mark.django_db(transaction=True)
def test_first_submission_time_and_licence_upload_time_are_recovered(request):
    """Issue 6 item 16: a resubmission used to overwrite ``submitted_at``; the transition log
    kept every submission, so the migration puts the first one back and adds the last one."""
    old = _migrate(BEFORE)
    User = old.get_model("cesi_cert", "User")
    Organization = old.get_model("applications", "Organization")
    HistoricalOrganization = old.get_model("applications", "HistoricalOrganization")
    Application = old.get_model("applications", "Application")
    Scheme = old.get_model("applications", "Scheme")
    ContentType = old.get_model("contenttypes", "ContentType")
    TransitionLog = old.get_model("cesi_cert", "TransitionLog")

    user = User.objects.create(username="old-applicant")
    org = Organization.objects.create(
        name_zh="旧数据公司",
        credit_code="91110108000000000X",
        address_zh="北京",
        contact_name="张三",
        contact_phone="010-1",
        contact_email="a@example.cn",
        legal_status_evidence="organizations/1/licence.pdf",
    )
    HistoricalOrganization.objects.create(
        id=org.pk,
        name_zh=org.name_zh,
        credit_code=org.credit_code,
        address_zh=org.address_zh,
        applicant_type="provider",
        part_of_legal_entity=False,
        contact_name="张三",
        contact_phone="010-1",
        contact_email="a@example.cn",
        legal_status_evidence="organizations/1/licence.pdf",
        history_date=LICENCE_AT,
        history_type="+",
    )
    app = Application.objects.create(
        reference="SA2026-00001",
        organization=org,
        scheme=Scheme.objects.get(code="after-sales"),
        scope="售后服务",
        state="under_review",
        created_by=user,
        submitted_at=SECOND,  # overwritten by the resubmission
    )
    never = Application.objects.create(
        reference="SA2026-00002",
        organization=org,
        scheme=Scheme.objects.get(code="after-sales"),
        scope="售后服务",
        created_by=user,
    )
    content_type = ContentType.objects.get(app_label="applications", model="application")
    for at, source, target in [
        (FIRST, "draft", "submitted"),
        (SECOND, "changes_requested", "under_review"),
    ]:
        row = TransitionLog.objects.create(
            content_type=content_type,
            object_id=app.pk,
            transition="submit",
            source=source,
            target=target,
            actor=user,
        )
        TransitionLog.objects.filter(pk=row.pk).update(at=at)

    new = _migrate(AFTER)
    request.addfinalizer(_migrate_everything)
    Application = new.get_model("applications", "Application")
    Organization = new.get_model("applications", "Organization")
    app = Application.objects.get(pk=app.pk)
    assert (app.submitted_at, app.last_submitted_at) == (FIRST, SECOND)
    never = Application.objects.get(pk=never.pk)
    assert (never.submitted_at, never.last_submitted_at) == (None, None)
    assert Organization.objects.get(pk=org.pk).legal_status_uploaded_at == LICENCE_AT
