"""`{% selection_url "incident-export" preset="native" %}`: the absolute URL of a route for the
page's selection (its filters, without paging), so that a feed, a citation or a download
linked from the explorer holds the incidents the page lists."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.urls import reverse

from core.site_urls import absolute_url
from incidents.selections import selection_query

register = template.Library()


@register.simple_tag(takes_context=True)
def selection_url(context: dict[str, Any], route: str, **extra: str) -> str:
    query = QueryDict(selection_query(context["request"].GET), mutable=True)
    for name, value in extra.items():
        query[name] = value
    encoded = query.urlencode()
    return absolute_url(reverse(route) + (f"?{encoded}" if encoded else ""))
