"""Counting failed tries in the shared cache, so a limit holds across every process.

allauth limits logins and sign-ups itself; this is for the project's own guessable
things (invitation codes). A ``Limit`` keeps, per key, the times of the latest failures
inside a sliding window: ``exceeded`` once there are ``tries`` of them. The cache is the
one all processes share (``CACHES`` in settings: the database by default, Redis by
``REDIS_URL``). Two processes failing at the very same moment may each miss the other's
try; at worst a few tries more get through, never fewer.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from allauth.account.adapter import get_adapter
from django.core.cache import cache
from django.http import HttpRequest

__all__ = ["Limit", "client_address"]


@dataclass(frozen=True)
class Limit:
    """At most ``tries`` failures per ``window`` seconds for one key (an account, an address)."""

    name: str
    tries: int
    window: int

    def _key(self, who: str) -> str:
        # Hashed, as allauth does: the cache holds no account ids or addresses.
        digest = hashlib.sha256(who.encode()).hexdigest()
        return f"ratelimit:{self.name}:{digest}"

    def _recent(self, who: str, now: float) -> list[float]:
        stored = cache.get(self._key(who))
        times = stored if isinstance(stored, list) else []
        return [t for t in times if isinstance(t, float) and now - t < self.window]

    def exceeded(self, who: str) -> bool:
        return len(self._recent(who, time.time())) >= self.tries

    def fail(self, who: str) -> None:
        now = time.time()
        # Only the latest `tries` matter; the entry expires with the newest one's window.
        times = [*self._recent(who, now), now][-self.tries :]
        cache.set(self._key(who), times, self.window)


def client_address(request: HttpRequest) -> str:
    """The client's address as allauth sees it (``TRUSTED_PROXY_COUNT`` behind a proxy)."""
    return str(get_adapter(request).get_client_ip(request))


class CodeTries:
    """Failed tries at a secret code (an invitation, an enrolment or pair code), counted per
    account and per address. A code of 8 characters from 32 (about 10^12) is hopeless to
    guess at 10 tries per 15 minutes per account and 30 per hour per address, while
    someone mistyping a real code has room to spare."""

    def __init__(self, name: str) -> None:
        self.per_account = Limit(f"{name}-account", tries=10, window=15 * 60)
        self.per_address = Limit(f"{name}-address", tries=30, window=60 * 60)

    def _who(self, request: HttpRequest) -> list[tuple[Limit, str]]:
        who = [(self.per_address, client_address(request))]
        # Signed out there is no account: counting those tries under the account "None"
        # would let ten wrong links from anywhere pause everyone signed out. They count
        # per address only.
        if request.user.is_authenticated:
            who.append((self.per_account, str(request.user.pk)))
        return who

    def exceeded(self, request: HttpRequest) -> bool:
        return any(limit.exceeded(who) for limit, who in self._who(request))

    def fail(self, request: HttpRequest) -> None:
        for limit, who in self._who(request):
            limit.fail(who)
