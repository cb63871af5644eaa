"""Which organisation owns a row. One map, read by the admin's scoping, the audit trail and the
data marks that keep page parts fresh (kinerja.fragments): a rule about ownership is written here
only."""

from __future__ import annotations

from . import models as m

# How each model reaches the organisation that owns it ("" for the organisation itself). A model
# missing here belongs to the whole installation: every administrator reads it, only the
# superuser changes it.
ORGANISATION_PATHS = {
    m.Organisation: "",
    m.Section: "organisation",
    m.Position: "organisation",
    m.SopVersion: "organisation",
    m.SopStep: "version__organisation",
    m.WorkSchedule: "organisation",
    m.WorkingHours: "schedule__organisation",
    m.HolidayCorrection: "organisation",
    m.Letter: "organisation",
    m.Cycle: "organisation",
    m.StepRun: "cycle__organisation",
    m.TransitionLog: "cycle__organisation",
    m.Notice: "organisation",
    m.DispositionInstruction: "organisation",
    m.Disposition: "letter__organisation",
    m.StoredFile: "organisation",
    m.StrategicObjective: "organisation",
    m.Indicator: "organisation",
    m.Target: "indicator__organisation",
    m.Obligation: "cycle__organisation",
    m.Submission: "cycle__organisation",
    m.Evidence: "cycle__organisation",
    m.NoDataMark: "cycle__organisation",
    m.ReceiptConfirmation: "run__cycle__organisation",
    m.CompletenessCheck: "run__cycle__organisation",
    m.CapaianCategory: "organisation",
    m.OfficeFigure: "cycle__organisation",
    m.Explanation: "cycle__organisation",
    m.Narrative: "cycle__organisation",
    m.GroupingReport: "run__cycle__organisation",
    m.ReviewNote: "run__cycle__organisation",
    m.PerformanceRecord: "organisation",
    m.Amendment: "record__organisation",
    m.CycleArchive: "cycle__organisation",
    m.IssuedDocument: "organisation",
    m.DocumentJob: "organisation",
    m.FilingJob: "cycle__organisation",
    m.BudgetItem: "organisation",
    m.BaselineFigure: "organisation",
    m.ReportText: "organisation",
    # A kabupaten's token has no kecamatan: only the superuser sees it (and its calls).
    m.ApiToken: "organisation",
    m.ApiCall: "token__organisation",
}

# Rows of the kabupaten level (the kabupaten, its coordinators): no kecamatan owns them, and no
# kecamatan's administrator reads them (the admin, the audit trail): the superuser's only.
KABUPATEN_LEVEL = (m.Kabupaten, m.Coordinator)


def owning_organisation(obj) -> int | None:
    """The id of the organisation `obj` belongs to, following its path; None for
    installation-wide data, a user, or a row whose parent is gone."""
    path = ORGANISATION_PATHS.get(type(obj))
    if path is None:
        return None
    if path == "":
        return obj.pk
    *hops, last = path.split("__")
    for hop in hops:
        obj = getattr(obj, hop, None)  # a missing parent raises a subclass of AttributeError
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def organisations_owning(obj) -> set[int]:
    """Every organisation whose pages can show `obj`: its owner, or for a user the organisations
    where they hold (or held) a position. Empty when the row belongs to the whole installation."""
    if isinstance(obj, m.User):
        return set(m.Position.objects.filter(user_id=obj.pk).values_list("organisation_id", flat=True))
    owner = owning_organisation(obj)
    return set() if owner is None else {owner}
