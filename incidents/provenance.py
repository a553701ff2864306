"""Where sources come from: independent sources per incident, and the captured copies.

Two outlets that report the same statement make one claim, not two: Track Persia
republishing Al Arabiya, which quotes a coalition statement, is the coalition's word once.
So every source has an independence key, and sources with the same key count once:

- walk from the source up its `republished_from` chain; the first `originator` found
  (the source's own first) gives "actor:<id>": the claim is that actor's;
- with no originator anywhere on the chain, "source:<id>" of the chain's first publication
  (the one that republishes nothing). A chain that loops back on itself has no first
  publication; the lowest id in the loop stands for it.

An incident's `independent_sources` is the number of distinct keys among the sources of its
supporting citations; contradicting citations do not count. A source whose key has not been
written yet (rows bulk-inserted without signals) counts as its own origin, which is right
for any source that republishes nothing and names no originator.

Keys and counts are written:
- after sources, citations and originators are saved or deleted through the ORM (signals,
  connected by the app config), when what the keys and counts depend on changed;
- on request, with `refresh_independence_keys()` and `refresh_independent_sources()`, after
  writes that send no signals (bulk_create, QuerySet.update, raw SQL).

A captured copy (`Source.capture`) is the document as it was when captured; its SHA-256,
computed on upload by `Source.save()`, lets `verify_capture()` show that it has not changed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping

from django.apps import apps as global_apps
from django.core.files import File
from django.db.models import Case, CharField, Count, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

from incidents import search
from incidents.taxonomy import Stance

# Ids per statement: short statements, within SQLite's parameter limit.
BATCH_SIZE = 5000
# Bytes read at a time when hashing a captured copy.
CHUNK_SIZE = 1024 * 1024
# What a source's key depends on, and what decides whether a citation counts, and where.
CHAIN_FIELDS = ("republished_from_id", "originator_id")
CITATION_FIELDS = ("incident_id", "source_id", "stance")
# The links of a source to the records whose deletion changes its key.
LINK_FIELDS = {"incidents.source": "republished_from", "incidents.actor": "originator"}

# A source's place in its chain: (republished_from id, originator id).
Link = tuple[int | None, int | None]
# A source's link and its stored key.
Row = tuple[int | None, int | None, str]


def independence_key(source_id: int, links: Mapping[int, Link]) -> str:
    """The independence key of a source, given the links of it and of its ancestors."""
    chain: list[int] = []
    current: int | None = source_id
    while current in links and current not in chain:
        chain.append(current)
        republished_from, originator = links[current]
        if originator is not None:
            return f"actor:{originator}"
        current = republished_from
    if current in chain:  # a loop
        return f"source:{min(chain[chain.index(current) :])}"
    return f"source:{chain[-1]}"


def refresh_independence_keys(source_ids: Iterable[int] | None, *, apps=global_apps) -> list[int]:
    """Rewrite the keys of the given sources (all when None) and of all their republications.

    Then recount the incidents that cite a source whose key changed (every incident when
    `source_ids` is None). Returns the ids of the sources whose key changed. `apps` lets a
    data migration pass its historical models.
    """
    Source = apps.get_model("incidents", "Source")
    Citation = apps.get_model("incidents", "Citation")
    sources = Source._default_manager
    if source_ids is None:
        rows = _rows(sources.all())
        targets: Iterable[int] = rows
    else:
        republished = _with_republications(sources, source_ids)
        rows = _chains(sources, republished)
        # A source deleted meanwhile (with the one it republished, say) has no row.
        targets = [pk for pk in republished if pk in rows]
    changed = _changed_keys(targets, rows)
    sources.bulk_update(
        [Source(pk=pk, independence_key=key) for pk, key in changed.items()],
        ["independence_key"],
        batch_size=1000,
    )
    if source_ids is None:
        refresh_independent_sources(apps=apps)
    else:
        for batch in _batches(changed):
            citing = Citation._default_manager.filter(source_id__in=batch)
            refresh_independent_sources(citing.values("incident_id"), apps=apps)
    return sorted(changed)


def _changed_keys(source_ids: Iterable[int], rows: Mapping[int, Row]) -> dict[int, str]:
    """The sources whose key is not the one stored, with their new keys."""
    links = {
        pk: (republished_from, originator) for pk, (republished_from, originator, _) in rows.items()
    }
    keys = {pk: independence_key(pk, links) for pk in source_ids}
    return {pk: key for pk, key in keys.items() if key != rows[pk][2]}


def _rows(sources: QuerySet) -> dict[int, Row]:
    return {
        pk: (republished_from, originator, key)
        for pk, republished_from, originator, key in sources.values_list(
            "pk", *CHAIN_FIELDS, "independence_key"
        )
    }


def _with_republications(sources, source_ids: Iterable[int]) -> set[int]:
    """The sources and every source that republishes them, directly or through others."""
    found = set(source_ids)
    frontier = set(found)
    while frontier:
        republications = set()
        for batch in _batches(frontier):
            republications.update(
                sources.filter(republished_from_id__in=batch).values_list("pk", flat=True)
            )
        frontier = republications - found
        found |= frontier
    return found


def _chains(sources, source_ids: Iterable[int]) -> dict[int, Row]:
    """The rows of the sources and of every source up their chains."""
    rows: dict[int, Row] = {}
    asked: set[int] = set()
    wanted = set(source_ids)
    while wanted:
        asked |= wanted
        for batch in _batches(wanted):
            rows.update(_rows(sources.filter(pk__in=batch)))
        wanted = {row[0] for row in rows.values() if row[0] is not None} - asked
    return rows


def refresh_independent_sources(
    incident_ids: Iterable[int] | QuerySet | None = None, *, apps=global_apps
) -> int:
    """Recount the independent supporting sources of the given incidents (all when None).

    `incident_ids` may be ids or a queryset of ids (e.g. `.values("incident_id")`); the work
    is one UPDATE per batch of ids, so bulk writes (imports, the generator) call it once
    afterwards. Returns how many incidents were recounted.
    """
    Incident = apps.get_model("incidents", "Incident")
    incidents = Incident._default_manager.all()
    count = independent_source_count(apps)
    if incident_ids is None:
        return incidents.update(independent_sources=count)
    if isinstance(incident_ids, QuerySet):
        return incidents.filter(pk__in=incident_ids).update(independent_sources=count)
    return sum(
        incidents.filter(pk__in=batch).update(independent_sources=count)
        for batch in _batches(incident_ids)
    )


def independent_source_count(apps=global_apps) -> Coalesce:
    """The SQL expression of an incident's number of independent supporting sources."""
    Citation = apps.get_model("incidents", "Citation")
    # A key not written yet stands for the source itself (see the module's docstring).
    key = Case(
        When(
            source__independence_key="",
            then=Concat(Value("source:"), Cast("source_id", CharField())),
        ),
        default="source__independence_key",
        output_field=CharField(),
    )
    supporting = (
        Citation._default_manager.filter(incident_id=OuterRef("pk"), stance=Stance.SUPPORTS)
        .order_by()
        .values("incident_id")
        .annotate(count=Count(key, distinct=True))
        .values("count")
    )
    return Coalesce(Subquery(supporting), 0)


def count_independent(supporting_sources: Iterable) -> int:
    """What independent_source_count() gives for an incident citing `supporting_sources`,
    from records in memory."""
    return len({source.independence_key or f"source:{source.pk}" for source in supporting_sources})


def _batches(ids: Iterable[int]) -> Iterator[list[int]]:
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), BATCH_SIZE):
        yield ordered[start : start + BATCH_SIZE]


# -- Captured copies -------------------------------------------------------------------------


def sha256_of(file: File) -> str:
    """The SHA-256 of a file's content in hex, read in chunks so that memory stays flat."""
    digest = hashlib.sha256()
    for chunk in file.chunks(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def verify_capture(source) -> bool | None:
    """Whether the stored captured copy still has the SHA-256 recorded at its upload.

    None when there is nothing to check: the source has no capture (`not source.capture`),
    or the file it names is missing from storage.
    """
    capture = source.capture
    if not capture:
        return None
    try:
        file = capture.storage.open(capture.name, "rb")
    except FileNotFoundError:
        return None
    with file:
        return sha256_of(file) == source.content_sha256


# -- Keeping keys and counts up to date on ORM writes ----------------------------------------


def connect_signals() -> None:
    from incidents.models import Actor, Citation, Source

    pre_save.connect(_remember_chain, sender=Source, dispatch_uid="provenance-source-before")
    post_save.connect(_source_saved, sender=Source, dispatch_uid="provenance-source")
    pre_save.connect(_remember_citation, sender=Citation, dispatch_uid="provenance-citation-before")
    post_save.connect(_citation_saved, sender=Citation, dispatch_uid="provenance-citation")
    post_delete.connect(
        _citation_deleted, sender=Citation, dispatch_uid="provenance-citation-deleted"
    )
    for model in (Source, Actor):
        label = model._meta.label_lower
        pre_delete.connect(
            _remember_linked_sources, sender=model, dispatch_uid=f"provenance-{label}"
        )
        post_delete.connect(
            _linked_sources_unlinked, sender=model, dispatch_uid=f"provenance-{label}-deleted"
        )


def _remember(instance, fields: tuple[str, ...], raw: bool, update_fields) -> None:
    """Keep the fields as the database holds them before this save (None for a new row).

    Nothing is kept, and the save is skipped afterwards, when it is raw (loaddata brings the
    stored keys and counts along) or writes only other fields.
    """
    saved = None
    if update_fields is not None:
        saved = {type(instance)._meta.get_field(name).attname for name in update_fields}
    instance._provenance_skip = raw or (saved is not None and not saved & set(fields))
    if instance._provenance_skip or instance._state.adding:
        instance._provenance_before = None
        return
    stored = type(instance)._default_manager.filter(pk=instance.pk)
    instance._provenance_before = stored.values_list(*fields).first()


def _changed(instance, fields: tuple[str, ...]) -> tuple[tuple | None, tuple] | None:
    """(before, now) when this save changed the fields, else None."""
    if instance.__dict__.pop("_provenance_skip", True):
        return None
    before = instance.__dict__.pop("_provenance_before", None)
    now = tuple(getattr(instance, field) for field in fields)
    return None if before == now else (before, now)


def _remember_chain(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    _remember(instance, CHAIN_FIELDS, raw, update_fields)


def _source_saved(sender, instance, **kwargs) -> None:
    """A new source, or one that republishes another or names another originator: new keys."""
    if _changed(instance, CHAIN_FIELDS):
        refresh_independence_keys([instance.pk])


def _remember_citation(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    # Bulk imports write citations with the search refreshes deferred, and recount afterwards.
    if not search.refreshes_are_deferred():
        _remember(instance, CITATION_FIELDS, raw, update_fields)


def _citation_saved(sender, instance, **kwargs) -> None:
    """Recount the incidents the citation supported before and supports now."""
    change = _changed(instance, CITATION_FIELDS)
    if change is None:
        return
    refresh_independent_sources(
        [state[0] for state in change if state is not None and state[2] == Stance.SUPPORTS]
    )


def _citation_deleted(sender, instance, origin=None, **kwargs) -> None:
    from incidents.models import Incident

    if search.refreshes_are_deferred() or instance.stance != Stance.SUPPORTS:
        return
    # Deleting the incident itself deletes its citations: nothing is left to recount.
    if isinstance(origin, Incident) or getattr(origin, "model", None) is Incident:
        return
    refresh_independent_sources([instance.incident_id])


def _remember_linked_sources(sender, instance, **kwargs) -> None:
    from incidents.models import Source

    field = LINK_FIELDS[sender._meta.label_lower]
    linked = Source.objects.filter(**{field: instance}).values_list("pk", flat=True)
    instance._provenance_linked = list(linked)


def _linked_sources_unlinked(sender, instance, **kwargs) -> None:
    """Deleting a source or an actor empties the links that named it (SET_NULL, an UPDATE
    without signals): the sources that had those links get new keys."""
    linked = instance.__dict__.pop("_provenance_linked", [])
    if linked:
        refresh_independence_keys(linked)
