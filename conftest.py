"""Root conftest: keeps test module names from clashing and makes the suite fast."""

import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_off_unless_asked(settings, request):
    """Most tests sign in with force_login; the two-factor tests switch enforcement back on."""
    if "two_factor" not in request.keywords:
        settings.TWO_FACTOR_ENFORCED = False


@pytest.fixture(autouse=True)
def _fresh_calendars():
    """A test's rolled-back holiday or schedule must not live on in the display calendar cache."""
    from kinerja.calendar import forget_cached

    forget_cached()
    yield
    forget_cached()
