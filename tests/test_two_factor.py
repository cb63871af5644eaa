"""Two-factor sign-in: required for the Camat, the Sekretaris and the administrator, offered to
everyone; a TOTP authenticator with one-time recovery codes."""

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from kinerja import demo

pytestmark = pytest.mark.two_factor


def sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": demo.demo_password(username)}, follow=True)


def unthrottle(user):
    """django-otp makes each device wait 2^(n-1) s after n failures; the tests do not wait."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.throttle_reset()


def code_for(device: TOTPDevice, offset: int = 0) -> str:
    """The device's code `offset` steps ahead, counting the clock drift django-otp learnt from
    the last accepted code (a code typed just before a 30-second boundary teaches it a drift)."""
    device.refresh_from_db()
    drift = device.drift + offset
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=drift):06d}"


@pytest.mark.parametrize("username", ["camat", "sekcam", "admin"])
def test_the_roles_with_authority_must_set_up_two_factor_first(client, klego, username, settings):
    settings.TWO_FACTOR_ENFORCED = True
    response = sign_in(client, username)
    assert response.redirect_chain[-1][0] == reverse("two_factor_setup")
    assert client.get(reverse("kinerja:cycle_list")).status_code == 302
    assert 'data-testid="qr"' in response.content.decode() and "<svg" in response.content.decode()


def test_other_roles_are_offered_but_not_forced(client, klego, settings):
    settings.TWO_FACTOR_ENFORCED = True
    response = sign_in(client, "staf.pem")
    assert response.redirect_chain[-1][0] == reverse("kinerja:home")
    assert client.get(reverse("two_factor_setup")).status_code == 200


def test_setting_up_verifying_and_recovering(client, klego, settings):
    settings.TWO_FACTOR_ENFORCED = True
    sign_in(client, "camat")
    device = TOTPDevice.objects.get(user=klego.camat)
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "Kode tidak cocok" in wrong.content.decode()
    unthrottle(klego.camat)
    page = client.post(reverse("two_factor_setup"), {"code": code_for(device)}).content.decode()
    codes = list(StaticToken.objects.filter(device__user=klego.camat).values_list("token", flat=True))
    assert len(codes) == 10 and all(code in page for code in codes)
    assert client.get(reverse("kinerja:cycle_list")).status_code == 200
    # A new sign-in asks for the code; a wrong one is refused, a recovery code works once.
    client.logout()
    response = sign_in(client, "camat")
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("kinerja:home")).status_code == 302
    refused = client.post(reverse("two_factor_verify"), {"code": "123456"})
    assert "Kode salah atau sudah dipakai" in refused.content.decode()
    unthrottle(klego.camat)
    assert client.post(reverse("two_factor_verify"), {"code": codes[0], "next": "/siklus/"})["Location"] == "/siklus/"
    client.logout()
    sign_in(client, "camat")
    assert "Kode salah" in client.post(reverse("two_factor_verify"), {"code": codes[0]}).content.decode()
    unthrottle(klego.camat)
    # The authenticator's code works (the next time step, since the last one was used).
    device.refresh_from_db()
    accepted = client.post(reverse("two_factor_verify"), {"code": code_for(device, offset=1), "next": "/"})
    assert accepted.status_code == 302 and accepted["Location"] == "/"


def test_an_open_redirect_after_verification_is_refused(client, klego, settings):
    settings.TWO_FACTOR_ENFORCED = True
    sign_in(client, "camat")
    device = TOTPDevice.objects.get(user=klego.camat)
    client.post(reverse("two_factor_setup"), {"code": code_for(device)})
    client.logout()
    sign_in(client, "camat")
    response = client.post(
        reverse("two_factor_verify"), {"code": code_for(device, offset=1), "next": "https://jahat.example/"}
    )
    assert response["Location"] == reverse("kinerja:home")


def test_the_users_second_factor_flag_follows_their_devices(klego):
    """Page requests read User.second_factor instead of querying the devices every time."""
    from infra import twofactor

    user = klego.staf_pem
    unconfirmed = TOTPDevice.objects.create(user=user, name="baru", confirmed=False)
    user.refresh_from_db()
    assert not user.second_factor
    unconfirmed.confirmed = True
    unconfirmed.save()
    user.refresh_from_db()
    assert user.second_factor
    twofactor.disable(user)
    user.refresh_from_db()
    assert not user.second_factor and not twofactor.has_device(user)


@pytest.mark.parametrize("url_name", ["password_change", "password_change_done"])
def test_the_password_cannot_be_changed_with_the_first_factor_only(client, klego, settings, url_name):
    """A stolen password alone must not be enough to change it: the account pages wait for the
    second factor like every other page (only sign-in, sign-out and the 2FA pages do not)."""
    settings.TWO_FACTOR_ENFORCED = True
    TOTPDevice.objects.create(user=klego.camat, name="aplikasi autentikator", confirmed=True)
    sign_in(client, "camat")
    response = client.get(reverse(url_name))
    assert response.status_code == 302 and response.url.startswith(reverse("two_factor_verify"))
    client.post(
        reverse("password_change"),
        {"old_password": demo.demo_password("camat"), "new_password1": "Pencuri-2026-baru", "new_password2":
         "Pencuri-2026-baru"},
    )  # fmt: skip
    klego.camat.refresh_from_db()
    assert klego.camat.check_password(demo.demo_password("camat"))
    assert client.get(reverse("logout")).status_code == 405  # sign-out stays open (by POST)
    assert client.get(reverse("two_factor_verify")).status_code == 200
