from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "alongside.insights"
    label = "insights"
