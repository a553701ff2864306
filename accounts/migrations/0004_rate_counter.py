from django.db import migrations

# Without Redis, API throttle counters are rows here, bumped by one atomic upsert each
# (core.rate_limits); a plain table, as the cache table, since no model reads it.
CREATE = """
CREATE TABLE tessera_rate_counter (
    bucket varchar(255) NOT NULL PRIMARY KEY,
    hits integer NOT NULL,
    expires bigint NOT NULL
)
"""


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_cache_table")]

    operations = [
        migrations.RunSQL(CREATE, "DROP TABLE tessera_rate_counter"),
        migrations.RunSQL(
            "CREATE INDEX tessera_rate_counter_expires ON tessera_rate_counter (expires)",
            "DROP INDEX tessera_rate_counter_expires",
        ),
    ]
