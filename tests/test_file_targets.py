"""Targets written in a section's file that are not the master data's: the section measures
against one target and the office against another, and their capaian disagree in silence. Step
5's checklist names each one (a finding for the Kasubag, who decides). A summed indicator's
targets written the other way (each quarter's own where the master data holds running totals)
are the same targets. Demo 2026: PEM-01 13 every quarter; KES-01 s.d. 3 / 7 / 12 / 16 (its own
3 / 4 / 5 / 4), annual 16."""

from kinerja import scenario
from kinerja.models import SopStep
from kinerja.steps import completeness

from .conftest import MONDAY, start, uploaded_to, workbook_bytes

HEADER = ["Kode", "Target tahunan", "Target TW II", "Target TW IV", "Realisasi TW I", "Realisasi TW II",
          "Realisasi TW III", "Realisasi TW IV"]  # fmt: skip


def _checks(cast, data):
    cycle = uploaded_to(cast, data, header=HEADER, until=SopStep.Kind.COMPLETENESS)
    return {code: {c.code: c for c in completeness.automatic_checks(cycle, cast.sections[code])} for code in data}


def test_a_target_in_the_file_other_than_the_master_datas_is_named_at_step_5(klego_data):
    checks = _checks(
        klego_data,
        {
            "pem": [["PEM-01", 13, 13, 15, 13, 12, 13, 13], ["PEM-02", 100, 100, 100, 100, 92, 100, 100]],
            "kesos": [["KES-01", 20, 4, 16, 3, 7, 12, 16], ["KES-02", None, None, None, 25, 50, 75, 95]],
        },
    )
    item = checks["pem"]["target_berkas"]
    assert (item.ok, item.details) == (False, ["PEM-01 TW IV: target di berkas 15 (sel D2), data induk 13"])
    item = checks["kesos"]["target_berkas"]  # TW II 4 is KES-01's own TW II target: the same target
    assert (item.ok, item.details) == (False, ["KES-01 tahunan: target di berkas 20 (sel B2), data induk 16"])


def test_targets_as_the_master_data_or_none_in_the_file_pass(klego_data):
    checks = _checks(
        klego_data, {"pem": [["PEM-01", 13, 13, 13, 13, 12, 13, 13], ["PEM-02", None, None, None, 100, 92, 100, 100]]}
    )
    assert (checks["pem"]["target_berkas"].ok, checks["pem"]["target_berkas"].details) == (True, [])


def test_step_5_measures_plausibility_against_the_same_targets_as_the_upload(klego_data):
    """KES-01 s.d. 3 / 7 / 12 / 60: TW IV's own 48 is 12× its own target 4 (16 − 12). The upload
    refuses it until confirmed; step 5 lists it with the confirmation. Measured against the running
    target 16 (or a target the file writes), step 5 let it pass."""
    from kinerja.models import DataKind, Submission
    from kinerja.steps import submissions

    cycle = start(klego_data, sections=[klego_data.sections["kesos"]])

    def on_collection(run, staff):
        header = ["Kode", "Target TW IV", "Realisasi TW I", "Realisasi TW II", "Realisasi TW III", "Realisasi TW IV"]
        outcome = submissions.submit(
            cycle=cycle, section=run.section, kind=DataKind.objects.get(code="realisasi"), by=staff,
            data=workbook_bytes([header, ["KES-01", 1000, 3, 7, 12, 60], ["KES-02", None, 25, 50, 75, 95]]),
            filename="kesos.xlsx",
        )  # fmt: skip
        assert outcome.submission.status == "ditolak"
        submissions.confirm_values(outcome.submission, reason="Program tambahan di TW IV", by=staff)

    scenario.take_cycle_to(cycle, SopStep.Kind.COMPLETENESS, at=lambda run: MONDAY, on_collection=on_collection)
    latest = Submission.objects.filter(section=klego_data.sections["kesos"]).latest("version")
    assert (latest.version, latest.status) == (3, "diterima")  # the scenario's own file, ours refused, confirmed
    item = {c.code: c for c in completeness.automatic_checks(cycle, klego_data.sections["kesos"])}["wajar"]
    assert item.details == [
        "KES-01 TW IV: realisasi 48 lebih dari 10× target 4",
        "dipastikan benar oleh seksi pada versi 3: Program tambahan di TW IV",
    ]
