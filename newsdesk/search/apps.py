from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate


class SearchConfig(AppConfig):
    name = "newsdesk.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from newsdesk.search import fulltext

        # SQLite rebuilds a table to alter it and then refuses any trigger naming a table that is
        # briefly missing, so the triggers step aside while migrations run and come back after.
        pre_migrate.connect(fulltext.suspend_sync, sender=self)
        post_migrate.connect(fulltext.resume_sync, sender=self)
