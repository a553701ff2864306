"""`{% incident_queues %}`: the signed-in user's queues on the admin's home page."""

from __future__ import annotations

from typing import Any

from django import template

from incidents.admin_queues import queue_links

register = template.Library()


@register.inclusion_tag("admin/incidents/queues.html", takes_context=True)
def incident_queues(context: dict[str, Any]) -> dict[str, Any]:
    return {"queues": queue_links(context["request"].user)}
