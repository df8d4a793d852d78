from django.urls import path

from alongside.accounts import views

app_name = "accounts"
urlpatterns = [
    path("welcome/", views.welcome, name="welcome"),
    path("settings/profile/", views.profile, name="profile"),
    path("settings/tokens/", views.tokens, name="tokens"),
    path("settings/tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("settings/data/", views.data, name="data"),
    path("settings/data/export/", views.export, name="export"),
    path("settings/data/delete/", views.delete_account, name="delete"),
    path("settings/access-log/", views.access_log, name="access_log"),
]
