from django.urls import path

from alongside.care import views_assign

urlpatterns = [
    path("care/clients/<int:pk>/assign/", views_assign.assign, name="assign"),
    path("care/assignments/<int:pk>/stop/", views_assign.assignment_stop, name="assignment_stop"),
    path("care/due/<int:pk>/start/", views_assign.due_start, name="due_start"),
    path("care/due/<int:pk>/decline/", views_assign.due_decline, name="due_decline"),
]
