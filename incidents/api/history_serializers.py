"""How an incident's history is written out: each version, the role that saved it, what changed."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from accounts.roles import ANALYST, EDITOR, IMPORT, RESEARCHER


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.JSONField(allow_null=True)
    new = serializers.JSONField(allow_null=True)


class HistoryEntrySerializer(serializers.Serializer):
    """One version of an incident: when it was saved, in which role, and what changed from the
    one before.

    The public is told the role that made a change, never the account: people who record
    conflict events can be at risk once identifiable, and account names tell an attacker
    whom to target. Analysts and editors see the account too (StaffHistoryEntrySerializer).
    """

    version = serializers.IntegerField()
    date = serializers.DateTimeField(source="history_date")
    role = serializers.ChoiceField(
        source="history_role",
        choices=[EDITOR, ANALYST, RESEARCHER, IMPORT],
        allow_null=True,
        help_text="The role the change was made in, or `import`; null when not known.",
    )
    change = serializers.SerializerMethodField()
    reason = serializers.SerializerMethodField()
    status = serializers.CharField()
    changes = HistoryChangeSerializer(many=True, source="field_changes")

    CHANGE_NAMES = {"+": "created", "~": "changed", "-": "deleted"}

    def to_representation(self, record) -> dict[str, Any]:
        data = super().to_representation(record)
        data["role"] = data["role"] or None
        return data

    def get_change(self, record) -> str:
        return self.CHANGE_NAMES[record.history_type]

    def get_reason(self, record) -> str | None:
        # An import's reason names the file, as whoever imported it named it.
        if record.history_role == IMPORT:
            return None
        return record.history_change_reason


class StaffHistoryEntrySerializer(HistoryEntrySerializer):
    """A version as analysts and editors see it: with the account that saved it."""

    user = serializers.CharField(source="history_user.username", default=None)
    reason = serializers.CharField(source="history_change_reason", default=None)  # type: ignore[assignment]
