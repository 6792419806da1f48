"""The visit as an iCalendar event (RFC 5545, the ``icalendar`` package), so the organisation and
the team put the notified plan in their calendars (§3.2.2.4)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from applications.models import localized


def visit_ics(evaluation, *, language: str | None = None) -> bytes:
    """One all-day event from the first to the last visit day, with the plan and the team."""
    with translation.override(language or translation.get_language()):
        calendar = Calendar()
        calendar.add("prodid", f"-//{settings.CB_NAME}//service certification//")
        calendar.add("version", "2.0")
        event = Event()
        event.add("uid", f"evaluation-{evaluation.pk}@{settings.SITE_URL.split('//')[-1]}")
        event.add(
            "summary",
            _("Evaluation %(ref)s: %(org)s")
            % {"ref": evaluation.reference, "org": localized(evaluation.organization, "name")},
        )
        event.add("dtstart", evaluation.starts_on)
        # All-day events end on the day after the last one (RFC 5545 3.6.1).
        event.add("dtend", evaluation.ends_on + datetime.timedelta(days=1))
        event.add("dtstamp", timezone.now())
        sites = "、".join(f"{s.name}（{s.address}）" for s in evaluation.sites.all())
        if sites:
            event.add("location", sites)
        team = "\n".join(
            f"{m.person.get_full_name() or m.person.username} — {m.get_role_display()}"
            for m in evaluation.active_members()
        )
        event.add("description", "\n\n".join(filter(None, [evaluation.plan, team])))
        calendar.add_component(event)
        return calendar.to_ical()
