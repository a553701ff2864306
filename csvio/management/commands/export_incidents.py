import os
import sys
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from core.api import unknown_parameter
from csvio.export import export_chunks
from csvio.layouts import PRESETS
from incidents.filters import IncidentFilterSet, statuses_named_in
from incidents.models import Incident


class Command(BaseCommand):
    help = (
        "Write every incident that matches the filters to a CSV (or GeoJSON) file, in constant "
        "memory and without a row cap. Filters are the API's, e.g. --filter country=IRQ "
        "--filter date_after=2022-01-01; as in the API, published records unless "
        "--filter status=… names others (any status: draft, in review, published, retracted)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--preset", choices=sorted(PRESETS), default="native")
        parser.add_argument(
            "--filter",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="An API filter; repeat for several.",
        )
        parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
        parser.add_argument(
            "--include-all",
            action="store_true",
            help="Keep incidents the preset's dataset would leave out (UCDP: no deaths).",
        )
        parser.add_argument("-o", "--output", help="File to write (default: standard output).")

    def handle(self, *args, preset, filter, format, include_all, output, **options):
        chosen = PRESETS[preset]
        filters = self._filters(filter)
        # Whoever runs manage.py on the server sees, and may filter by, every status; without
        # a status filter the file holds what the API's export holds, published records.
        filterset = IncidentFilterSet(filters, Incident.objects.all(), sees_every_status=True)
        if not filterset.is_valid():
            problems = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in filterset.errors.items()
            )
            raise CommandError(f"Bad filter: {problems}")
        statuses = statuses_named_in(filters)
        incidents = chosen.export_queryset(filterset.qs, include_all=include_all, statuses=statuses)
        if note := chosen.export_note(include_all=include_all, statuses=statuses):
            self.stderr.write(note)
        with ExitStack() as stack:
            stream = (
                stack.enter_context(open(output, "w", encoding="utf-8", newline=""))
                if output
                else sys.stdout
            )
            # The command runs with the server's own rights: it lists every link.
            try:
                for chunk in export_chunks(
                    incidents, chosen, format, links_to=Incident.objects.all()
                ):
                    stream.write(chunk)
            except BrokenPipeError:
                if output:
                    raise
                # The reader stopped early (`| head`): nothing to report. Python would still
                # fail flushing standard output at exit, so point it at nothing.
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
                return
        if output:
            self.stderr.write(f"Wrote {output}.")

    @staticmethod
    def _filters(pairs: list[str]) -> QueryDict:
        data = QueryDict(mutable=True)
        for pair in pairs:
            name, separator, value = pair.partition("=")
            name = name.strip()
            if not separator:
                raise CommandError(f"--filter takes NAME=VALUE, not “{pair}”.")
            if name not in IncidentFilterSet.base_filters:
                # A misspelt filter would otherwise export everything.
                problem = unknown_parameter(name, IncidentFilterSet.base_filters)
                raise CommandError(f"--filter {name}: {problem}")
            data.appendlist(name, value)
        return data
