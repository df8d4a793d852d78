from django.urls import URLPattern, path

from alongside.practice import views_experiments as views

urlpatterns: list[URLPattern] = [
    path("practice/", views.index, name="index"),
    path("practice/experiments/new/", views.experiment_new, name="experiment_new"),
    path("practice/experiments/<int:pk>/", views.experiment_detail, name="experiment"),
    path("practice/experiments/<int:pk>/after/", views.experiment_after, name="experiment_after"),
    path(
        "practice/experiments/<int:pk>/invite/", views.experiment_invite, name="experiment_invite"
    ),
    path("practice/experiments/<int:pk>/asked/", views.experiment_asked, name="experiment_asked"),
    path("practice/asked/<int:pk>/", views.asked, name="asked"),
    path("practice/ladders/new/", views.ladder_new, name="ladder_new"),
    path("practice/ladders/<int:pk>/", views.ladder_detail, name="ladder"),
    path("practice/ladders/<int:pk>/steps/", views.step_add, name="step_add"),
    path("practice/steps/<int:pk>/move/", views.step_move, name="step_move"),
]
