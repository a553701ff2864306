from contextlib import ExitStack
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from csvio.imports import import_incidents
from csvio.imports.detect import DETECT
from csvio.imports.read import text_lines
from csvio.layouts import PRESETS


class Command(BaseCommand):
    help = (
        "Import incidents from a CSV file in Tessera's, ACLED's or UCDP GED's layout. Every "
        "row is validated; nothing is written if any row fails, unless --skip-bad-rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A CSV file, UTF-8, with the layout's header row.")
        parser.add_argument(
            "--format",
            "--preset",  # as export_incidents calls it
            dest="format",
            choices=[DETECT, *sorted(PRESETS)],
            default=DETECT,
            help="The file's layout; by default, detected from its header.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--no-create",
            action="store_true",
            help="Refuse rows whose actors, places or sources do not exist yet.",
        )
        parser.add_argument(
            "--skip-bad-rows", action="store_true", help="Write the good rows, report the rest."
        )
        parser.add_argument(
            "--rows",
            metavar="FILE",
            help="Write each row's fate (new, updated, unchanged, problem) to FILE as CSV.",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="Who the history of the imported records names; nobody when left out.",
        )

    def handle(self, *args, file, format, dry_run, no_create, skip_bad_rows, rows, user, **options):
        user = self._user(user) if user else None
        try:
            with open(file, "rb") as raw, ExitStack() as stack:
                row_file = (
                    stack.enter_context(open(rows, "w", newline="", encoding="utf-8"))
                    if rows
                    else None
                )
                report = import_incidents(
                    text_lines(raw),
                    PRESETS.get(format),  # None: detected from the header
                    dry_run=dry_run,
                    create_missing=not no_create,
                    skip_bad_rows=skip_bad_rows,
                    user=user,
                    file_name=Path(file).name,
                    progress=self._progress,
                    row_file=row_file,
                )
        except OSError as error:
            raise CommandError(f"Cannot read {error.filename}: {error.strerror}.") from error
        self.stderr.write("")
        for line in report.lines():
            self.stdout.write(line)
        if report.file_problem:
            raise CommandError(f"Cannot import {file}: {report.file_problem} Nothing was written.")
        if report.problems and not report.written and not dry_run:
            raise CommandError("Import refused; nothing was written.")
        if dry_run and report.must_fix:
            raise CommandError("This file cannot be imported as it is; fix the rows above.")

    def _user(self, username: str):
        User = get_user_model()
        try:
            return User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist as error:
            raise CommandError(f"There is no user “{username}”.") from error

    def _progress(self, rows: int) -> None:
        self.stderr.write(f"\r{rows} rows read", ending="")
        self.stderr.flush()
