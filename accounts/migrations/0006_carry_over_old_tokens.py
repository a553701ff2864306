"""API tokens of the previous scheme (DRF's authtoken, keys in plain text) become hashed tokens.

Each old key keeps working: its SHA-256 and first characters are stored as an ApiToken, then
the old table, which holds the keys in plain text, is dropped. A database that never had the
table (a new installation) has nothing to carry over. The plain keys are gone afterwards, so
the migration cannot be reversed.
"""

import hashlib
from datetime import UTC

from django.db import migrations
from django.utils import timezone

OLD_TABLE = "authtoken_token"
NAME = "Carried over from the previous token scheme"
PREFIX_LENGTH = 8


def carry_over_old_tokens(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if OLD_TABLE not in connection.introspection.table_names(cursor):
            return
        quote = schema_editor.quote_name
        cursor.execute(f"SELECT {quote('key')}, user_id, created FROM {quote(OLD_TABLE)}")
        rows = cursor.fetchall()
    ApiToken = apps.get_model("accounts", "ApiToken")
    ApiToken.objects.using(connection.alias).bulk_create(
        ApiToken(
            user_id=user_id,
            name=NAME,
            prefix=key[:PREFIX_LENGTH],
            digest=hashlib.sha256(key.encode()).hexdigest(),
            created=timezone.make_aware(created, UTC) if timezone.is_naive(created) else created,
        )
        for key, user_id, created in rows
    )
    schema_editor.execute(f"DROP TABLE {quote(OLD_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0005_api_tokens")]

    operations = [migrations.RunPython(carry_over_old_tokens)]
