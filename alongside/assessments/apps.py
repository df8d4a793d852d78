from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "alongside.assessments"
    label = "assessments"
    verbose_name = "Questionnaires"
