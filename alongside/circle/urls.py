from django.urls import path

from alongside.circle import views

app_name = "circle"
urlpatterns = [
    path("circle/", views.circle, name="circle"),
    path("circle/people/add/", views.person_add, name="person_add"),
    path("circle/people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("circle/people/<int:pk>/delete/", views.person_delete, name="person_delete"),
    path("circle/invite/", views.invite, name="invite"),
    path("circle/invitations/<int:pk>/", views.invitation, name="invitation"),
    path("circle/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("join/", views.join, name="join"),
    path("join/<str:token>/", views.accept, name="accept"),
    path("circle/links/<int:pk>/", views.link_view, name="link"),
    path("circle/links/<int:pk>/sharing/", views.sharing, name="sharing"),
    path("circle/links/<int:pk>/unlink/", views.unlink, name="unlink"),
    path("circle/what-others-see/", views.safety_review, name="safety_review"),
    path("circle/links/<int:pk>/stop-sharing/", views.stop_sharing, name="stop_sharing"),
]
