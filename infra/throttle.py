"""Sign-in throttling against password guessing: too many failures for one account, or from one
address, lock further attempts for a cool-off period (not for ever, and not by address alone)."""

from __future__ import annotations

import datetime
import ipaddress

from django.conf import settings
from django.utils import timezone

from kinerja.models import LoginAttempt


def client_address(request) -> str | None:
    """The client's address: behind our nginx (BEHIND_PROXY=1) the X-Real-IP it sets, since every
    request then comes from 127.0.0.1; otherwise the connection's address. A header that is not
    an IP address (nginx never sends one; a client reaching the server directly might) is ignored
    in favour of the connection's address."""
    if getattr(settings, "BEHIND_PROXY", False):
        forwarded = _ip(request.META.get("HTTP_X_REAL_IP"))
        if forwarded:
            return forwarded
    return _ip(request.META.get("REMOTE_ADDR"))


def _ip(value) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value or "").strip()))
    except ValueError:
        return None


def _since() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def locked_minutes(username: str, address: str | None) -> int:
    """Minutes until this account/address may try again (0: not locked)."""
    since = _since()
    recent = LoginAttempt.objects.filter(at__gte=since)
    blockers = []
    by_account = recent.filter(username__iexact=username or "").order_by("-at")
    if username and by_account.count() >= settings.LOGIN_FAILURES_PER_ACCOUNT:
        blockers.append(by_account[settings.LOGIN_FAILURES_PER_ACCOUNT - 1].at)
    if address:
        by_address = recent.filter(address=address).order_by("-at")
        if by_address.count() >= settings.LOGIN_FAILURES_PER_ADDRESS:
            blockers.append(by_address[settings.LOGIN_FAILURES_PER_ADDRESS - 1].at)
    if not blockers:
        return 0
    unlock = min(blockers) + datetime.timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)
    return max(1, int((unlock - timezone.now()).total_seconds() // 60) + 1)


def record_failure(username: str, address: str | None) -> None:
    """Keep the failure for the lock-out window; older ones count for nothing and are pruned."""
    LoginAttempt.objects.filter(at__lt=_since()).delete()
    LoginAttempt.objects.create(username=(username or "")[:150], address=address, at=timezone.now())
