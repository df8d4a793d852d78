"""Research pages: a participant's under /research/, a researcher's under /research/studies/."""

from django.urls import path

from alongside.research import views, views_researcher

app_name = "research"
urlpatterns = [
    path("research/", views.index, name="index"),
    path("research/join/", views.join, name="join"),
    path("research/join/<str:code>/", views.join_code, name="join_code"),
    path("research/taking-part/<int:pk>/", views.participation, name="participation"),
    path("research/taking-part/<int:pk>/consent/", views.consent_again, name="consent_again"),
    path("research/taking-part/<int:pk>/pair-code/", views.pair_code, name="pair_code"),
    path("research/taking-part/<int:pk>/pair/", views.pair, name="pair"),
    path("research/taking-part/<int:pk>/timing/", views.timing, name="timing"),
    path("research/taking-part/<int:pk>/pause/", views.pause, name="pause"),
    path("research/taking-part/<int:pk>/resume/", views.resume, name="resume"),
    path("research/taking-part/<int:pk>/leave/", views.withdraw, name="withdraw"),
    path("research/prompts/<int:pk>/", views.prompt, name="prompt"),
    path("research/studies/", views_researcher.studies, name="studies"),
    path("research/studies/new/", views_researcher.study_new, name="study_new"),
    path("research/studies/import/", views_researcher.study_import, name="study_import"),
    path("research/studies/<int:pk>/", views_researcher.study, name="study"),
    path("research/studies/<int:pk>/edit/", views_researcher.study_edit, name="study_edit"),
    path(
        "research/studies/<int:pk>/study.yaml", views_researcher.study_export, name="study_export"
    ),
    path(
        "research/studies/<int:pk>/data/<str:layout>.csv",
        views_researcher.study_data,
        name="study_data",
    ),
    path(
        "research/studies/<int:pk>/data.zip", views_researcher.study_data_zip, name="study_data_zip"
    ),
    path("research/studies/<int:pk>/consent/", views_researcher.consent_new, name="consent_new"),
    path("research/studies/<int:pk>/compliance/", views_researcher.compliance, name="compliance"),
]
