from django.apps import AppConfig


class CircleConfig(AppConfig):
    name = "alongside.circle"
    label = "circle"
