from django.urls import path

from .views import cycles, home, sop

app_name = "kinerja"

urlpatterns = [
    path("", home.home, name="home"),
    path("sop/", sop.sop_list, name="sop_list"),
    path("sop/<int:pk>/", sop.sop_detail, name="sop_detail"),
    path("sop/<int:pk>/pdf/", sop.sop_pdf, name="sop_pdf"),
    path("siklus/", cycles.cycle_list, name="cycle_list"),
    path("siklus/baru/", cycles.cycle_start, name="cycle_start"),
    path("siklus/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("siklus/<int:pk>/tindakan/", cycles.cycle_act, name="cycle_act"),
    path("siklus/<int:pk>/batal/", cycles.cycle_cancel, name="cycle_cancel"),
    path("statistik/", cycles.step_statistics, name="statistics"),
]
