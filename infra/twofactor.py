"""Two-factor sign-in with an authenticator app (TOTP, django-otp) and one-time recovery codes."""

from __future__ import annotations

import base64

import segno
from django.conf import settings
from django_otp import devices_for_user, match_token
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinerja import permissions
from kinerja.models import User

RECOVERY_CODES = 10
TOTP_NAME = "aplikasi autentikator"
RECOVERY_NAME = "kode pemulihan"


def is_verified(request) -> bool:
    user = request.user
    return bool(getattr(user, "is_verified", lambda: False)())


def has_device(user) -> bool:
    """Whether the user has a confirmed authenticator or recovery codes (one query). Page
    requests read the copy kept on the user row instead (`User.second_factor`)."""
    return _has_device(user.pk)


def _has_device(user_id: int) -> bool:
    authenticators = TOTPDevice.objects.filter(user_id=user_id, confirmed=True).values("pk")
    recovery = StaticDevice.objects.filter(user_id=user_id, confirmed=True).values("pk")
    return authenticators.union(recovery).exists()


def sync_second_factor(sender, instance, **kwargs) -> None:
    """After a device is saved or deleted: keep `User.second_factor` true to the devices. (An
    update, not a save: a derived flag, not a change anyone made to the account.)"""
    User.objects.filter(pk=instance.user_id).update(second_factor=_has_device(instance.user_id))


def required_for(user) -> bool:
    """Camat, Sekretaris, administrators and kabupaten coordinators must use two factors."""
    if user.is_superuser:
        return True
    roles = {p.role for p in permissions.positions_of(user)}
    if roles & set(settings.TWO_FACTOR_REQUIRED_ROLES):
        return True
    # A kabupaten coordinator reads every kecamatan of the kabupaten.
    return not roles and permissions.coordinates_today(user)


def pending_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up (made once, reused on reload)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)


def secret_for_display(device: TOTPDevice) -> str:
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth URL as an SVG QR code (markup only, no script, no inline style)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#000")


def confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the authenticator with its first code; returns fresh recovery codes, or None when
    the code is wrong."""
    if not device.verify_token((code or "").replace(" ", "")):
        return None
    device.confirmed = True
    device.save()
    otp_login(request, device)
    return new_recovery_codes(request.user)


def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with fresh ones (each works once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY_NAME, defaults={"confirmed": True})
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    for code in codes:
        device.token_set.create(token=code)
    return codes


def verify(request, code: str) -> bool:
    """Accept an authenticator code or a recovery code (which is then used up)."""
    device = match_token(
        request.user, (code or "").replace(" ", "").lower() if len((code or "").strip()) > 6 else (code or "").strip()
    )
    if device is None:
        return False
    otp_login(request, device)
    return True


def disable(user) -> None:
    for device in devices_for_user(user, confirmed=None):
        device.delete()
