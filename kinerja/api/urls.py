from django.contrib.auth.decorators import login_not_required
from django.urls import path
from drf_spectacular.views import SpectacularAPIView

from . import views

app_name = "api"


def _open(view):
    """The API signs in by token, not by session: Django's sign-in redirect does not apply."""
    return login_not_required(view)


urlpatterns = [
    path("skema/", _open(SpectacularAPIView.as_view(api_version="v1")), name="schema"),
    path("organisasi/", _open(views.OrganisationList.as_view()), name="organisations"),
    path("indikator/", _open(views.IndicatorList.as_view()), name="indicators"),
    path("siklus/", _open(views.CycleList.as_view()), name="cycles"),
    path("data-kinerja/", _open(views.RecordList.as_view()), name="records"),
    path("amandemen/", _open(views.AmendmentList.as_view()), name="amendments"),
]
