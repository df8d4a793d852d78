from django.urls import path

from alongside.care import views_therapist

urlpatterns = [
    path("care/", views_therapist.caseload, name="caseload"),
    path("care/clients/<int:pk>/", views_therapist.client, name="client"),
    path("care/clients/<int:pk>/notes/", views_therapist.notes, name="notes"),
    path("care/couples/<int:pk>/", views_therapist.couple, name="couple"),
    path("care/notes/<int:pk>/edit/", views_therapist.note_edit, name="note_edit"),
    path("care/notes/<int:pk>/delete/", views_therapist.note_delete, name="note_delete"),
    path("care/alerts/<int:pk>/acknowledge/", views_therapist.alert_ack, name="alert_ack"),
]
