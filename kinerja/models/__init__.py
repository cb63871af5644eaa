"""Models of Sistem Kinerja Kecamatan, one module per area."""

from .analysis import CapaianCategory, Explanation, GroupingReport, Narrative, OfficeFigure
from .api import ApiCall, ApiToken
from .baseline import BaselineFigure
from .budget import BudgetItem
from .cycle import Cycle, StepRun, TransitionLog
from .documents import DocumentJob, FilingJob, IssuedDocument
from .kabupaten import Coordinator, Kabupaten
from .letters import Disposition, DispositionInstruction, Letter, StoredFile
from .marks import DataMark
from .notices import Notice
from .organisation import LoginAttempt, Organisation, Position, Role, Section, User
from .performance import (
    CompletenessCheck,
    DataKind,
    Evidence,
    Indicator,
    NoDataMark,
    Obligation,
    ReceiptConfirmation,
    StrategicObjective,
    Submission,
    SubmissionRow,
    Target,
)
from .report_text import ReportText
from .review import Amendment, CycleArchive, PerformanceRecord, ReviewNote, ReviewSnapshot
from .sop import SopStep, SopVersion
from .worktime import HolidayCorrection, WorkingHours, WorkSchedule

__all__ = [
    "Amendment",
    "ApiCall",
    "ApiToken",
    "ReportText",
    "BaselineFigure",
    "BudgetItem",
    "CycleArchive",
    "PerformanceRecord",
    "ReviewNote",
    "ReviewSnapshot",
    "CapaianCategory",
    "Explanation",
    "GroupingReport",
    "Narrative",
    "OfficeFigure",
    "CompletenessCheck",
    "DataKind",
    "Evidence",
    "Indicator",
    "NoDataMark",
    "Obligation",
    "ReceiptConfirmation",
    "StrategicObjective",
    "Submission",
    "SubmissionRow",
    "Target",
    "Coordinator",
    "Cycle",
    "Kabupaten",
    "DataMark",
    "DocumentJob",
    "FilingJob",
    "Disposition",
    "DispositionInstruction",
    "HolidayCorrection",
    "IssuedDocument",
    "Letter",
    "LoginAttempt",
    "Notice",
    "Organisation",
    "Position",
    "Role",
    "Section",
    "SopStep",
    "SopVersion",
    "StepRun",
    "StoredFile",
    "TransitionLog",
    "User",
    "WorkSchedule",
    "WorkingHours",
]
