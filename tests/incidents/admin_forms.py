"""POST data for the incident change form of the admin, as a browser would send it."""

from __future__ import annotations

from typing import Any

INLINE_PREFIXES = ("participants", "citations", "relations_from")


def incident_form_data(
    location,
    *,
    actors: list[dict[str, Any]] = (),
    citations: list[dict[str, Any]] = (),
    **fields: Any,
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "title": "Rockets hit the base",
        "summary": "",
        "status": "draft",
        "confidence": "single source",
        "date_start": "2022-01-05",
        "date_end": "",
        "date_precision": "day",
        "event_type": "Explosions/Remote violence",
        "sub_event_type": "Shelling/artillery/missile attack",
        "violence_type": "",
        "weapon": "rocket",
        "munition_count": "",
        "outcome": "unknown",
        "damage": "unknown",
        "location": str(location.pk),
        "geo_precision": "1",
        "origin_location": "",
        "fatalities_low": "",
        "fatalities_best": "",
        "fatalities_high": "",
        "injured": "",
        "dataset": "",
        "dataset_event_id": "",
    }
    data.update({key: str(value) for key, value in fields.items()})
    rows = {"participants": list(actors), "citations": list(citations), "relations_from": []}
    for prefix in INLINE_PREFIXES:
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows[prefix])),
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(rows[prefix]):
            data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def change_form_data(incident, **fields: Any) -> dict[str, Any]:
    """The change form of an existing incident, with no inline rows touched."""
    data = incident_form_data(
        incident.location,
        title=incident.title,
        status=incident.status,
        confidence=incident.confidence,
        date_start=incident.date_start,
        date_end=incident.date_end,
        event_type=incident.event_type,
        sub_event_type=incident.sub_event_type,
        weapon=incident.weapon,
        outcome=incident.outcome,
        damage=incident.damage,
        geo_precision=incident.geo_precision,
        review_note=incident.review_note,
        retraction_reason=incident.retraction_reason,
        seen_version=incident.version,
    )
    for prefix in INLINE_PREFIXES:
        count = getattr(incident, prefix).count()
        data[f"{prefix}-TOTAL_FORMS"] = str(count)
        data[f"{prefix}-INITIAL_FORMS"] = str(count)
        for index, row in enumerate(getattr(incident, prefix).all()):
            data[f"{prefix}-{index}-id"] = str(row.pk)
            data[
                f"{prefix}-{index}-incident"
                if prefix != "relations_from"
                else f"{prefix}-{index}-from_incident"
            ] = str(incident.pk)
            for field in _inline_fields(prefix):
                value = getattr(row, field + "_id", None) or getattr(row, field)
                if isinstance(value, list):
                    data[f"{prefix}-{index}-{field}"] = value
                else:
                    data[f"{prefix}-{index}-{field}"] = str(value)
    data.update({key: str(value) for key, value in fields.items()})
    return data


def _inline_fields(prefix: str) -> list[str]:
    return {
        "participants": ["actor", "role", "attribution"],
        "citations": ["source", "quote", "locator", "supports", "stance"],
        "relations_from": ["to_incident", "kind"],
    }[prefix]
