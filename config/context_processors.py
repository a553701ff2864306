from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def project(request: HttpRequest) -> dict[str, str]:
    return {"project_name": settings.TESSERA_NAME}
