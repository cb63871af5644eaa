from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class KinerjaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kinerja"
    verbose_name = "Sistem Kinerja Kecamatan"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from .engine.calendar import forget_cached
        from .models import HolidayCorrection, WorkingHours, WorkSchedule

        # The step modules register their required-input checks with the workflow on import.
        from .steps import analysis_steps, completeness, dispositions, filing, review, submissions  # noqa: F401

        # A change to working hours or holidays empties this process's calendar cache at once.
        for model in (WorkSchedule, WorkingHours, HolidayCorrection):
            post_save.connect(forget_cached, sender=model, dispatch_uid=f"calendar-save-{model.__name__}")
            post_delete.connect(forget_cached, sender=model, dispatch_uid=f"calendar-delete-{model.__name__}")

        # Every history row written moves the data mark the kept page parts depend on.
        from simple_history.signals import post_create_historical_record

        from .fragments import move_data_mark

        post_create_historical_record.connect(move_data_mark, dispatch_uid="data-mark")


class KinerjaAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the application's own site (kinerja.admin_site)."""

    default = False
    default_site = "kinerja.admin_site.KinerjaAdminSite"
