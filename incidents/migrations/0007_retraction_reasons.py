from django.db import migrations, models

REASON = "Retracted before reasons were recorded."


def give_retractions_a_reason(apps, schema_editor):
    Incident = apps.get_model("incidents", "Incident")
    Incident.objects.filter(status="retracted", retraction_reason="").update(
        retraction_reason=REASON
    )


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0006_history_and_workflow_fields"),
    ]

    operations = [
        migrations.RunPython(give_retractions_a_reason, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "retracted"), _negated=True),
                    models.Q(("retraction_reason", ""), _negated=True),
                    _connector="OR",
                ),
                name="incident_retraction_has_reason",
                violation_error_code="incident_retraction_has_reason",
                violation_error_message="Say why the incident is retracted.",
            ),
        ),
        migrations.AddConstraint(
            model_name="incident",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("duplicate_of__isnull", True), ("status", "retracted"), _connector="OR"
                ),
                name="incident_duplicate_is_retracted",
                violation_error_code="incident_duplicate_is_retracted",
                violation_error_message="A record merged into another is retracted.",
            ),
        ),
    ]
