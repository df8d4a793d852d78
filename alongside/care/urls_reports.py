from django.urls import path

from alongside.care import views_reports

urlpatterns = [
    path("care/my/fhir.json", views_reports.my_fhir, name="my_fhir"),
    path("care/my/access-log.json", views_reports.my_access_log_json, name="my_access_log_json"),
    path("care/my/report/", views_reports.my_report_form, name="my_report_form"),
    path("care/my/report.pdf", views_reports.my_report, name="my_report"),
    path("care/clients/<int:pk>/fhir.json", views_reports.client_fhir, name="client_fhir"),
    path("care/clients/<int:pk>/report/", views_reports.report_form, name="report_form"),
    path("care/clients/<int:pk>/report.pdf", views_reports.report_pdf, name="report"),
]
