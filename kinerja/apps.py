from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class KinerjaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kinerja"
    verbose_name = "Sistem Kinerja Kecamatan"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        # The step modules register their required-input checks with the workflow on import.
        from . import analysis_steps, completeness, dispositions, filing, review, submissions  # noqa: F401
        from .calendar import forget_cached
        from .models import HolidayCorrection, WorkingHours, WorkSchedule

        # A change to working hours or holidays empties this process's calendar cache at once.
        for model in (WorkSchedule, WorkingHours, HolidayCorrection):
            post_save.connect(forget_cached, sender=model, dispatch_uid=f"calendar-save-{model.__name__}")
            post_delete.connect(forget_cached, sender=model, dispatch_uid=f"calendar-delete-{model.__name__}")

        # Every history row written moves the data mark the kept page parts depend on.
        from simple_history.signals import post_create_historical_record

        from .fragments import move_data_mark

        post_create_historical_record.connect(move_data_mark, dispatch_uid="data-mark")

        # Adding or removing an authenticator or recovery codes updates User.second_factor.
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from .twofactor import sync_second_factor

        for model in (TOTPDevice, StaticDevice):
            post_save.connect(sync_second_factor, sender=model, dispatch_uid=f"second-factor-save-{model.__name__}")
            post_delete.connect(sync_second_factor, sender=model, dispatch_uid=f"second-factor-delete-{model.__name__}")


class KinerjaAdminConfig(admin_apps.AdminConfig):
    """The Django admin with the application's own site (kinerja.admin_site)."""

    default = False
    default_site = "kinerja.admin_site.KinerjaAdminSite"
