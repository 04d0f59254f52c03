from django.apps import AppConfig


class OwsConfig(AppConfig):
    name = "ows"
