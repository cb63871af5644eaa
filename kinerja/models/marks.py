"""Counters that move with every history row written, that is with every create, change and
delete of tracked data (the audit rule): one per organisation, and one for data of the whole
installation. Page parts kept by kinerja.fragments stay valid while the counters of the
organisations a user works in stand still."""

from django.db import models

# The scope of data that belongs to no organisation (kinds of data, accounts without a position).
INSTALLATION = 0


class DataMark(models.Model):
    """One row per scope (an organisation's id, or INSTALLATION); its value goes up in the same
    transaction as each history row of that scope, so writers of different kecamatan never wait
    on the same row."""

    scope = models.PositiveBigIntegerField("lingkup", unique=True, default=INSTALLATION)
    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "penanda perubahan data"
        verbose_name_plural = "penanda perubahan data"

    def __str__(self) -> str:
        return f"{self.scope}: {self.value}"
