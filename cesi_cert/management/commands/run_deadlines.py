from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from cesi_cert import deadlines


class Command(BaseCommand):
    help = "Run every deadline sweep as of now or --as-of (the same code Celery beat runs)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", help="ISO-8601 date or date-time (default: now)")
        parser.add_argument("--only", action="append", help="run only this sweep (repeatable)")

    def handle(self, *args, as_of=None, only=None, **options):
        moment = timezone.now()
        if as_of:
            moment = parse_datetime(as_of)
            if moment is None and (day := parse_date(as_of)):
                moment = timezone.datetime.combine(day, timezone.datetime.min.time())
            if moment is None:
                raise CommandError(f"--as-of: not an ISO-8601 date or date-time: {as_of!r}")
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        result = deadlines.run_all(as_of=moment, only=only)
        if not result:
            self.stdout.write("No deadline sweeps are registered yet.")
        for name, count in result.items():
            self.stdout.write(f"{name}: {count} changed")
