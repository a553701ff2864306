"""The desk's queues in the admin: "My drafts", "Sent back to me", "Awaiting review".

incidents.workflow says which records each queue holds and who has it; here the incident
list offers them as a sidebar filter (`?queue=sent_back`), with the editor's comment as a
column of "Sent back to me", and the admin's home page lists them with their counts.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.urls import reverse

from incidents.models import Incident
from incidents.workflow import Queue, queues_for, sees_every_status

QUEUE_VAR = "queue"


def queue_counts(user) -> list[tuple[Queue, int]]:
    """The user's queues with the number of records in each, in one query."""
    queues = queues_for(user)
    counts = Incident.objects.aggregate(
        **{queue.key: Count("pk", filter=queue.records(user)) for queue in queues}
    )
    return [(queue, counts[queue.key]) for queue in queues]


def queue_links(user) -> list[dict[str, Any]]:
    """The admin home page's list of the user's queues (none for who sees no drafts)."""
    if not sees_every_status(user):
        return []
    changelist = reverse("admin:incidents_incident_changelist")
    return [
        {"label": queue.label, "count": count, "url": f"{changelist}?{QUEUE_VAR}={queue.key}"}
        for queue, count in queue_counts(user)
    ]


def in_queue(request: HttpRequest, incidents: QuerySet, key: str | None) -> QuerySet:
    """The incidents of the user's queue `key` (all of them when no queue is asked for)."""
    if not key:
        return incidents
    for queue in queues_for(request.user):
        if queue.key == key:
            return incidents.filter(queue.records(request.user))
    known = ", ".join(queue.key for queue in queues_for(request.user))
    problem = f"There is no queue “{key}” for you; yours are: {known}."
    messages.error(request, problem)
    raise IncorrectLookupParameters(problem)


def shows_comments(request: HttpRequest) -> bool:
    """Whether the list is "Sent back to me", where each row shows the editor's comment."""
    return request.GET.get(QUEUE_VAR) == "sent_back"


class QueueFilter(admin.ListFilter):
    """The sidebar's queues, each with its count; the change list narrows by `in_queue`."""

    title = "queue"
    parameter_name = QUEUE_VAR

    def __init__(self, request: HttpRequest, params: dict, model, model_admin) -> None:
        super().__init__(request, params, model, model_admin)
        if QUEUE_VAR in params:
            self.used_parameters[QUEUE_VAR] = params.pop(QUEUE_VAR)[-1]
        self.lookup_choices = queue_counts(request.user)

    def has_output(self) -> bool:
        return bool(self.lookup_choices)

    def expected_parameters(self) -> list[str | None]:
        return [QUEUE_VAR]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        return queryset

    def choices(self, changelist) -> Iterator[dict[str, Any]]:
        chosen = self.used_parameters.get(QUEUE_VAR)
        yield {
            "selected": chosen is None,
            "query_string": changelist.get_query_string(remove=[QUEUE_VAR]),
            "display": "Every record",
        }
        for queue, count in self.lookup_choices:
            yield {
                "selected": chosen == queue.key,
                "query_string": changelist.get_query_string({QUEUE_VAR: queue.key}),
                "display": f"{queue.label} ({count})",
            }


@admin.display(description="editor's comment")
def editors_comment(incident: Incident) -> str:
    return incident.review_note
