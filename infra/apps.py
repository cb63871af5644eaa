from django.apps import AppConfig


class InfraConfig(AppConfig):
    """Infrastructure under the application: two-factor sign-in, throttling, security
    middleware, backups (`manage.py backup`, `restore`) and the audit trail. No models of its own:
    it works on kinerja's and django-otp's."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "infra"
    verbose_name = "Infrastruktur"

    def ready(self):
        # Models are loaded only now (AppConfig.ready), hence the imports here.
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from .twofactor import sync_second_factor

        # Adding or removing an authenticator or recovery codes updates User.second_factor.
        for model in (TOTPDevice, StaticDevice):
            post_save.connect(sync_second_factor, sender=model, dispatch_uid=f"second-factor-save-{model.__name__}")
            post_delete.connect(sync_second_factor, sender=model, dispatch_uid=f"second-factor-delete-{model.__name__}")
