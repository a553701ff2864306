"""templates/api/browsable_base.html is DRF's rest_framework/base.html with accessibility fixes
that no block can make: when an upgrade changes DRF's template, the copy must be compared."""

from __future__ import annotations

import hashlib
from pathlib import Path

import rest_framework

# The sha256 of the DRF template the copy was made from (DRF 3.18.3).
COPIED_FROM = "4116acaa2de3ac9a38a5bd8219e6163a4113a4f5b6f618893835199fe22947f1"


def test_drfs_base_template_is_the_one_the_copy_was_made_from():
    drf_template = Path(rest_framework.__file__).parent / "templates/rest_framework/base.html"

    digest = hashlib.sha256(drf_template.read_bytes()).hexdigest()

    assert digest == COPIED_FROM, (
        f"DRF {rest_framework.VERSION} changed rest_framework/base.html: carry the change into "
        "templates/api/browsable_base.html, then update COPIED_FROM"
    )
