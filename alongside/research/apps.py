from django.apps import AppConfig


class ResearchConfig(AppConfig):
    name = "alongside.research"
    label = "research"
