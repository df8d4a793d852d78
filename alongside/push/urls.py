from django.urls import path

from alongside.push import views

app_name = "push"
urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("settings/notifications/subscribe/", views.subscribe, name="subscribe"),
    path("settings/notifications/unsubscribe/", views.unsubscribe, name="unsubscribe"),
    path("settings/notifications/<int:pk>/remove/", views.remove, name="remove"),
    path("settings/notifications/test/", views.test, name="test"),
]
