"""The words the generator names things with: actors and who takes part in what, places,
outlets, titles and quotes."""

from __future__ import annotations

from bench.generator.shape import BATTLES, CIVILIAN_VIOLENCE, DISRUPTED, EXPLOSIONS, PROTESTS, RIOTS
from bench.generator.weighted import Weighted
from geo.models import LocationKind
from incidents.taxonomy import ActorRole, SourceType

STATE, POLICE, REBEL, MILITIA, COMMUNAL = "state", "police", "rebel", "militia", "communal"
PROTESTERS, RIOTERS, CIVILIANS, EXTERNAL = "protesters", "rioters", "civilians", "external"
ARMED_KINDS = (STATE, REBEL, MILITIA, COMMUNAL)
GROUP_WORDS = (
    "Liberation",
    "Revolutionary",
    "Popular",
    "National",
    "Democratic",
    "Patriotic",
    "United",
    "Free",
    "Resistance",
    "Salvation",
    "Unity",
    "Dawn",
    "Victory",
    "Justice",
    "Martyrs",
    "Defence",
)
GROUP_NOUNS = (
    "Front",
    "Army",
    "Brigades",
    "Movement",
    "Battalions",
    "Forces",
    "Council",
    "Alliance",
    "Guard",
    "Legion",
)
# Foreign forces and the countries they fight in.
EXTERNAL_FORCES = {
    "Military Forces of Russia": ("UKR", "SYR", "MLI", "CAF", "LBY"),
    "Military Forces of the United States": ("IRQ", "SYR", "AFG", "SOM", "YEM"),
    "US-led Coalition": ("IRQ", "SYR"),
    "Military Forces of Turkey": ("SYR", "IRQ", "LBY", "AZE"),
    "Military Forces of Israel": ("PSE", "LBN", "SYR", "IRN", "YEM"),
    "Saudi-led Coalition": ("YEM",),
    "Military Forces of Iran": ("IRQ", "SYR", "PAK"),
    "Islamic Revolutionary Guard Corps": ("SYR", "IRQ"),
    "Wagner Group": ("MLI", "CAF", "LBY", "SDN", "SYR", "MOZ"),
    "African Union Mission": ("SOM",),
    "UN Peacekeeping Mission": ("COD", "MLI", "CAF", "SSD", "LBN", "SDN"),
    "Military Forces of France": ("MLI", "BFA", "NER", "TCD"),
    "Military Forces of the United Arab Emirates": ("YEM", "LBY"),
    "Military Forces of Ethiopia": ("SOM",),
    "Military Forces of Kenya": ("SOM",),
    "Military Forces of Rwanda": ("COD", "MOZ"),
    "Military Forces of Egypt": ("LBY",),
    "Military Forces of Chad": ("NER", "NGA", "CMR", "MLI"),
    "Military Forces of Pakistan": ("AFG", "IND"),
    "Military Forces of India": ("PAK",),
    "Military Forces of Ukraine": ("RUS",),
    "Military Forces of Armenia": ("AZE",),
    "Military Forces of Azerbaijan": ("ARM",),
    "Private Security Forces": ("MEX", "COL", "BRA", "HTI", "NGA"),
}

# Who takes part in each kind of event: (role, kinds to draw from with weights, chance).
Slot = tuple[str, Weighted[str], float]


def _kinds(**weights: float) -> Weighted[str]:
    return Weighted.of(list(weights.items()))


ARMED = _kinds(state=40, rebel=30, militia=15, communal=10, external=5)
ARMED_TARGETS = _kinds(state=35, rebel=35, militia=20, communal=10)
STRIKE_TARGETS = _kinds(civilians=40, state=25, rebel=25, militia=10)
SLOTS: dict[str, tuple[Slot, ...]] = {
    BATTLES: (
        (ActorRole.PERPETRATOR, ARMED, 1.0),
        (ActorRole.TARGET, ARMED_TARGETS, 0.95),
        (ActorRole.OTHER, ARMED, 0.25),
    ),
    EXPLOSIONS: (
        (ActorRole.PERPETRATOR, _kinds(state=40, external=15, rebel=30, militia=15), 0.85),
        (ActorRole.TARGET, STRIKE_TARGETS, 0.85),
        (ActorRole.CLAIMANT, _kinds(rebel=2, militia=1), 0.08),
        (ActorRole.RESPONDER, _kinds(state=1), 0.1),
    ),
    CIVILIAN_VIOLENCE: (
        (ActorRole.PERPETRATOR, _kinds(rebel=30, militia=35, communal=10, state=25), 1.0),
        (ActorRole.TARGET, _kinds(civilians=1), 1.0),
    ),
    PROTESTS: (
        (ActorRole.OTHER, _kinds(protesters=1), 1.0),
        (ActorRole.RESPONDER, _kinds(police=1), 0.2),
    ),
    RIOTS: (
        (ActorRole.PERPETRATOR, _kinds(rioters=1), 1.0),
        (ActorRole.TARGET, _kinds(civilians=50, police=30, state=20), 0.7),
    ),
    DISRUPTED: (
        (ActorRole.INTERCEPTOR, _kinds(state=3, external=2), 1.0),
        (ActorRole.TARGET, _kinds(state=3, external=2), 0.8),
        (ActorRole.PERPETRATOR, _kinds(rebel=1, militia=2, external=1), 0.6),
    ),
    "Arrests": (
        (ActorRole.PERPETRATOR, _kinds(police=3, state=1), 1.0),
        (ActorRole.TARGET, _kinds(protesters=1, rebel=1, civilians=2), 0.9),
    ),
    "Strategic developments": ((ActorRole.OTHER, _kinds(state=2, rebel=2, militia=1), 1.0),),
}


# Places and sources.
SYLLABLES = (
    "al",
    "ba",
    "bir",
    "da",
    "dar",
    "el",
    "ga",
    "ha",
    "ja",
    "ka",
    "kar",
    "kha",
    "la",
    "ma",
    "mar",
    "na",
    "ra",
    "sa",
    "sha",
    "ta",
    "tal",
    "wa",
    "ya",
    "za",
    "zan",
    "bo",
    "ko",
    "lu",
    "mi",
    "ni",
    "ri",
    "to",
    "vo",
    "yi",
)
PLACE_KINDS = Weighted.of(
    [
        (LocationKind.VILLAGE, 40),
        (LocationKind.CITY, 32),
        (LocationKind.DISTRICT, 8),
        (LocationKind.AREA, 8),
        (LocationKind.MILITARY_BASE, 8),
        (LocationKind.AIRPORT, 4),
    ]
)
PLACE_SUFFIXES = {
    LocationKind.DISTRICT: " District",
    LocationKind.AREA: " Valley",
    LocationKind.MILITARY_BASE: " Military Base",
    LocationKind.AIRPORT: " Airport",
}
# Fictional outlets: synthetic reports must not be attributed to real ones.
PUBLISHERS = (
    ("Regional Wire Service", SourceType.WIRE, "en"),
    ("The Frontline Monitor", SourceType.NEWS, "en"),
    ("Conflict Observatory", SourceType.REPORT, "en"),
    ("Al-Sahel Daily", SourceType.NEWS, "ar"),
    ("Ministry of Defence statements", SourceType.OFFICIAL_STATEMENT, "en"),
    ("Le Courrier du Sahel", SourceType.NEWS, "fr"),
    ("Eastern Front News", SourceType.NEWS, "uk"),
    ("Field Reports Collective", SourceType.SOCIAL_MEDIA, "en"),
    ("Humanitarian Situation Reports", SourceType.REPORT, "en"),
    ("Gulf Evening Post", SourceType.NEWS, "ar"),
    ("Noticias del Sur", SourceType.NEWS, "es"),
    ("Horn of Africa Tribune", SourceType.NEWS, "en"),
    ("Satellite Imagery Review", SourceType.IMAGERY, "en"),
    ("Open Events Dataset", SourceType.DATASET, "en"),
    ("Northern Herald", SourceType.NEWS, "en"),
    ("Levant Correspondent", SourceType.NEWS, "ar"),
    ("Wire of the Great Lakes", SourceType.WIRE, "fr"),
    ("Police press office", SourceType.OFFICIAL_STATEMENT, "en"),
    ("Armed group statements", SourceType.SOCIAL_MEDIA, "ar"),
    ("Community Radio Network", SourceType.NEWS, "en"),
)
SOURCE_TOPICS = (
    "Security situation update",
    "Weekly conflict monitor",
    "Casualty report",
    "Statement on recent attacks",
    "Field report",
    "Situation report",
    "Clashes and strikes overnight",
    "Incidents in the provinces",
)


# Titles and quotes.
TITLES = {
    "Armed clash": "Clashes near {place}",
    "Government regains territory": "Government forces retake {place}",
    "Non-state actor overtakes territory": "Armed group seizes {place}",
    "Chemical weapon": "Suspected chemical attack in {place}",
    "Air/drone strike": "Air strike on {place}",
    "Suicide bomb": "Suicide bombing in {place}",
    "Shelling/artillery/missile attack": "Shelling hits {place}",
    "Remote explosive/landmine/IED": "Roadside bomb explodes near {place}",
    "Grenade": "Grenade attack in {place}",
    "Sexual violence": "Sexual violence reported in {place}",
    "Attack": "Gunmen attack civilians in {place}",
    "Abduction/forced disappearance": "Abduction reported in {place}",
    "Peaceful protest": "Protest in {place}",
    "Protest with intervention": "Police disperse protest in {place}",
    "Excessive force against protesters": "Security forces fire on protesters in {place}",
    "Violent demonstration": "Violent demonstration in {place}",
    "Mob violence": "Mob violence in {place}",
    "Agreement": "Local agreement reached in {place}",
    "Arrests": "Arrests in {place}",
    "Change to group/activity": "Armed group changes activity near {place}",
    DISRUPTED: "Drone or missile intercepted near {place}",
    "Headquarters or base established": "Base established in {place}",
    "Looting/property destruction": "Looting and destruction in {place}",
    "Non-violent transfer of territory": "Control of {place} changes hands",
    "Other": "Security development in {place}",
}
QUOTES = (
    "Local sources said the incident took place in {place} on {date}. {casualties}",
    "“The situation in {place} remains tense,” a resident told the reporter on {date}. "
    "{casualties}",
    "According to a statement issued on {date}, the events in {place} are under "
    "investigation. {casualties}",
    "Witnesses in {place} described the events of {date}. {casualties}",
)
