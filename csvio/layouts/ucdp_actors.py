"""GED's side_a and side_b: who fought whom, written from an incident's actors in Python
and in SQL, read back into the actors of an imported row."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from csvio.layouts.base import ActorSpec, Column, ImportedIncident, related
from csvio.layouts.cells import keep
from csvio.layouts.sql import CellQuery, Join
from csvio.layouts.ucdp_codes import (
    DATASET,
    GED,
    NATIVE_SIDE_SEPARATOR,
    SIDE_SEPARATOR,
    is_from_ged,
)
from csvio.sql_cells import text
from incidents.models import Incident, IncidentActor
from incidents.taxonomy import ActorRole, ActorType, Side, ViolenceType


def split_side(text: str) -> list[str]:
    """The groups of one GED side ("Fatah Halab, Jabhat Fateh al-Sham")."""
    return [name.strip() for name in text.split(SIDE_SEPARATOR.strip()) if name.strip()]


def actor_type(name: str, violence_type: int | None) -> int:
    """The ACLED inter code of an actor GED names, for when Tessera creates it."""
    if name.startswith("Government of"):
        return ActorType.STATE_FORCES
    if name == "Civilians":
        return ActorType.CIVILIANS
    if violence_type == ViolenceType.STATE_BASED:
        return ActorType.REBEL_GROUP  # fighting a government
    return ActorType.POLITICAL_MILITIA


def _role(side: str, violence_type: int | None) -> str:
    if violence_type == ViolenceType.ONE_SIDED:
        return ActorRole.PERPETRATOR if side == Side.A else ActorRole.TARGET
    return ActorRole.PARTY


def _read_side(side: str) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        # The file's text keeps GED's order and spelling for the export.
        keep(f"side_{side.lower()}")(imported, text)
        violence_type = imported.fields.get("violence_type")
        for name in split_side(text):
            imported.actors.append(
                ActorSpec(
                    name,
                    _role(side, violence_type),
                    side=side,
                    actor_type=actor_type(name, violence_type),
                )
            )

    return read


def side_names(incident: Incident, side: str) -> list[str]:
    """The actors on one side: as imported (side A/B), else perpetrators (A), targets (B)."""
    participants = list(related(incident, "participants"))
    if any(row.side for row in participants):
        names = [row.actor.name for row in participants if row.side == side]
    else:
        role = ActorRole.PERPETRATOR if side == Side.A else ActorRole.TARGET
        names = [row.actor.name for row in participants if row.role == role]
    return list(dict.fromkeys(names))


def _side(side: str) -> Callable[[Incident], str]:
    def value(incident: Incident) -> str:
        names = side_names(incident, side)
        kept = incident.dataset_fields.get(f"side_{side.lower()}", "")
        # GED's own text keeps its order, as long as the actors are still the same.
        if is_from_ged(incident) and sorted(split_side(kept)) == sorted(names):
            return kept
        return NATIVE_SIDE_SEPARATOR.join(names)

    return value


# -- the same in SQL ------------------------------------------------------------------------


@cache
def _whitespace() -> str:
    """What str.strip() strips: every character Python counts as whitespace."""
    return "".join(char for char in map(chr, range(0x110000)) if char.isspace())


WHITESPACE = Join(
    "w", lambda q: f"CROSS JOIN (SELECT {q.literal(_whitespace())}::text AS chars) AS w"
)


def _participants_sql(query: CellQuery) -> str:
    """A lateral subquery: each side's actor names, once each, in IncidentActor's order
    (side_names: by side when any actor has one, else perpetrators and targets)."""
    actor_table = IncidentActor._meta.get_field("actor").related_model._meta.db_table
    order = "ORDER BY p.role, ac.name"  # IncidentActor.Meta.ordering within one incident
    groups = {
        "a": f"p.side = '{Side.A.value}'",
        "b": f"p.side = '{Side.B.value}'",
        "perpetrators": f"p.role = {query.literal(str(ActorRole.PERPETRATOR))}",
        "targets": f"p.role = {query.literal(str(ActorRole.TARGET))}",
    }
    arrays = ", ".join(
        f"array_agg(ac.name {order}) FILTER (WHERE {condition}) AS {name}"
        for name, condition in groups.items()
    )

    def once_each(array: str) -> str:
        return (
            f"ARRAY(SELECT u.name FROM unnest({array}) WITH ORDINALITY AS u(name, n) "
            "GROUP BY u.name ORDER BY min(u.n))"
        )

    return (
        "LEFT JOIN LATERAL ("
        f"SELECT {once_each('CASE WHEN s.sided THEN s.a ELSE s.perpetrators END')} AS side_a, "
        f"{once_each('CASE WHEN s.sided THEN s.b ELSE s.targets END')} AS side_b FROM ("
        f"SELECT bool_or(p.side <> '') AS sided, {arrays} "
        f"FROM {IncidentActor._meta.db_table} AS p JOIN {actor_table} AS ac ON ac.id = p.actor_id "
        "WHERE p.incident_id = i.id) AS s) AS a ON true"
    )


# side_a, side_b: each side's actor names (side_names).
PARTICIPANTS = Join("a", _participants_sql)


def _side_sql(side: str) -> Callable[[CellQuery], str]:
    """_side: GED's own text while it names the same actors, else the names joined."""
    kept = f"i.dataset_fields ->> 'side_{side.lower()}'"

    def sql(query: CellQuery) -> str:
        names = f"{query.join(PARTICIPANTS)}.side_{side.lower()}"
        split = (
            f"ARRAY(SELECT t.name FROM unnest(string_to_array(COALESCE({kept}, ''), "
            f"'{SIDE_SEPARATOR.strip()}')) AS x, btrim(x, {query.join(WHITESPACE)}.chars) "
            "AS t(name) WHERE t.name <> '' ORDER BY t.name COLLATE \"C\")"
        )
        same = f'{split} = ARRAY(SELECT x::text FROM unnest({names}) AS x ORDER BY x COLLATE "C")'
        return text(
            f"CASE WHEN {query.join(GED)}.ged AND {same} THEN {kept} "
            f"ELSE array_to_string({names}, '{NATIVE_SIDE_SEPARATOR}') END"
        )

    return sql


def _side_unwritable(side: str) -> Callable[[CellQuery], str]:
    """Rows Python cannot write either: dataset_fields that is no object (read for every
    row), a GED side that is not text (split_side)."""
    return lambda q: (
        f"jsonb_typeof(i.dataset_fields) <> 'object' OR (i.dataset = {q.literal(DATASET)} "
        f"AND jsonb_typeof(i.dataset_fields -> 'side_{side.lower()}') <> 'string')"
    )


def side_column(side: str) -> Column:
    """side_a or side_b."""
    return Column(
        f"side_{side.lower()}",
        _side(side),
        _read_side(side),
        field="actors",
        sql=_side_sql(side),
        sql_unwritable=_side_unwritable(side),
        keeps_spaces=True,
    )
