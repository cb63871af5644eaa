"""Admin site: master data the administrator maintains, every model with its history."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Amendment,
    CapaianCategory,
    CompletenessCheck,
    Cycle,
    CycleArchive,
    DataKind,
    Disposition,
    DispositionInstruction,
    Evidence,
    Explanation,
    GroupingReport,
    HolidayCorrection,
    Indicator,
    Letter,
    Narrative,
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

admin.site.site_header = "Administrasi Sistem Kinerja Kecamatan"
admin.site.site_title = "Sistem Kinerja"
admin.site.index_title = "Data induk dan pengaturan"


class PositionInline(admin.TabularInline):
    model = Position
    fk_name = "user"
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (("Kepegawaian", {"fields": ("nip", "second_factor")}),)
    list_display = ("username", "first_name", "nip", "email", "is_active", "second_factor")
    list_filter = ("is_active", "second_factor", "is_superuser")
    readonly_fields = ("second_factor",)
    inlines = [PositionInline]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "government")
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "code", "kind", "organisation", "active")
    list_filter = ("organisation", "kind", "active")


@admin.register(Position)
class PositionAdmin(SimpleHistoryAdmin):
    list_display = ("user", "title", "role", "section", "start_date", "end_date")
    list_filter = ("organisation", "role")
    search_fields = ("user__username", "user__first_name", "title")


class SopStepInline(admin.StackedInline):
    model = SopStep
    extra = 0


@admin.register(SopVersion)
class SopVersionAdmin(SimpleHistoryAdmin):
    list_display = ("name", "number", "effective_date", "organisation")
    inlines = [SopStepInline]


@admin.register(SopStep)
class SopStepAdmin(SimpleHistoryAdmin):
    list_display = ("number", "short_name", "actor_role", "duration_amount", "duration_unit", "version")
    list_filter = ("version",)


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    extra = 0


@admin.register(WorkSchedule)
class WorkScheduleAdmin(SimpleHistoryAdmin):
    list_display = ("name", "organisation", "valid_from", "valid_to")
    inlines = [WorkingHoursInline]


@admin.register(HolidayCorrection)
class HolidayCorrectionAdmin(SimpleHistoryAdmin):
    list_display = ("date", "name", "kind", "organisation")
    list_filter = ("organisation", "kind")


@admin.register(Letter)
class LetterAdmin(SimpleHistoryAdmin):
    list_display = ("number", "date", "sender", "subject", "nature")
    search_fields = ("number", "subject", "sender")


class ReadOnlyMixin:
    """Workflow records change only through kinerja.workflow; the admin may read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, SimpleHistoryAdmin):
    pass


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "status", "started_at")
    list_filter = ("organisation", "status")


@admin.register(StepRun)
class StepRunAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "step", "section", "round", "opened_at", "due_at", "closed_at", "outcome")
    list_filter = ("cycle",)


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("at", "cycle", "actor", "action", "from_step", "to_steps", "outcome")
    list_filter = ("cycle",)


@admin.register(DispositionInstruction)
class DispositionInstructionAdmin(SimpleHistoryAdmin):
    list_display = ("label", "order", "active", "organisation")
    list_filter = ("organisation", "active")
    list_editable = ("order", "active")


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdmin):
    list_display = ("letter", "sender", "recipient", "created_at", "read_at", "acknowledged_at", "withdrawn_at")
    search_fields = ("letter__number", "sender__username", "recipient__username")


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    exclude = ("file",)  # files are downloaded through the access-checked views only


@admin.register(DataKind)
class DataKindAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "order")


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "organisation")
    list_filter = ("organisation",)


class TargetInline(admin.TabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "unit", "polarity", "section", "parent", "is_iku", "active")
    list_filter = ("organisation", "section", "is_iku", "polarity")
    search_fields = ("code", "name")
    inlines = [TargetInline]


@admin.register(Obligation)
class ObligationAdmin(SimpleHistoryAdmin):
    list_display = ("cycle", "section", "kind")
    list_filter = ("kind",)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "section", "kind", "version", "status", "uploaded_by", "uploaded_at", "source")
    list_filter = ("status", "kind", "source")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "section", "indicator", "url", "uploaded_by", "uploaded_at")


@admin.register(ReceiptConfirmation)
class ReceiptConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("run", "confirmed_by", "confirmed_at")


@admin.register(CompletenessCheck)
class CompletenessCheckAdmin(ReadOnlyAdmin):
    list_display = ("run", "section", "complete", "checked_by", "checked_at")


@admin.register(CapaianCategory)
class CapaianCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("label", "lower_bound", "organisation")
    list_filter = ("organisation",)


@admin.register(OfficeFigure)
class OfficeFigureAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "indicator", "quarter", "value", "entered_by", "entered_at")


@admin.register(Explanation)
class ExplanationAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "key", "explained_by", "explained_at")


@admin.register(Narrative)
class NarrativeAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "indicator", "objective", "updated_by", "updated_at")


@admin.register(GroupingReport)
class GroupingReportAdmin(ReadOnlyAdmin):
    list_display = ("run", "groupings", "created_by", "created_at")


@admin.register(ReviewNote)
class ReviewNoteAdmin(ReadOnlyAdmin):
    list_display = ("run", "topic", "indicator", "quarter", "created_by", "created_at")


@admin.register(PerformanceRecord)
class PerformanceRecordAdmin(ReadOnlyAdmin):
    """Filed data are locked: read here, corrected only through an amendment on the database page."""

    list_display = ("code", "year", "quarter", "target", "realisation", "capaian", "category", "filed_at")
    list_filter = ("organisation", "year", "quarter")
    search_fields = ("code", "name")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    list_display = ("record", "field", "old_value", "new_value", "approver", "created_by", "created_at")


@admin.register(CycleArchive)
class CycleArchiveAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "created_by", "created_at")
