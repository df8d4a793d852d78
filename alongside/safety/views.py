from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from alongside.lib.http import AuthedHttpRequest
from alongside.safety import discreet
from alongside.safety.forms import SafetyForm


def help_now(request: HttpRequest) -> HttpResponse:
    """Help resources, open to everyone (no sign-in: someone may need them urgently)."""
    return render(
        request,
        "safety/help.html",
        {"resources": settings.HELP_RESOURCES, "fallback": settings.HELP_FALLBACK_TEXT},
    )


@require_POST
@csrf_exempt
def quick_exit(request: HttpRequest) -> HttpResponse:
    """Leave at once: sign out or lock the session, then go to an ordinary website.

    Exempt from CSRF on purpose: the worst another site could do by posting here is to
    sign someone out or ask them for their password again, and a person fleeing must
    never be stopped by an expired token. With JavaScript the page sends this in the
    background and replaces itself at once; without it, this answers with the redirect.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        if user.exit_signs_out:
            logout(request)
        else:
            discreet.lock(request)
    # The background request from the page's script must not follow a redirect to the
    # other site (the page's CSP forbids it, and nothing would read the answer anyway).
    response = (
        HttpResponse(status=204)
        if request.POST.get("beacon")
        else HttpResponseRedirect(settings.QUICK_EXIT_URL)
    )
    response["Cache-Control"] = "no-store"
    return response


def manifest(request: HttpRequest) -> JsonResponse:
    """The installable app's manifest: under a neutral name and icon in discreet mode."""
    quiet = discreet.is_discreet(request)
    name = discreet.NEUTRAL_NAME if quiet else "Alongside"
    stem = "alongside/icon-notes" if quiet else "alongside/icon"
    response = JsonResponse(
        {
            "name": name,
            "short_name": name,
            "start_url": "/",
            "display": "standalone",
            "background_color": "#faf7f2",
            "theme_color": "#5f6b73" if quiet else "#3d6b5e",
            "id": "/",
            "scope": "/",
            "description": "" if quiet else _("A private companion for leaning on each other."),
            # PNG for install prompts (they ignore SVG), maskable for adaptive launchers.
            "icons": [
                {"src": static(f"{stem}.svg"), "sizes": "any", "type": "image/svg+xml"},
                *(
                    {
                        "src": static(f"{stem}-{size}.png"),
                        "sizes": f"{size}x{size}",
                        "type": "image/png",
                        "purpose": "any",
                    }
                    for size in (192, 512)
                ),
                *(
                    {
                        "src": static(f"{stem}-maskable-{size}.png"),
                        "sizes": f"{size}x{size}",
                        "type": "image/png",
                        "purpose": "maskable",
                    }
                    for size in (192, 512)
                ),
            ],
        },
        content_type="application/manifest+json",
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def safety_settings(request: AuthedHttpRequest) -> HttpResponse:
    """Discreet mode and the quick exit: the person's own choices, told to nobody."""
    # Not "request.POST or None": unticking both boxes posts nothing but is still a choice.
    form = SafetyForm(request.POST if request.method == "POST" else None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved. Only you can see these settings."))
        response = redirect("safety:settings")
        discreet.remember_on_device(response, request.user.discreet)
        return response
    return render(request, "safety/settings.html", {"form": form})


def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows when a page cannot load: it holds nothing personal
    and names no app (it is cached on the device, and may be seen by anyone holding it)."""
    response = render(request, "safety/offline.html")
    response["Cache-Control"] = "no-cache"
    return response
