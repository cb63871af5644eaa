from django.apps import AppConfig


class KinerjaConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "kinerja"
    verbose_name = "Sistem Kinerja Kecamatan"

    def ready(self):
        # The step modules register their required-input checks with the workflow on import.
        from . import analysis_steps, completeness, dispositions, filing, review, submissions  # noqa: F401
