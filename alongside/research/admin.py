from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from alongside.research.models import ResearcherProfile


@admin.register(ResearcherProfile)
class ResearcherProfileAdmin(admin.ModelAdmin[ResearcherProfile]):
    """Site administrators give the researcher role (add a profile for the account) and
    take it away (the action below). Only researchers create studies."""

    list_display = ("user", "granted_at", "granted_by")
    fields = ("user", "granted_at", "granted_by")
    readonly_fields = ("granted_at", "granted_by")
    raw_id_fields = ("user",)
    actions = ("take_role_away",)

    def save_model(
        self, request: HttpRequest, obj: ResearcherProfile, form: Any, change: bool
    ) -> None:
        if not change:
            obj.granted_by = str(request.user)[:200]
        super().save_model(request, obj, form, change)

    @admin.action(description="Take the researcher role away from the selected people")
    def take_role_away(self, request: HttpRequest, queryset: QuerySet[ResearcherProfile]) -> None:
        # Their studies stay: participants consented to them.
        queryset.delete()
