"""PostgreSQL: one trigger per table whose function checks the columns, so store's migrations may alter them."""

from django.db import migrations


def refresh(apps, schema_editor):
    from newsdesk.search import fulltext

    fulltext.refresh_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0001_fulltext_index")]
    operations = [migrations.RunPython(refresh, migrations.RunPython.noop, elidable=False)]
