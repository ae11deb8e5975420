"""The full-text index of articles (FTS5 on SQLite, tsvector and GIN on PostgreSQL), filled from what is stored."""

from django.db import migrations


def install(apps, schema_editor):
    from newsdesk.search import fulltext

    fulltext.install(schema_editor.connection)


def uninstall(apps, schema_editor):
    from newsdesk.search import fulltext

    fulltext.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("store", "0004_stories_and_excerpts")]
    operations = [migrations.RunPython(install, uninstall, elidable=False)]
