from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alongside.lib.http import AuthedHttpRequest
from alongside.reminders.forms import ReminderForm
from alongside.reminders.models import ReminderSchedule


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: AuthedHttpRequest) -> HttpResponse:
    schedule = ReminderSchedule.objects.filter(owner=request.user).first() or ReminderSchedule(
        owner=request.user, enabled=False, weekdays=[0, 1, 2, 3, 4, 5, 6]
    )
    form = ReminderForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid():
        schedule = form.save(commit=False)
        schedule.owner = request.user
        schedule.reschedule()
        messages.success(request, _("Your reminder settings are saved."))
        return redirect("reminders:settings")
    return render(request, "reminders/settings.html", {"form": form, "schedule": schedule})
