"""SQLite: an FTS5 table of the articles' titles alone, which counts the title's matches for relevance."""

from django.db import migrations


def add_titles(apps, schema_editor):
    from newsdesk.search import fulltext

    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            if fulltext.SqliteIndex.installed(cursor):
                # The triggers that keep it come back with resume_sync, after every migration has run.
                for statement in fulltext.SqliteIndex.TABLES:
                    cursor.execute(statement)
                fulltext.SqliteIndex.rebuild_titles(cursor)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_sqlite_outlet_key_and_moments")]
    operations = [migrations.RunPython(add_titles, migrations.RunPython.noop, elidable=False)]
