from django.urls import URLPattern, path

from alongside.practice import views_growth as views

urlpatterns: list[URLPattern] = [
    path("practice/goals/", views.goals, name="goals"),
    path("practice/goals/new/", views.goal_new, name="goal_new"),
    path("practice/goals/<int:pk>/", views.goal, name="goal"),
    path("practice/goals/<int:pk>/steps/", views.step_add, name="goal_step_add"),
    path("practice/goals/<int:pk>/accept/", views.goal_accept, name="goal_accept"),
    path("practice/goals/<int:pk>/decline/", views.goal_decline, name="goal_decline"),
    path("practice/goals/<int:pk>/leave/", views.goal_leave, name="goal_leave"),
    path("practice/goals/<int:pk>/delete/", views.goal_delete, name="goal_delete"),
    path("practice/goals/steps/<int:pk>/check/", views.step_check, name="goal_step_check"),
    path("practice/goals/steps/<int:pk>/delete/", views.step_delete, name="goal_step_delete"),
    path("practice/prompts/", views.prompts, name="prompts"),
    path("practice/prompts/<slug:key>/", views.prompt, name="prompt"),
    path("practice/prompts/<slug:key>/skip/", views.prompt_skip, name="prompt_skip"),
]
