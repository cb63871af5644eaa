"""Template context shared by every page: the signed-in user's main position and the organisation
the page speaks for (its name in the title and the footer)."""

from django.core.cache import cache

from . import permissions
from .fragments import data_mark
from .models import Disposition, Notice, Organisation


def current_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        # The sign-in page: the installation's one organisation, if it has only one.
        only = list(Organisation.objects.order_by("pk")[:2])
        return {"site_organisation": only[0] if len(only) == 1 else None}
    position = permissions.primary_position(user)
    # A coordinator holds no position: the footer names the kabupaten they read instead.
    kabupaten = permissions.coordinated_kabupaten(user) if position is None and not user.is_superuser else []
    coordinator = position is None and (user.is_superuser or bool(kabupaten))
    # The badges are counted again only when some data changed (see fragments.data_mark) or the
    # user's notices did (User.notice_stamp moves with them).
    unread, notices = cache.get_or_set(
        f"unread:{user.pk}:{data_mark(request)}:{user.notice_stamp}",
        lambda: (
            Disposition.objects.filter(recipient=user, read_at__isnull=True, withdrawn_at__isnull=True).count(),
            Notice.objects.filter(user=user, read_at__isnull=True).count(),
        ),
        3600,
    )
    return {
        "current_position": position,
        "site_organisation": position.organisation if position else None,
        "site_kabupaten": " · ".join(k.name for k in kabupaten),
        "is_admin": permissions.is_admin(user),
        # A kabupaten coordinator holds no kecamatan position: only such accounts are asked, and
        # the menu shows them the kabupaten's pages instead of a kecamatan's.
        "is_coordinator": coordinator,
        "kecamatan_menu": not coordinator or user.is_superuser,
        "unread_dispositions": unread,
        "unread_notices": notices,
    }
