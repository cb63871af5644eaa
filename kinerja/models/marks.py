"""A counter that moves with every history row written, that is with every create, change and
delete of tracked data (the audit rule): page parts kept by kinerja.fragments stay valid while
it stands still."""

from django.db import models


class DataMark(models.Model):
    """One row; its value goes up in the same transaction as each history row."""

    value = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = "penanda perubahan data"
        verbose_name_plural = "penanda perubahan data"

    def __str__(self) -> str:
        return str(self.value)
