"""Building blocks shared by Tessera's apps (no models of its own)."""
