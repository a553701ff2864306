"""`manage.py refresh_public_records`: write the public read model (incidents.PublicRecord) and
the stored counts of public incidents (incidents.PublicCount)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand
from django.db import transaction

from incidents import derived


class Command(BaseCommand):
    help = (
        "Write the stored API text of every public incident whose text is missing or older "
        "than the incident (`migrate` does this too), or of every public incident with --all; "
        "likewise the stored counts of public incidents."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--all",
            action="store_true",
            help="Rewrite every public record, e.g. after a change to the API's representation, "
            "and recount every group of the stored counts.",
        )

    def handle(self, *args, all: bool = False, **options) -> None:
        started = time.monotonic()
        with transaction.atomic():
            if all:
                written = derived.refresh_public_records()
            else:
                written = derived.refresh_stale_public_records()
        seconds = time.monotonic() - started
        self.stdout.write(f"Public records written: {written} in {seconds:.1f} s.")
