"""The CSV layouts Tessera exports and imports: its own, ACLED's and UCDP GED's."""

from __future__ import annotations

from csvio.layouts.acled import ACLED
from csvio.layouts.base import Preset
from csvio.layouts.native import NATIVE
from csvio.layouts.ucdp import UCDP

PRESETS: dict[str, Preset] = {preset.name: preset for preset in (NATIVE, ACLED, UCDP)}
