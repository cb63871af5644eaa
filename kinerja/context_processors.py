"""Template context shared by every page: the signed-in user's main position."""

from . import permissions


def current_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.core.cache import cache

    from .fragments import data_mark
    from .models import Disposition

    position = permissions.primary_position(user)
    # The badge is counted again only when some data changed (see fragments.data_mark).
    unread = cache.get_or_set(
        f"unread:{user.pk}:{data_mark(request)}",
        lambda: Disposition.objects.filter(recipient=user, read_at__isnull=True, withdrawn_at__isnull=True).count(),
        3600,
    )
    return {"current_position": position, "is_admin": permissions.is_admin(user), "unread_dispositions": unread}
