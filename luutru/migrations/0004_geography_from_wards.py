"""Provinces, wards, beats and officer memberships move from the wards app to the project's
low layer, so that establishments can stand on them without importing the police features.
State only: the tables keep their names (Meta.db_table)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("luutru", "0003_user_language"),
        ("wards", "0009_feedback_declaration"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Beat",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                    ],
                    options={
                        "verbose_name": "beat",
                        "verbose_name_plural": "beats",
                        "db_table": "wards_beat",
                        "ordering": ["ward", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Province",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.PositiveIntegerField(unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("division_type", models.CharField(max_length=40, verbose_name="type")),
                        ("codename", models.CharField(max_length=100)),
                    ],
                    options={
                        "verbose_name": "province",
                        "verbose_name_plural": "provinces",
                        "db_table": "wards_province",
                        "ordering": ["name"],
                    },
                ),
                migrations.CreateModel(
                    name="ImmigrationOfficer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="immigration_officer",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "province",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="immigration_officers",
                                to="luutru.province",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "immigration officer",
                        "verbose_name_plural": "immigration officers",
                        "db_table": "wards_immigrationofficer",
                    },
                ),
                migrations.CreateModel(
                    name="Ward",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("code", models.PositiveIntegerField(unique=True, verbose_name="code")),
                        ("name", models.CharField(max_length=100, verbose_name="name")),
                        ("division_type", models.CharField(max_length=40, verbose_name="type")),
                        ("codename", models.CharField(max_length=100)),
                        ("remote", models.BooleanField(default=False, verbose_name="remote area")),
                        (
                            "review_window_hours",
                            models.PositiveSmallIntegerField(
                                default=24, verbose_name="review window (hours)"
                            ),
                        ),
                        (
                            "correction_window_hours",
                            models.PositiveSmallIntegerField(
                                default=24, verbose_name="correction window (hours)"
                            ),
                        ),
                        (
                            "province",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="wards",
                                to="luutru.province",
                                verbose_name="province",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ward",
                        "verbose_name_plural": "wards",
                        "db_table": "wards_ward",
                        "ordering": ["province__name", "name"],
                    },
                ),
                migrations.CreateModel(
                    name="Officer",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "beat",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="officers",
                                to="luutru.beat",
                                verbose_name="beat",
                            ),
                        ),
                        (
                            "user",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="officer",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "ward",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="officers",
                                to="luutru.ward",
                                verbose_name="ward",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ward officer",
                        "verbose_name_plural": "ward officers",
                        "db_table": "wards_officer",
                    },
                ),
                migrations.AddField(
                    model_name="beat",
                    name="ward",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="beats",
                        to="luutru.ward",
                    ),
                ),
                migrations.CreateModel(
                    name="WardSettingsChange",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("remote", models.BooleanField(verbose_name="remote area")),
                        (
                            "changed_at",
                            models.DateTimeField(auto_now_add=True, verbose_name="changed at"),
                        ),
                        (
                            "changed_by",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="changed by",
                            ),
                        ),
                        (
                            "ward",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="settings_changes",
                                to="luutru.ward",
                                verbose_name="ward",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "ward settings change",
                        "verbose_name_plural": "ward settings changes",
                        "db_table": "wards_wardsettingschange",
                        "ordering": ["-changed_at", "-id"],
                    },
                ),
                migrations.AddConstraint(
                    model_name="beat",
                    constraint=models.UniqueConstraint(
                        fields=("ward", "name"), name="beat_name_unique_in_ward"
                    ),
                ),
                migrations.AddIndex(
                    model_name="wardsettingschange",
                    index=models.Index(
                        fields=["ward", "-changed_at"], name="ward_settings_change_recent"
                    ),
                ),
            ],
        ),
    ]
