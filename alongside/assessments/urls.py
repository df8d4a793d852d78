from django.urls import path

from alongside.assessments import views

app_name = "assessments"
urlpatterns = [
    path("questionnaires/", views.index, name="index"),
    path("questionnaires/<slug:instrument_id>/", views.detail, name="instrument"),
    path("questionnaires/<slug:instrument_id>/start/", views.start, name="start"),
    path("questionnaires/<slug:instrument_id>/history/", views.history, name="history"),
    path("questionnaires/answers/<int:pk>/", views.take, name="take"),
    path("questionnaires/answers/<int:pk>/result/", views.result, name="result"),
    path("questionnaires/answers/<int:pk>/delete/", views.delete, name="delete"),
    path("circle/links/<int:pk>/questionnaires/", views.shared, name="shared"),
]
