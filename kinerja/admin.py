"""Admin site: master data the administrator maintains, every model with its history.

Every page of it obeys two rules the application's pages obey too:
- An administrator sees and manages only the organisations their Administrator position is in
  (querysets, foreign-key choices, filters, object pages); only the installation-wide superuser
  crosses kecamatan (`permissions.administered_organisations`).
- What the workflow owns (cycles, step runs, letters, dispositions, uploads, reviews, the filed
  database, archives) is read here and never written: no add, change, delete, bulk action, or
  revert from a history page (django-simple-history's history form saves on POST after checking
  view permission only, so it is refused here for every model). An SOP version that any cycle
  runs on is read-only too: a change is a new version.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.utils import timezone
from simple_history.admin import SimpleHistoryAdmin

from . import permissions, uploads
from .models import (
    Amendment,
    ApiCall,
    ApiToken,
    BudgetItem,
    CapaianCategory,
    CompletenessCheck,
    Coordinator,
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
    IssuedDocument,
    Kabupaten,
    Letter,
    Narrative,
    NoDataMark,
    Notice,
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
from .models.organisation import BEGUN_NOT_DELETED, FIXED_ONCE_BEGUN
from .ownership import ORGANISATION_PATHS, owning_organisation


def scoped(queryset, user):
    """The rows of `queryset` that belong to the organisations `user` administers."""
    organisations = permissions.administered_organisations(user)
    if organisations is None:
        return queryset
    model = queryset.model
    if model is User:
        return queryset.filter(pk__in=_visible_user_ids(organisations))
    path = ORGANISATION_PATHS.get(model)
    if path is None:
        return queryset  # installation-wide data: read by all, changed by the superuser only
    return queryset.filter(**{f"{path}__in" if path else "pk__in": organisations})


def _visible_user_ids(organisations: set[int]):
    """Users holding (or having held) a position in one of these organisations, and accounts
    without any position yet (just created, waiting for theirs); never a kabupaten coordinator's
    account (it reads every kecamatan of its kabupaten: a kecamatan's administrator who could set
    its password would read them too)."""
    return User.objects.filter(
        Q(positions__organisation__in=organisations) | Q(positions__isnull=True),
        is_superuser=False,
        coordinator_roles__isnull=True,
    ).values("pk")


def administers(user, obj) -> bool:
    """May `user` manage `obj` (an instance of any model registered here)?"""
    organisations = permissions.administered_organisations(user)
    if organisations is None:
        return True
    if isinstance(obj, User):
        held = set(obj.positions.values_list("organisation_id", flat=True))
        return not obj.is_superuser and held <= organisations and not permissions.is_coordinator_account(obj)
    if type(obj) not in ORGANISATION_PATHS:
        return False  # installation-wide data
    return owning_organisation(obj) in organisations


class ScopedMixin:
    """Querysets, object permissions and foreign-key choices limited to the organisations the
    signed-in administrator administers."""

    def get_queryset(self, request):
        return scoped(super().get_queryset(request), request.user)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.remote_field.model._default_manager.all(), request.user))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs.setdefault("queryset", scoped(db_field.remote_field.model._default_manager.all(), request.user))
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _may_see(self, request, obj=None) -> bool:
        if not permissions.can_use_admin_site(request.user):
            return False
        return obj is None or scoped(type(obj)._default_manager.filter(pk=obj.pk), request.user).exists()

    def _may_write(self, request, obj=None) -> bool:
        if not permissions.can_use_admin_site(request.user):
            return False
        installation_wide = self.model not in ORGANISATION_PATHS and self.model is not User
        if installation_wide and permissions.administered_organisations(request.user) is not None:
            return False  # the superuser's
        return obj is None or administers(request.user, obj)

    def has_module_permission(self, request):
        return permissions.can_use_admin_site(request.user)

    def has_view_permission(self, request, obj=None):
        return self._may_see(request, obj)

    def has_add_permission(self, request, obj=None):
        return self._may_write(request)

    def has_change_permission(self, request, obj=None):
        return self._may_write(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._may_write(request, obj)


class NoRevertMixin:
    """History pages read old versions; they never write one back."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Riwayat hanya untuk dibaca; perubahan dibuat lewat halaman ubah.")
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        return True


class KinerjaAdmin(ScopedMixin, NoRevertMixin, SimpleHistoryAdmin):
    """Every model's admin: scoped, with its history readable and never reverted."""


class ScopedInline(ScopedMixin, admin.TabularInline):
    extra = 0


class ReadOnlyMixin:
    """Workflow records change only through kinerja.engine.workflow; the admin may read them."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnlyMixin, KinerjaAdmin):
    pass


ONLY_RELATED = admin.RelatedOnlyFieldListFilter


class PositionFormSet(BaseInlineFormSet):
    """A user's positions on the user's page: one that has begun is ended, never deleted
    (Position.has_begun), as on the positions' own pages."""

    def clean(self):
        super().clean()
        if any(form.instance.has_begun() for form in self.deleted_forms):
            raise ValidationError(BEGUN_NOT_DELETED)


class PositionInline(ScopedInline):
    model = Position
    fk_name = "user"
    formset = PositionFormSet


@admin.register(User)
class UserAdmin(ScopedMixin, NoRevertMixin, BaseUserAdmin, SimpleHistoryAdmin):
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Kepegawaian", {"fields": ("nip", "pangkat", "notice_mail", "second_factor")}),
    )
    list_display = ("username", "first_name", "nip", "email", "is_active", "second_factor")
    list_filter = ("is_active", "second_factor", "is_superuser")
    readonly_fields = ("second_factor",)
    inlines = [PositionInline]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:  # an administrator never hands out installation-wide rights
            fields += ["is_superuser", "groups", "user_permissions"]
        return fields


class SectionInline(ScopedInline):
    model = Section


CREST_MAX_BYTES = 2 * 1024 * 1024


class OrganisationForm(forms.ModelForm):
    """The organisation with its crest (lambang daerah) for the kop surat: a PNG or JPEG screened
    like every upload (checked by its bytes, decoded and written again)."""

    crest_upload = forms.FileField(
        label="Lambang daerah (kop surat)", required=False,
        help_text="PNG atau JPEG, paling besar 2 MB; dicetak di kiri kop surat setiap dokumen.",
    )  # fmt: skip
    crest_remove = forms.BooleanField(label="Hapus lambang dari kop surat", required=False)

    class Meta:
        model = Organisation
        fields = [
            "code",
            "name",
            "government",
            "regent_title",
            "regent_name",
            "letterhead",
            "address",
            "phone",
            "email",
            "postal_code",
            "kabupaten",
        ]

    def clean_crest_upload(self):
        uploaded = self.cleaned_data.get("crest_upload")
        if not uploaded:
            return None
        try:
            return uploads.checked_upload(uploaded, allowed=("png", "jpeg"), max_bytes=CREST_MAX_BYTES) + (
                uploaded.name,
            )
        except uploads.UploadRejected as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(Organisation)
class OrganisationAdmin(KinerjaAdmin):
    form = OrganisationForm
    list_display = ("name", "code", "government")
    inlines = [SectionInline]

    def save_model(self, request, obj, form, change):
        checked = form.cleaned_data.get("crest_upload")
        if checked:
            data, content_type, name = checked
            super().save_model(request, obj, form, change)  # a new organisation needs its id first
            obj.crest = uploads.store_bytes(
                data, organisation=obj, by=request.user, original_name=name, content_type=content_type
            )
        elif form.cleaned_data.get("crest_remove"):
            obj.crest = None
        super().save_model(request, obj, form, change)

    def get_readonly_fields(self, request, obj=None):
        # Which kabupaten reads a kecamatan is the installation's business, not the kecamatan's.
        fields = super().get_readonly_fields(request, obj)
        return fields if request.user.is_superuser else (*fields, "kabupaten")

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser  # a new kecamatan is the installation's business

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class SuperuserOnlyMixin:
    """The kabupaten and its coordinators are the installation's business: only the superuser
    sees or changes them (a coordinator reads every kecamatan of a kabupaten)."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Kabupaten)
class KabupatenAdmin(SuperuserOnlyMixin, NoRevertMixin, SimpleHistoryAdmin):
    list_display = ("name", "code")


@admin.register(Coordinator)
class CoordinatorAdmin(SuperuserOnlyMixin, NoRevertMixin, SimpleHistoryAdmin):
    list_display = ("user", "kabupaten", "unit", "title", "start_date", "end_date")
    list_filter = ("kabupaten", "unit")


@admin.register(Section)
class SectionAdmin(KinerjaAdmin):
    list_display = ("name", "code", "kind", "organisation", "active")
    list_filter = (("organisation", ONLY_RELATED), "kind", "active")


@admin.register(Position)
class PositionAdmin(KinerjaAdmin):
    """A position that has begun is ended (its 'sampai' date), never deleted: not from its page,
    the bulk action (checked per position) or the user's page (PositionFormSet)."""

    list_display = ("user", "title", "role", "section", "start_date", "end_date")
    list_filter = (("organisation", ONLY_RELATED), "role")
    search_fields = ("user__username", "user__first_name", "title")

    def has_delete_permission(self, request, obj=None):
        return not (obj and obj.has_begun()) and super().has_delete_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        """Once begun, who held which post where and from when is shown, not offered for change
        (Position.FIXED_ONCE_BEGUN; the model refuses such a change on every other path)."""
        fixed = FIXED_ONCE_BEGUN if obj and obj.has_begun() else ()
        return (*super().get_readonly_fields(request, obj), *fixed)


def _in_use(version: SopVersion | None) -> bool:
    return version is not None and version.pk is not None and version.cycles.exists()


class SopStepInline(ScopedMixin, admin.StackedInline):
    model = SopStep
    extra = 0

    def has_add_permission(self, request, obj=None):
        return not _in_use(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(SopVersion)
class SopVersionAdmin(KinerjaAdmin):
    """A version that any cycle runs on is read-only: a revised SOP is a new version."""

    list_display = ("name", "number", "effective_date", "organisation")
    inlines = [SopStepInline]

    def has_change_permission(self, request, obj=None):
        return not _in_use(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _in_use(obj) and super().has_delete_permission(request, obj)


@admin.register(SopStep)
class SopStepAdmin(KinerjaAdmin):
    list_display = ("number", "short_name", "kind", "actor_role", "duration_amount", "duration_unit", "version")
    list_filter = (("version", ONLY_RELATED),)

    def has_change_permission(self, request, obj=None):
        return not (obj and _in_use(obj.version)) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not (obj and _in_use(obj.version)) and super().has_delete_permission(request, obj)


class WorkingHoursInline(ScopedInline):
    model = WorkingHours


@admin.register(WorkSchedule)
class WorkScheduleAdmin(KinerjaAdmin):
    list_display = ("name", "organisation", "valid_from", "valid_to")
    inlines = [WorkingHoursInline]


@admin.register(HolidayCorrection)
class HolidayCorrectionAdmin(KinerjaAdmin):
    list_display = ("date", "name", "kind", "organisation")
    list_filter = (("organisation", ONLY_RELATED), "kind")


@admin.register(Letter)
class LetterAdmin(ReadOnlyAdmin):
    """Letters are registered and disposed in the application (step 1); a change here would
    rewrite what the disposition chain saw, or lift a letter's rahasia mark."""

    list_display = ("number", "date", "sender", "subject", "nature")
    search_fields = ("number", "subject", "sender")

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=permissions.letters_visible_to(request.user).values("pk"))


@admin.register(Cycle)
class CycleAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "organisation", "status", "started_at")
    list_filter = (("organisation", ONLY_RELATED), "status")


@admin.register(StepRun)
class StepRunAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "step", "section", "round", "opened_at", "due_at", "closed_at", "outcome")
    list_filter = (("cycle", ONLY_RELATED),)


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyMixin, ScopedMixin, admin.ModelAdmin):
    list_display = ("at", "cycle", "actor", "action", "from_step", "to_steps", "outcome")
    list_filter = (("cycle", ONLY_RELATED),)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyMixin, ScopedMixin, admin.ModelAdmin):
    """Read only: a notice whose e-mail failed MAX_ATTEMPTS times stays here with its error."""

    list_display = ("created_at", "user", "title", "kind", "read_at", "mail", "mail_attempts")
    list_filter = ("mail", "kind")


@admin.register(BudgetItem)
class BudgetItemAdmin(ReadOnlyAdmin):
    """Read only: the budget is imported or entered on the Anggaran page, where its rules hold."""

    list_display = ("code", "name", "level", "year", "pagu", "source")
    list_filter = ("year", "level", "source")
    search_fields = ("code", "name")


@admin.register(IssuedDocument)
class IssuedDocumentAdmin(ReadOnlyMixin, ScopedMixin, admin.ModelAdmin):
    """Read only: the register of issued PDFs behind the public verification page."""

    list_display = ("code", "title", "kind", "period", "made_at", "made_by", "size")
    list_filter = ("kind",)
    search_fields = ("code", "title", "sha256")


@admin.register(DispositionInstruction)
class DispositionInstructionAdmin(KinerjaAdmin):
    list_display = ("label", "order", "active", "organisation")
    list_filter = (("organisation", ONLY_RELATED), "active")
    list_editable = ("order", "active")


@admin.register(Disposition)
class DispositionAdmin(ReadOnlyAdmin):
    list_display = ("letter", "sender", "recipient", "created_at", "read_at", "acknowledged_at", "withdrawn_at")
    search_fields = ("letter__number", "sender__username", "recipient__username")

    def get_queryset(self, request):
        visible = permissions.letters_visible_to(request.user).values("pk")
        return super().get_queryset(request).filter(letter__in=visible)


@admin.register(StoredFile)
class StoredFileAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    exclude = ("file",)  # files are downloaded through the access-checked views only


@admin.register(DataKind)
class DataKindAdmin(KinerjaAdmin):
    list_display = ("code", "name", "order")


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(KinerjaAdmin):
    list_display = ("code", "name", "organisation")
    list_filter = (("organisation", ONLY_RELATED),)


class TargetInline(ScopedInline):
    model = Target


@admin.register(Indicator)
class IndicatorAdmin(KinerjaAdmin):
    list_display = ("code", "name", "unit", "polarity", "section", "parent", "is_iku", "active")
    list_filter = (("organisation", ONLY_RELATED), ("section", ONLY_RELATED), "is_iku", "polarity")
    search_fields = ("code", "name")
    inlines = [TargetInline]


@admin.register(Obligation)
class ObligationAdmin(ReadOnlyAdmin):
    """What each section owes in a cycle is chosen when the cycle starts (the workflow's)."""

    list_display = ("cycle", "section", "kind")
    list_filter = ("kind",)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "section", "kind", "version", "status", "uploaded_by", "uploaded_at", "source")
    list_filter = ("status", "kind", "source")


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "section", "indicator", "url", "uploaded_by", "uploaded_at")


@admin.register(NoDataMark)
class NoDataMarkAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "section", "indicator", "reason", "marked_by", "marked_at")


@admin.register(ReceiptConfirmation)
class ReceiptConfirmationAdmin(ReadOnlyAdmin):
    list_display = ("run", "confirmed_by", "confirmed_at")


@admin.register(CompletenessCheck)
class CompletenessCheckAdmin(ReadOnlyAdmin):
    list_display = ("run", "section", "complete", "checked_by", "checked_at")


@admin.register(CapaianCategory)
class CapaianCategoryAdmin(KinerjaAdmin):
    list_display = ("label", "lower_bound", "organisation")
    list_filter = (("organisation", ONLY_RELATED),)


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
    list_filter = (("organisation", ONLY_RELATED), "year", "quarter")
    search_fields = ("code", "name")


@admin.register(Amendment)
class AmendmentAdmin(ReadOnlyAdmin):
    # A target amended to a range or a predicate, and a category, are text: shown as written.
    list_display = ("record", "field", "old_shown", "new_shown", "derived_from", "approver", "created_by", "created_at")


@admin.register(CycleArchive)
class CycleArchiveAdmin(ReadOnlyAdmin):
    list_display = ("cycle", "created_by", "created_at")


@admin.register(ApiToken)
class ApiTokenAdmin(KinerjaAdmin):
    """Tokens of the read API. Made here: the secret is shown once, on the page that follows the
    save, and only its hash is stored. A kecamatan's administrator makes tokens for their own
    kecamatan; a kabupaten's token is the superuser's. Revoked, never deleted (its calls stay)."""

    list_display = ("name", "prefix", "scope", "created_by", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("prefix", "created_by", "created_at", "last_used_at", "revoked_at", "revoked_by")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        scope = ["organisation", "kabupaten"] if request.user.is_superuser else ["organisation"]
        return ["name", *scope, *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        # A token's scope is chosen once: a changed scope would be a new token.
        return (*self.readonly_fields, "organisation", "kabupaten") if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj._shown_once = obj.issue_key()
            obj.created_by = request.user
            obj.created_at = timezone.now()
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        context = {**self.admin_site.each_context(request), "token": obj, "key": obj._shown_once,
                   "opts": self.model._meta, "title": f"Token API dibuat: {obj.name}"}  # fmt: skip
        response = TemplateResponse(request, "admin/kinerja/apitoken/created.html", context)
        response["Cache-Control"] = "no-store"  # the secret is in this page: kept by no cache
        return response

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description="Cabut token terpilih", permissions=["change"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):  # one by one: each revocation in the history
            token.revoked_at, token.revoked_by = timezone.now(), request.user
            token.save(update_fields=["revoked_at", "revoked_by"])
            count += 1
        self.message_user(request, f"{count} token dicabut; panggilan dengannya kini ditolak.")


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnlyMixin, ScopedMixin, admin.ModelAdmin):
    list_display = ("at", "token", "method", "path", "query", "status", "address")
    list_filter = ("status",)
