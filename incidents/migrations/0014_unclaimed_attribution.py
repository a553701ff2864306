"""Attribution gains "unknown/unclaimed": an unidentified actor nobody claimed the attack for."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("incidents", "0013_sources_name_their_publisher"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="incidentactor",
            name="incident_actor_attribution_valid",
        ),
        migrations.AlterField(
            model_name="historicalincidentactor",
            name="attribution",
            field=models.CharField(
                choices=[
                    ("confirmed", "confirmed"),
                    ("claimed", "claimed"),
                    ("alleged", "alleged"),
                    ("suspected", "suspected"),
                    ("unclaimed", "unknown/unclaimed"),
                ],
                default="confirmed",
                max_length=10,
            ),
        ),
        migrations.AlterField(
            model_name="incidentactor",
            name="attribution",
            field=models.CharField(
                choices=[
                    ("confirmed", "confirmed"),
                    ("claimed", "claimed"),
                    ("alleged", "alleged"),
                    ("suspected", "suspected"),
                    ("unclaimed", "unknown/unclaimed"),
                ],
                default="confirmed",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="incidentactor",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "attribution__in",
                        ["confirmed", "claimed", "alleged", "suspected", "unclaimed"],
                    )
                ),
                name="incident_actor_attribution_valid",
                violation_error_code="incident_actor_attribution_valid",
                violation_error_message="attribution must be one of: confirmed, claimed, alleged, suspected, unclaimed.",
            ),
        ),
    ]
