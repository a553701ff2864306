from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # API throttle counters live in the database cache unless REDIS_URL is set; creating its
    # table here means `migrate` alone readies a database.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_roles")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
