from django.core.management.base import BaseCommand

from accounts.demo import ensure_demo_users
from incidents import demo


class Command(BaseCommand):
    help = (
        "Load the five demo incidents of January 2022 (and demo accounts, for local use only). "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-users", action="store_true", help="Do not create the demo accounts."
        )

    def handle(self, *args, no_users: bool = False, **options):
        incidents = demo.load()
        self.stdout.write(f"Demo data: {len(incidents)} incidents.")
        for incident in incidents:
            self.stdout.write(f"  {incident.public_id}  {incident.date_start}  {incident.title}")
        if no_users:
            return
        self.stdout.write(
            self.style.WARNING("Demo accounts (local use only; never on a public server):")
        )
        for username, password, created in ensure_demo_users():
            note = "" if created else "  (already existed; password unchanged)"
            self.stdout.write(f"  {username:<11} password: {password}{note}")
