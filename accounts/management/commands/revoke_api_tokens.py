from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Revoke every API token of the named users (each stops working at once)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("usernames", nargs="+", metavar="USERNAME")

    def handle(self, *args: Any, usernames: list[str], **options: Any) -> None:
        known = set(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        unknown = [name for name in usernames if name not in known]
        if unknown:
            raise CommandError(f"No such user: {', '.join(unknown)}. Nothing was revoked.")
        count = ApiToken.objects.filter(user__username__in=usernames, revoked=None).update(
            revoked=timezone.now()
        )
        self.stdout.write(f"{count} token(s) revoked.")
