"""Care pages. Each part of the app keeps its routes beside its views."""

from django.urls import path

from alongside.care import urls_assign, urls_reports, urls_therapist, views

app_name = "care"
urlpatterns = [
    path("care/become/", views.become, name="become"),
    path("care/invite/", views.invite_client, name="invite_client"),
    path("care/my-therapists/<int:pk>/", views.my_therapist, name="my_therapist"),
    path("care/my-therapists/<int:pk>/couple/", views.couple_view, name="couple_view"),
    *urls_therapist.urlpatterns,
    *urls_assign.urlpatterns,
    *urls_reports.urlpatterns,
]
