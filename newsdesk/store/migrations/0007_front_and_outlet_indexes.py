"""Indexes for the reader's lists: the front page keeps to story_top, an outlet's page to its newest articles."""

import django.db.models.deletion
from django.db import migrations, models

NULLS_LAST = {"sqlite": "", "postgresql": " NULLS LAST"}  # SQLite's DESC puts NULLs last and refuses the words


def create_outlet_index(apps, schema_editor):
    order = NULLS_LAST.get(schema_editor.connection.vendor, " NULLS LAST")
    schema_editor.execute(
        f"CREATE INDEX article_source_latest ON store_article (source_id, published DESC{order}, id DESC)"
    )


def drop_outlet_index(apps, schema_editor):
    schema_editor.execute("DROP INDEX article_source_latest")


class Migration(migrations.Migration):

    dependencies = [
        ("store", "0006_cluster_merge_event"),
    ]

    operations = [
        # Without statistics SQLite took this foreign key's index for `merged_into IS NULL` and sorted
        # every story; merged stories are few, so the lists filter them while reading story_top.
        migrations.AlterField(
            model_name="story",
            name="merged_into",
            field=models.ForeignKey(blank=True, db_index=False, help_text="A moderator merged this story into that one: its page redirects there", null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="store.story"),
        ),
        migrations.RunPython(create_outlet_index, drop_outlet_index),
    ]
