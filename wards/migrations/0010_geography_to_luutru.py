"""The wards app lets go of the geography (now in luutru). State only, and the content types
follow the models, so that the admin's history and the permissions stay attached to them."""

import django.db.models.deletion
from django.db import migrations, models

MOVED = ["province", "ward", "officer", "immigrationofficer", "wardsettingschange", "beat"]


def _move_content_types(apps, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    # A row under the new label exists only if post_migrate ran between a reverse and this
    # migration: it is younger than the old row, which carries the admin's history.
    ContentType.objects.filter(app_label=new, model__in=MOVED).delete()
    ContentType.objects.filter(app_label=old, model__in=MOVED).update(app_label=new)


def rename_content_types(apps, schema_editor) -> None:
    _move_content_types(apps, "wards", "luutru")


def restore_content_types(apps, schema_editor) -> None:
    _move_content_types(apps, "luutru", "wards")


class Migration(migrations.Migration):
    dependencies = [
        ("establishments", "0004_ward_from_luutru"),
        ("luutru", "0004_geography_from_wards"),
        ("wards", "0009_feedback_declaration"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # The tables stay where they are: only Django's idea of which app owns them moves.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="officer",
                    name="beat",
                ),
                migrations.RemoveField(
                    model_name="immigrationofficer",
                    name="province",
                ),
                migrations.RemoveField(
                    model_name="immigrationofficer",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="officer",
                    name="user",
                ),
                migrations.RemoveField(
                    model_name="officer",
                    name="ward",
                ),
                migrations.RemoveField(
                    model_name="ward",
                    name="province",
                ),
                migrations.AlterField(
                    model_name="accesslog",
                    name="ward",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="access_logs",
                        to="luutru.ward",
                    ),
                ),
                migrations.AlterField(
                    model_name="feedbackthread",
                    name="ward",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="feedback",
                        to="luutru.ward",
                    ),
                ),
                migrations.AlterField(
                    model_name="flag",
                    name="ward",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="flags",
                        to="luutru.ward",
                    ),
                ),
                migrations.AlterField(
                    model_name="notice",
                    name="ward",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="notices",
                        to="luutru.ward",
                    ),
                ),
                migrations.RemoveField(
                    model_name="wardsettingschange",
                    name="ward",
                ),
                migrations.RemoveField(
                    model_name="wardsettingschange",
                    name="changed_by",
                ),
                migrations.DeleteModel(
                    name="Beat",
                ),
                migrations.DeleteModel(
                    name="ImmigrationOfficer",
                ),
                migrations.DeleteModel(
                    name="Officer",
                ),
                migrations.DeleteModel(
                    name="Province",
                ),
                migrations.DeleteModel(
                    name="Ward",
                ),
                migrations.DeleteModel(
                    name="WardSettingsChange",
                ),
            ],
        ),
        migrations.RunPython(rename_content_types, restore_content_types),
    ]
