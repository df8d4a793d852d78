from django.urls import path

from alongside.safety import views

app_name = "safety"
urlpatterns = [
    path("help/", views.help_now, name="help"),
    path("exit/", views.quick_exit, name="exit"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline, name="offline"),
    path("settings/safety/", views.safety_settings, name="settings"),
]
