"""Establishments point at luutru's Ward and Beat (moved from wards). State only: the columns
and their foreign keys are unchanged."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("establishments", "0003_beat"),
        ("luutru", "0004_geography_from_wards"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="application",
                    name="ward",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="luutru.ward",
                        verbose_name="ward",
                    ),
                ),
                migrations.AlterField(
                    model_name="establishment",
                    name="beat",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="establishments",
                        to="luutru.beat",
                        verbose_name="beat",
                    ),
                ),
                migrations.AlterField(
                    model_name="establishment",
                    name="ward",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        to="luutru.ward",
                        verbose_name="ward",
                    ),
                ),
            ],
        ),
    ]
