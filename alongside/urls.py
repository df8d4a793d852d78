from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.urls import include, path

from alongside.accounts import views as account_views
from alongside.api import api
from alongside.lib import health

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("accounts/", include("allauth.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("alongside.accounts.urls")),
    path("", include("alongside.checkins.urls")),
    path("", include("alongside.assessments.urls")),
    path("", include("alongside.circle.urls")),
    path("", include("alongside.insights.urls")),
    path("", include("alongside.together.urls")),
    path("", include("alongside.practice.urls")),
    path("", include("alongside.reminders.urls")),
    path("", include("alongside.safety.urls")),
    path("", include("alongside.care.urls")),
    path("", include("alongside.research.urls")),
    path("", include("alongside.push.urls")),
]


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's yardstick: the same middleware as every page, next to no work."""
    return HttpResponse(b"ok", content_type="text/plain")


if settings.BENCH_BARE_VIEW:
    urlpatterns.insert(0, path("bench/bare/", bench_bare, name="bench_bare"))
