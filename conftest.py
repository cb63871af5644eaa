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
def _fresh_caches():
    """A rolled-back test leaves its data in no cache: the display calendar, and the page parts
    kept by data mark (history ids restart after a rollback, so a mark could come again)."""
    from django.core.cache import cache

    from kinerja.engine.calendar import forget_cached

    forget_cached()
    cache.clear()
    yield
    forget_cached()
    cache.clear()
