"""The deadline registry and `run_deadlines --as-of` (the same code Celery beat runs)."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from cesi_cert import deadlines
from cesi_cert.tasks import run_deadlines


@pytest.fixture
def sweep():
    """A sweep over an in-memory 'due date' table: due when the date has passed, acted once."""
    due_on = {
        1: datetime.datetime(2026, 1, 10, tzinfo=datetime.UTC),
        2: datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC),
    }
    acted: list[tuple[int, datetime.datetime]] = []

    def due(as_of):
        return [
            pk for pk, when in due_on.items() if when <= as_of and pk not in {a for a, _ in acted}
        ]

    def act(pk, as_of):
        acted.append((pk, as_of))
        return True

    deadlines.register("test_sweep", due=due, act=act)
    yield acted
    deadlines._registry.pop("test_sweep")


@pytest.mark.django_db
def test_as_of_decides_what_is_due(sweep, capsys):
    call_command("run_deadlines", "--as-of", "2026-02-01")
    assert [pk for pk, _ in sweep] == [1]
    assert "test_sweep: 1 changed" in capsys.readouterr().out


@pytest.mark.django_db
def test_a_second_run_changes_nothing(sweep):
    as_of = datetime.datetime(2026, 4, 1, tzinfo=datetime.UTC)
    assert deadlines.run_all(as_of=as_of)["test_sweep"] == 2
    assert deadlines.run_all(as_of=as_of)["test_sweep"] == 0


@pytest.mark.django_db
def test_naive_as_of_is_read_in_the_cb_time_zone(sweep):
    call_command("run_deadlines", "--as-of", "2026-01-10T08:00:00")  # 00:00 UTC, Asia/Shanghai +8
    assert sweep[0][1] == datetime.datetime(2026, 1, 10, 0, 0, tzinfo=datetime.UTC)


def test_one_failing_item_does_not_stop_the_sweep(db):
    calls = []

    def act(pk, as_of):
        calls.append(pk)
        if pk == 1:
            raise RuntimeError("boom")
        return True

    deadlines.register("flaky", due=lambda as_of: [1, 2], act=act)
    try:
        assert deadlines.run_all(only=["flaky"]) == {"flaky": 1}
    finally:
        deadlines._registry.pop("flaky")
    assert calls == [1, 2]


def test_bad_as_of_is_a_clear_error():
    with pytest.raises(CommandError, match="not an ISO-8601"):
        call_command("run_deadlines", "--as-of", "yesterday")


@pytest.mark.django_db
def test_beat_task_runs_the_same_registry(sweep):
    result = run_deadlines("2026-03-02T00:00:00+00:00")
    assert result["test_sweep"] == 2 and {"deadline_alerts", "deadline_reminders"} <= set(result)
