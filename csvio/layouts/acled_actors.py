"""Who fills ACLED's actor1 and actor2 (the sides of an event), their inter codes, the
interaction code and the attributions ACLED has no column for: written from an incident's
actors in Python and in SQL, read back into the actors of an imported row.
"""

from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter

from csvio.layouts.acled_codes import DISRUPTED, INTER_NAMES, SEPARATOR, split
from csvio.layouts.base import ActorSpec, CellError, Column, ImportedIncident, related
from csvio.layouts.cells import fold
from csvio.layouts.sql import CellQuery, Join
from csvio.sql_cells import text
from incidents.models import Actor, Incident, IncidentActor
from incidents.taxonomy import ActorRole, ActorType, Attribution

# Who fills actor1 (side 1) and actor2 (side 2): the first role in the list that has actors.
# Parties (the sides of a clash, as UCDP records them) stand in when nobody is coded as
# perpetrator or target. On import, side 1 gets the first role of its list, side 2 its own.
SIDES: dict[int, list[tuple[str, str]]] = {
    1: [(ActorRole.PERPETRATOR, ""), (ActorRole.PARTY, "A")],
    2: [(ActorRole.TARGET, ""), (ActorRole.PARTY, "B")],
}
# ACLED codes a disrupted attack with the actor who stopped it (shot down, defused, seized)
# as actor1 and the would-be attacker as actor2. Without an interceptor, the target stopped it.
DISRUPTED_SIDES: dict[int, list[tuple[str, str]]] = {
    1: [(ActorRole.INTERCEPTOR, ""), (ActorRole.TARGET, "")],
    2: [(ActorRole.PERPETRATOR, "")],
}


def _sides(sub_event_type: str) -> dict[int, list[tuple[str, str]]]:
    return DISRUPTED_SIDES if sub_event_type == DISRUPTED else SIDES


def _participants(incident: Incident) -> list[IncidentActor]:
    # In the order they were recorded (the prefetch sorts by role and name): the first
    # perpetrator entered is actor1.
    return sorted(related(incident, "participants"), key=attrgetter("pk"))


def _on_side(row: IncidentActor, role: str, side: str) -> bool:
    if row.role != role:
        return False
    return not side or (row.side == "B") == (side == "B")


def side_rows(incident: Incident, number: int) -> list[IncidentActor]:
    """The actors on side `number`, each once, in the order they were recorded."""
    rows = _participants(incident)
    for role, side in _sides(incident.sub_event_type)[number]:
        on_side: dict[int, IncidentActor] = {}
        for row in rows:
            if _on_side(row, role, side):
                on_side.setdefault(row.actor_id, row)
        if on_side:
            return list(on_side.values())
    return []


def side_actors(incident: Incident, number: int) -> list[Actor]:
    return [row.actor for row in side_rows(incident, number)]


def _main_actor(number: int) -> Callable[[Incident], str]:
    def value(incident: Incident) -> str:
        actors = side_actors(incident, number)
        return actors[0].name if actors else ""

    return value


def _associated_actors(number: int) -> Callable[[Incident], str]:
    def value(incident: Incident) -> str:
        return SEPARATOR.join(actor.name for actor in side_actors(incident, number)[1:])

    return value


def inter_code(incident: Incident, number: int) -> int | None:
    actors = side_actors(incident, number)
    return actors[0].actor_type if actors else None


def interaction(incident: Incident) -> int | None:
    """ACLED's interaction: both inter codes, lowest first; a sole actor's code then 0."""
    codes = sorted(code for code in (inter_code(incident, 1), inter_code(incident, 2)) if code)
    if not codes:
        return None
    return codes[0] * 10 + (codes[1] if len(codes) > 1 else 0)


def civilian_targeting(incident: Incident) -> str:
    targets = (
        row.actor for row in related(incident, "participants") if row.role == ActorRole.TARGET
    )
    if any(actor.actor_type == ActorType.CIVILIANS for actor in targets):
        return "Civilian targeting"
    return ""


# ACLED has no column for how sure an attribution is. Each actor of the row whose
# attribution is not confirmed is written as a tag "<attribution>: <name>", in the
# "key: value" form of ACLED's own tags ("women targeted: girls"), and read back from it.
QUALIFIED_ATTRIBUTIONS = frozenset(Attribution.values) - {Attribution.CONFIRMED}


def attribution_tags(incident: Incident) -> list[str]:
    """ "suspected: <name>" (claimed, alleged) for each actor of either side not confirmed,
    once, in the sides' order."""
    tags = (
        f"{row.attribution}: {row.actor.name}"
        for number in (1, 2)
        for row in side_rows(incident, number)
        if row.attribution != Attribution.CONFIRMED
    )
    return list(dict.fromkeys(tags))


def read_attribution_tags(imported: ImportedIncident, tags: list[str]) -> list[str]:
    """Gives the row's actors the attributions its tags name; returns the other tags."""
    others = []
    for tag in tags:
        attribution, separator, name = tag.partition(": ")
        named = [spec for spec in imported.actors if spec.name == name]
        if separator and attribution in QUALIFIED_ATTRIBUTIONS and named:
            for spec in named:
                spec.attribution = attribution
        else:
            others.append(tag)
    return others


def _import_role(imported: ImportedIncident, number: int) -> str:
    # ACLED's sub_event_type column comes before the actors, so it has been read.
    return _sides(imported.fields.get("sub_event_type", ""))[number][0][0]


def _read_main_actor(number: int) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        if text:
            imported.actors.append(ActorSpec(text, _import_role(imported, number)))

    return read


def _read_associated_actors(number: int) -> Callable[[ImportedIncident, str], None]:
    def read(imported: ImportedIncident, text: str) -> None:
        role = _import_role(imported, number)
        imported.actors += [ActorSpec(name, role) for name in split(text)]

    return read


def _inter(text: str) -> int | None:
    if text in ("", "0"):  # older files write 0 for "no second actor"
        return None
    if text.isdigit() and 1 <= int(text) <= 8:
        return int(text)
    if fold(text) in INTER_NAMES:
        return INTER_NAMES[fold(text)]
    raise CellError(f"“{text}” is not an ACLED inter code (1–8) or actor type name.")


def _read_inter(number: int) -> Callable[[ImportedIncident, str], None]:
    """The inter code is the type of every actor of its side that has to be created."""

    def read(imported: ImportedIncident, text: str) -> None:
        code = _inter(text)
        role = _import_role(imported, number)
        actors = [spec for spec in imported.actors if spec.role == role]
        if actors and code is None:
            raise CellError(f"actor{number} is given, so inter{number} is required (1–8).")
        if code and not actors:
            raise CellError(f"inter{number} is {code} but actor{number} is empty.")
        for spec in actors:
            spec.actor_type = code

    return read


# -- the same in SQL ------------------------------------------------------------------------


def _on_side_sql(role: str, side: str, query: CellQuery) -> str:
    """_on_side as SQL: `p` plays `role` on `side` (A is any side but B)."""
    condition = f"p.role = {query.literal(str(role))}"
    if side == "B":
        return f"{condition} AND p.side = 'B'"
    if side:
        return f"{condition} AND p.side IS DISTINCT FROM 'B'"
    return condition


def _side_choice(number: int, index: int, query: CellQuery) -> str:
    """`p` is among the actors of the `index`-th role that may fill side `number`."""
    disrupted, usual = DISRUPTED_SIDES[number], SIDES[number]
    cases = [
        f"WHEN i.sub_event_type = {query.literal(DISRUPTED)} THEN "
        + (_on_side_sql(*disrupted[index], query) if index < len(disrupted) else "false"),
        "ELSE " + (_on_side_sql(*usual[index], query) if index < len(usual) else "false"),
    ]
    return f"(CASE {' '.join(cases)} END)"


def _sides_sql(query: CellQuery) -> str:
    """A lateral subquery: each side's actor names and inter codes, in the order entered.

    A side takes the actors of the first role in its list that has any (side_actors); the
    rows come sorted by id from the inner query, which array_agg reads in that order.
    """
    choices, arrays = [], []
    for number in (1, 2):
        count = max(len(SIDES[number]), len(DISRUPTED_SIDES[number]))
        names = [f"choice_{number}_{index}" for index in range(count)]
        choices += [
            f"{_side_choice(number, index, query)} AS {name}" for index, name in enumerate(names)
        ]
        for field, alias in (
            ("name", "names"),
            ("actor_type", "types"),
            ("attribution", "attributions"),
        ):
            first_found = ", ".join(
                f"array_agg(v.{field}) FILTER (WHERE v.{name})" for name in names
            )
            arrays.append(f"COALESCE({first_found}) AS {alias}{number}")
    civilians = (
        f"p.role = {query.literal(str(ActorRole.TARGET))} "
        f"AND ac.actor_type = {int(ActorType.CIVILIANS)}"
    )
    actor_table = IncidentActor._meta.get_field("actor").related_model._meta.db_table
    return (
        f"LEFT JOIN LATERAL (SELECT {', '.join(arrays)}, bool_or(v.civilians) AS civilians, "
        f"bool_or(v.attribution <> {query.literal(str(Attribution.CONFIRMED))}) AS qualified "
        f"FROM (SELECT ac.name, ac.actor_type, p.attribution, {civilians} AS civilians, "
        f"{', '.join(choices)} "
        f"FROM {IncidentActor._meta.db_table} AS p JOIN {actor_table} AS ac ON ac.id = p.actor_id "
        "WHERE p.incident_id = i.id ORDER BY p.id) AS v) AS a ON true"
    )


# names1, types1, attributions1 and the same for side 2: each side's actors (side_rows);
# civilians: whether a target is civilians; qualified: whether an attribution is not confirmed.
SIDE_ACTORS = Join("a", _sides_sql)


def _attribution_tags_sql(query: CellQuery) -> str:
    """A lateral subquery (once per incident, though its cell reads it more than once):
    attribution_tags, each actor of either side not confirmed, once, in the sides' order."""
    sides = query.join(SIDE_ACTORS)
    names = f"{sides}.names1 || {sides}.names2"
    attributions = f"{sides}.attributions1 || {sides}.attributions2"
    tagged = (
        "SELECT u.attribution || ': ' || u.name AS tag, u.n "
        f"FROM unnest({names}, {attributions}) WITH ORDINALITY AS u(name, attribution, n) "
        f"WHERE u.attribution <> {query.literal(str(Attribution.CONFIRMED))}"
    )
    # Most incidents have none to write: their tags need no subquery.
    tags = (
        f"CASE WHEN {sides}.qualified THEN array_to_string(ARRAY(SELECT x.tag FROM ({tagged}) "
        f"AS x GROUP BY x.tag ORDER BY min(x.n)), {query.literal(SEPARATOR)}) END"
    )
    return f"LEFT JOIN LATERAL (SELECT {tags} AS tags) AS at ON true"


# tags: attribution_tags joined with "; ", NULL when there are none.
ATTRIBUTION_TAGS = Join("at", _attribution_tags_sql, needs=(SIDE_ACTORS,))


def attribution_tags_sql(query: CellQuery) -> str:
    return f"{query.join(ATTRIBUTION_TAGS)}.tags"


def _interaction_sql(query: CellQuery) -> str:
    """interaction(): both inter codes, lowest first; a sole actor's code then 0."""
    sides = query.join(SIDE_ACTORS)
    first, second = f"NULLIF({sides}.types1[1], 0)", f"NULLIF({sides}.types2[1], 0)"
    return (
        f"LEAST({first}, {second}) * 10 + "
        f"CASE WHEN {first} IS NULL OR {second} IS NULL THEN 0 ELSE GREATEST({first}, {second}) END"
    )


# -- the columns ----------------------------------------------------------------------------


def main_actor_column(number: int, **options) -> Column:
    """actor1 or actor2: the first actor of the side."""
    return Column(
        f"actor{number}",
        _main_actor(number),
        _read_main_actor(number),
        sql=lambda q: text(f"{q.join(SIDE_ACTORS)}.names{number}[1]"),
        **options,
    )


def associated_actors_column(number: int) -> Column:
    """assoc_actor_1 or assoc_actor_2: the side's other actors."""
    return Column(
        f"assoc_actor_{number}",
        _associated_actors(number),
        _read_associated_actors(number),
        sql=lambda q: text(
            f"array_to_string({q.join(SIDE_ACTORS)}.names{number}[2:], {q.literal(SEPARATOR)})"
        ),
    )


def inter_column(number: int) -> Column:
    """inter1 or inter2: the inter code (actor type) of the side's first actor."""
    return Column(
        f"inter{number}",
        lambda incident: inter_code(incident, number),
        _read_inter(number),
        sql=lambda q: f"{q.join(SIDE_ACTORS)}.types{number}[1]",
    )


INTERACTION = Column("interaction", interaction, sql=_interaction_sql)
CIVILIAN_TARGETING = Column(
    "civilian_targeting",
    civilian_targeting,
    optional=True,
    sql=lambda q: f"CASE WHEN {q.join(SIDE_ACTORS)}.civilians THEN 'Civilian targeting' END",
)
