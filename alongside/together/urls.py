from django.urls import path

from alongside.together import views

app_name = "together"
urlpatterns = [
    path("together/<int:pk>/", views.week, name="week"),
    path("together/<int:pk>/time/", views.ritual, name="ritual"),
    path("together/<int:pk>/history/", views.history, name="history"),
    path("together/sessions/<int:pk>/", views.session_view, name="session"),
    path("together/sessions/<int:pk>/items/", views.item_add, name="item_add"),
    path("together/sessions/<int:pk>/agreements/", views.agreement_add, name="agreement_add"),
    path("together/sessions/<int:pk>/prompts/<slug:key>/", views.prompt, name="prompt"),
    path("together/my-part/", views.my_part, name="my_part"),
    path("together/my-part/<int:pk>/", views.my_part_week, name="my_part_week"),
    path("together/items/<int:pk>/delete/", views.item_delete, name="item_delete"),
    path("together/agreements/<int:pk>/done/", views.agreement_done, name="agreement_done"),
    path("together/agreements/<int:pk>/delete/", views.agreement_delete, name="agreement_delete"),
]
