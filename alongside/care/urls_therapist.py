from django.urls import path

from alongside.care import views_therapist

urlpatterns = [
    path("care/", views_therapist.caseload, name="caseload"),
    path("care/clients/<int:pk>/", views_therapist.client, name="client"),
]
