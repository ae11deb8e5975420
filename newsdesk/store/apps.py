from django.apps import AppConfig


class StoreConfig(AppConfig):
    name = "newsdesk.store"
    label = "store"
    verbose_name = "Newsdesk"
