"""R-INST-4, step 1 of 3: a staff member's position becomes a value of the positions
directory. The link is added beside today's free text; 0006 maps the texts, 0007 drops
the text and gives the link its name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0004_alter_consent_person_alter_parent_person_and_more")]

    operations = [
        migrations.AddField(
            model_name="staff",
            name="position_entry",
            field=models.ForeignKey(
                null=True, blank=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="records.directoryentry",
                limit_choices_to={"kind": "position"}, verbose_name="main position"),
        ),
    ]
