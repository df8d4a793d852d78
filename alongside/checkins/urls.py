from django.urls import path

from alongside.checkins import views

app_name = "checkins"
urlpatterns = [
    path("checkin/", views.today, name="today"),
    path("checkin/missed-day/", views.backfill, name="backfill"),
    path("checkins/", views.history, name="history"),
    path("checkins/<int:pk>/", views.detail, name="detail"),
    path("checkins/<int:pk>/edit/", views.edit, name="edit"),
    path("checkins/<int:pk>/delete/", views.delete, name="delete"),
]
