"""Countries and first-level administrative areas, from pycountry (ISO 3166).

Tessera stores countries as ISO 3166-1 alpha-3 codes and admin-1 areas as ISO 3166-2 codes;
the names shown to people come from pycountry, so they follow the standard's updates.
"""

from __future__ import annotations

from functools import cache

import pycountry


@cache
def country_choices() -> list[tuple[str, str]]:
    return sorted(
        ((country.alpha_3, country.name) for country in pycountry.countries),
        key=lambda choice: choice[1],
    )


def country_name(alpha_3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha_3) if alpha_3 else None
    return country.name if country else ""


def country_alpha_2(alpha_3: str) -> str:
    country = pycountry.countries.get(alpha_3=alpha_3) if alpha_3 else None
    return country.alpha_2 if country else ""


@cache
def admin1_areas(alpha_3: str) -> dict[str, str]:
    """ISO 3166-2 code → name of the country's top-level subdivisions."""
    alpha_2 = country_alpha_2(alpha_3)
    subdivisions = pycountry.subdivisions.get(country_code=alpha_2) if alpha_2 else None
    return {area.code: area.name for area in subdivisions or [] if area.parent_code is None}


@cache
def admin1_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Admin-1 areas grouped by country, for a select box."""
    return [
        (
            name,
            sorted(
                ((code, f"{area} ({code})") for code, area in areas.items()),
                key=lambda choice: choice[1],
            ),
        )
        for alpha_3, name in country_choices()
        if (areas := admin1_areas(alpha_3))
    ]


def admin1_name(code: str) -> str:
    area = pycountry.subdivisions.get(code=code) if code else None
    return area.name if area else ""
