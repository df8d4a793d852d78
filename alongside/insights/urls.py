from django.urls import path

from alongside.insights import views

app_name = "insights"
urlpatterns = [
    path("insights/", views.mine, name="mine"),
    path("insights/couple/<int:pk>/", views.couple, name="couple"),
]
