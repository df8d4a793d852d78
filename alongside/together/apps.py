from django.apps import AppConfig


class TogetherConfig(AppConfig):
    name = "alongside.together"
    label = "together"
