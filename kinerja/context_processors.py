"""Template context shared by every page: the signed-in user's main position."""

from . import permissions


def current_roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .models import Disposition

    position = permissions.primary_position(user)
    unread = Disposition.objects.filter(recipient=user, read_at__isnull=True, withdrawn_at__isnull=True).count()
    return {"current_position": position, "is_admin": permissions.is_admin(user), "unread_dispositions": unread}
