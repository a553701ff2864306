from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from bench import generator


class Command(BaseCommand):
    help = (
        "Create synthetic incidents for benchmarks, with realistic skew of countries, dates, "
        "types, actors and places. They are marked dataset=synthetic; the same --seed gives "
        "the same incidents."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, help="How many incidents to create.")
        parser.add_argument("--seed", type=int, default=0, help="Random seed (default 0).")
        parser.add_argument(
            "--batch-size", type=int, default=5000, help="Incidents per insert (default 5000)."
        )
        parser.add_argument(
            "--delete",
            action="store_true",
            help="First delete every synthetic incident (places, actors and sources stay).",
        )

    def handle(
        self,
        *args,
        count: int | None = None,
        seed: int = 0,
        batch_size: int = 5000,
        delete: bool = False,
        **options,
    ) -> None:
        if count is None and not delete:
            raise CommandError("Give --count N (and/or --delete).")
        if (count is not None and count < 1) or batch_size < 1:
            raise CommandError("--count and --batch-size must be at least 1.")
        if delete:
            self.stdout.write(f"Deleted {generator.delete_synthetic():,} synthetic incidents.")
        if count is None:
            return
        report = generator.generate(count, seed=seed, batch_size=batch_size, progress=self.progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created {report.incidents:,} incidents, {report.participants:,} actor roles "
                f"and {report.citations:,} citations in {report.seconds:.1f} s."
            )
        )

    def progress(self, report: generator.Report) -> None:
        rate = report.incidents / report.seconds if report.seconds else 0
        self.stdout.write(
            f"  {report.incidents:,} incidents  ({report.seconds:.1f} s, {rate:,.0f}/s)"
        )
