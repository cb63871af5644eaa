"""Which organisation owns a row. One map, read by the admin's scoping, the audit trail and the
data marks that keep page parts fresh (kinerja.fragments): a rule about ownership is written here
only."""

from __future__ import annotations

from .models import (
    Amendment,
    CapaianCategory,
    CompletenessCheck,
    Cycle,
    CycleArchive,
    Disposition,
    DispositionInstruction,
    Evidence,
    Explanation,
    GroupingReport,
    HolidayCorrection,
    Indicator,
    Letter,
    Narrative,
    NoDataMark,
    Obligation,
    OfficeFigure,
    Organisation,
    PerformanceRecord,
    Position,
    ReceiptConfirmation,
    ReviewNote,
    Section,
    SopStep,
    SopVersion,
    StepRun,
    StoredFile,
    StrategicObjective,
    Submission,
    Target,
    TransitionLog,
    User,
    WorkingHours,
    WorkSchedule,
)

# How each model reaches the organisation that owns it ("" for the organisation itself). A model
# missing here belongs to the whole installation: every administrator reads it, only the
# superuser changes it.
ORGANISATION_PATHS = {
    Organisation: "",
    Section: "organisation",
    Position: "organisation",
    SopVersion: "organisation",
    SopStep: "version__organisation",
    WorkSchedule: "organisation",
    WorkingHours: "schedule__organisation",
    HolidayCorrection: "organisation",
    Letter: "organisation",
    Cycle: "organisation",
    StepRun: "cycle__organisation",
    TransitionLog: "cycle__organisation",
    DispositionInstruction: "organisation",
    Disposition: "letter__organisation",
    StoredFile: "organisation",
    StrategicObjective: "organisation",
    Indicator: "organisation",
    Target: "indicator__organisation",
    Obligation: "cycle__organisation",
    Submission: "cycle__organisation",
    Evidence: "cycle__organisation",
    NoDataMark: "cycle__organisation",
    ReceiptConfirmation: "run__cycle__organisation",
    CompletenessCheck: "run__cycle__organisation",
    CapaianCategory: "organisation",
    OfficeFigure: "cycle__organisation",
    Explanation: "cycle__organisation",
    Narrative: "cycle__organisation",
    GroupingReport: "run__cycle__organisation",
    ReviewNote: "run__cycle__organisation",
    PerformanceRecord: "organisation",
    Amendment: "record__organisation",
    CycleArchive: "cycle__organisation",
}


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
    if isinstance(obj, User):
        return set(Position.objects.filter(user_id=obj.pk).values_list("organisation_id", flat=True))
    owner = owning_organisation(obj)
    return set() if owner is None else {owner}
