from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from alongside.checkins.models import CheckIn
from alongside.circle.models import Link
from alongside.insights import personal
from alongside.insights.couple import MIN_PAIRS, MIN_SHARED_DAYS, couple_insights
from alongside.lib.http import AuthedHttpRequest


@login_required
def mine(request: AuthedHttpRequest) -> HttpResponse:
    today = request.user.local_today()
    since = today - dt.timedelta(weeks=personal.WEEKS)
    checkins = list(CheckIn.objects.filter(owner=request.user, day__gte=since).order_by("day"))
    partners = [
        (link, link.other(request.user))
        for link in Link.for_user(request.user)
        .filter(kind="partner")
        .select_related("user_a", "user_b")
    ]
    return render(
        request,
        "insights/mine.html",
        {
            "mood": personal.mood_trend(checkins, today=today),
            "needs": personal.needs_by_week(checkins, today=today),
            "support": personal.support_balance(checkins, today=today),
            "count": len(checkins),
            "partners": partners,
        },
    )


@login_required
def couple(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    link = get_object_or_404(Link.for_user(request.user).filter(kind="partner"), pk=pk)
    partner = link.other(request.user)
    return render(
        request,
        "insights/couple.html",
        {
            "link": link,
            "partner": partner,
            "insights": couple_insights(request.user, partner),
            "min_days": MIN_SHARED_DAYS,
            "min_pairs": MIN_PAIRS,
        },
    )
