from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from alongside.care.models import TherapistProfile


@admin.register(TherapistProfile)
class TherapistProfileAdmin(admin.ModelAdmin[TherapistProfile]):
    """Staff check a therapist's registration and mark the profile verified."""

    list_display = ("user", "profession", "verified_at", "verified_by")
    list_filter = ("verified_at",)
    fields = ("user", "profession", "licence", "verified_at", "verified_by")
    readonly_fields = ("user", "verified_at", "verified_by")
    actions = ("mark_verified", "mark_unverified")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # a therapist sets up their own profile

    @admin.action(description="Mark the selected therapists verified")
    def mark_verified(self, request: HttpRequest, queryset: QuerySet[TherapistProfile]) -> None:
        for profile in queryset:
            profile.verify(by=str(request.user))

    @admin.action(description="Mark the selected therapists not verified")
    def mark_unverified(self, request: HttpRequest, queryset: QuerySet[TherapistProfile]) -> None:
        for profile in queryset:
            profile.unverify()
