"""The CSV layouts Tessera exports and imports: its own, ACLED's and UCDP GED's."""

from __future__ import annotations

from incidents.presets.acled import ACLED
from incidents.presets.base import Preset
from incidents.presets.native import NATIVE
from incidents.presets.ucdp import UCDP

PRESETS: dict[str, Preset] = {preset.name: preset for preset in (NATIVE, ACLED, UCDP)}
