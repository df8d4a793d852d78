from django.urls import path

from alongside.reminders import views

app_name = "reminders"
urlpatterns = [path("settings/reminders/", views.settings_page, name="settings")]
