"""Models of Sistem Kinerja Kecamatan, one module per area."""

from .cycle import Cycle, Letter, StepRun, TransitionLog
from .organisation import Organisation, Position, Role, Section, User
from .sop import SopStep, SopVersion
from .worktime import HolidayCorrection, WorkingHours, WorkSchedule

__all__ = [
    "Cycle",
    "HolidayCorrection",
    "Letter",
    "Organisation",
    "Position",
    "Role",
    "Section",
    "SopStep",
    "SopVersion",
    "StepRun",
    "TransitionLog",
    "User",
    "WorkSchedule",
    "WorkingHours",
]
