from django.urls import path

from alongside.care import views_reports

urlpatterns = [
    path("care/my/fhir.json", views_reports.my_fhir, name="my_fhir"),
    path("care/my/access-log.json", views_reports.my_access_log_json, name="my_access_log_json"),
    path("care/clients/<int:pk>/fhir.json", views_reports.client_fhir, name="client_fhir"),
]
