from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "alongside.reminders"
    label = "reminders"
