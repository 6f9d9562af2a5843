"""R-INST-4, step 1 of 3: a staff member's position becomes a value of the positions
directory. The link is added beside today's free text; 0006 maps the texts, 0007 drops
the text and gives the link its name."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("records", "0004_alter_consent_person_alter_parent_person_and_more")]

    operations = [
        # A default for the text, so that going back past 0007 can add it again.
        migrations.AlterField(
            model_name="staff",
            name="position",
            field=models.CharField(max_length=200, blank=True, default="",
                                   verbose_name="main position"),
        ),
        migrations.AddField(
            model_name="staff",
            name="position_entry",
            field=models.ForeignKey(
                null=True, blank=True, on_delete=django.db.models.deletion.PROTECT,
                related_name="+", to="records.directoryentry",
                limit_choices_to={"kind": "position"}, verbose_name="main position"),
        ),
    ]
