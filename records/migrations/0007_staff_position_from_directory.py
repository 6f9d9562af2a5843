"""R-INST-4, step 3 of 3: the free text gone, the directory link is the position."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0006_staff_positions_mapped")]

    operations = [
        migrations.RemoveField(model_name="staff", name="position"),
        migrations.RenameField(model_name="staff", old_name="position_entry",
                               new_name="position"),
        migrations.AlterField(
            model_name="staff",
            name="position",
            field=models.ForeignKey(
                null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                to="records.directoryentry", limit_choices_to={"kind": "position"},
                verbose_name="main position"),
        ),
    ]
