from django.urls import path

from .views import cycles, data, home, letters, master, sop

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
    path("siklus/<int:pk>/seksi/<slug:code>/", data.section_data, name="section_data"),
    path("siklus/<int:pk>/seksi/<slug:code>/templat/<slug:kind>/", data.section_template, name="section_template"),
    path("siklus/<int:pk>/seksi/<slug:code>/unggah/", data.section_upload, name="section_upload"),
    path("siklus/<int:pk>/seksi/<slug:code>/serahkan/", data.section_hand_in, name="section_hand_in"),
    path("siklus/<int:pk>/seksi/<slug:code>/berkas/<int:submission>/", data.submission_file, name="submission_file"),
    path("siklus/<int:pk>/seksi/<slug:code>/bukti/", data.section_evidence, name="section_evidence"),
    path("siklus/<int:pk>/seksi/<slug:code>/bukti/<int:evidence>/", data.evidence_file, name="evidence_file"),
    path("siklus/<int:pk>/penerimaan/", data.receipt, name="receipt"),
    path("siklus/<int:pk>/kelengkapan/", data.completeness_check, name="completeness"),
    path("indikator/", master.indicator_list, name="indicator_list"),
    path("indikator/baru/", master.indicator_edit, name="indicator_create"),
    path("indikator/<int:pk>/ubah/", master.indicator_edit, name="indicator_edit"),
    path("indikator/impor/", master.indicator_import, name="indicator_import"),
    path("indikator/ekspor/", master.indicator_export, name="indicator_export"),
    path("indikator/sasaran/", master.objective_save, name="objective_save"),
    path("surat/", letters.letter_list, name="letter_list"),
    path("surat/baru/", letters.letter_create, name="letter_create"),
    path("surat/<int:pk>/", letters.letter_detail, name="letter_detail"),
    path("surat/<int:pk>/lampiran/", letters.letter_attachment, name="letter_attachment"),
    path("surat/<int:pk>/disposisi/", letters.letter_dispose, name="letter_dispose"),
    path("surat/<int:pk>/lembar-disposisi/", letters.letter_sheet, name="letter_sheet"),
    path("disposisi/<int:pk>/terima/", letters.disposition_acknowledge, name="disposition_acknowledge"),
    path("disposisi/<int:pk>/tarik/", letters.disposition_withdraw, name="disposition_withdraw"),
]
