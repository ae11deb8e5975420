"""SQLite: the outlet as a key word in the FTS5 table, and each article's time in an indexed table beside it."""

from django.db import migrations


def reinstall(apps, schema_editor):
    from newsdesk.search import fulltext

    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS search_article")
        fulltext.install(connection)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_triggers_check_columns_in_their_functions")]
    operations = [migrations.RunPython(reinstall, migrations.RunPython.noop, elidable=False)]
