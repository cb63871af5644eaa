"""The data mark becomes one counter per organisation (issue 17): writers of different kecamatan
no longer wait on one row, and a change in one kecamatan leaves the kept pages of the others
valid. The existing single row becomes the installation-wide scope (0)."""

from django.core.management.color import no_style
from django.db import migrations, models


def reset_sequence(apps, schema_editor):
    """Migration 0003 wrote the one row with an explicit id (1), which PostgreSQL's sequence did
    not count: the next row of another scope would take id 1 again."""
    connection = schema_editor.connection
    for sql in connection.ops.sequence_reset_sql(no_style(), [apps.get_model("kinerja", "DataMark")]):
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("kinerja", "0013_one_running_cycle_quarters_and_guards")]

    operations = [
        migrations.AddField(
            model_name="datamark",
            name="scope",
            field=models.PositiveBigIntegerField(default=0, unique=True, verbose_name="lingkup"),
        ),
        migrations.RunPython(reset_sequence, migrations.RunPython.noop),
    ]
