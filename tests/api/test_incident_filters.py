"""The incident filters of /api/v1/incidents/: what each keeps, what each refuses."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from incidents.filters import IncidentFilterSet
from incidents.models import Incident, Tag
from incidents.taxonomy import ActorRole, Confidence, Outcome, Status, Weapon
from tests.factories import (
    ActorFactory,
    CitationFactory,
    IncidentActorFactory,
    IncidentFactory,
    LocationFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents/"
DRONES_DOWN = ("Strategic developments", "Disrupted weapons use")
STRIKE = ("Explosions/Remote violence", "Air/drone strike")

# The demo incidents (the `seeded` fixture), by public id.
GREEN_VILLAGE = "SYR-2022-00001"
MAYADEEN = "SYR-2022-00002"
ASAD_ROCKETS = "IRQ-2022-00001"
ASAD_DRONES = "IRQ-2022-00002"
BAGHDAD_AIRPORT = "IRQ-2022-00003"


def listed(client: Client, params: dict) -> list[str]:
    """The public ids the list returns, in order."""
    response = client.get(URL, params)
    assert response.status_code == 200, response.content
    return [row["public_id"] for row in response.json()["results"]]


def found(client: Client, params: dict) -> set[str]:
    return set(listed(client, params))


def refused(client: Client, params: dict) -> dict[str, list[str]]:
    response = client.get(URL, params)
    assert response.status_code == 400, response.content
    return response.json()


def incident(**fields) -> str:
    return IncidentFactory(**fields).public_id


def place(**fields):
    return LocationFactory(**fields)


# -- The demo data --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        (
            {"date_after": "2022-01-03", "date_before": "2022-01-05"},
            {GREEN_VILLAGE, MAYADEEN, ASAD_ROCKETS, ASAD_DRONES, BAGHDAD_AIRPORT},
        ),
        ({"country": "IRQ"}, {ASAD_ROCKETS, ASAD_DRONES, BAGHDAD_AIRPORT}),
        ({"sub_event_type": "Disrupted weapons use"}, {ASAD_DRONES, BAGHDAD_AIRPORT}),
        # Ain al-Asad is at 33.7856 N, 42.4411 E.
        ({"bbox": "42.3,33.7,42.6,33.9"}, {ASAD_ROCKETS, ASAD_DRONES}),
        # Baghdad airport; Ain al-Asad is some 180 km away.
        ({"near": "33.2625,44.2344,20"}, {BAGHDAD_AIRPORT}),
    ],
)
def test_demo_incidents(client, seeded, params, expected):
    assert found(client, params) == expected


# -- Dates ----------------------------------------------------------------------------------


@pytest.fixture
def dated():
    return {
        "jan1-3": incident(date_start=dt.date(2022, 1, 1), date_end=dt.date(2022, 1, 3)),
        "jan5": incident(date_start=dt.date(2022, 1, 5)),
        "jan10-20": incident(date_start=dt.date(2022, 1, 10), date_end=dt.date(2022, 1, 20)),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"date_after": "2022-01-03"}, {"jan1-3", "jan5", "jan10-20"}),  # ends that day
        ({"date_after": "2022-01-04"}, {"jan5", "jan10-20"}),
        ({"date_before": "2022-01-05"}, {"jan1-3", "jan5"}),  # starts that day
        ({"date_before": "2022-01-04"}, {"jan1-3"}),
        ({"date_after": "2022-01-04", "date_before": "2022-01-04"}, set()),
        ({"date_after": "2022-01-05", "date_before": "2022-01-05"}, {"jan5"}),
        ({"date_after": "2022-01-12", "date_before": "2022-01-13"}, {"jan10-20"}),  # inside
        ({"date_after": "2021-12-01", "date_before": "2022-01-01"}, {"jan1-3"}),  # first day
    ],
)
def test_dates_match_incidents_whose_range_overlaps(client, dated, params, expected):
    assert found(client, params) == {dated[name] for name in expected}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"date_after": "2022-13-01"}, "date_after"),
        ({"date_after": "yesterday"}, "date_after"),
        ({"date_before": "05/01/2022"}, "date_before"),
        ({"date_after": "2022-01-05", "date_before": "2022-01-04"}, "date_before"),
    ],
)
def test_bad_dates_are_refused(client, params, parameter):
    assert parameter in refused(client, params)


def test_updated_since_keeps_incidents_changed_at_or_after_it(client):
    old, new = incident(), incident()
    changed = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    Incident.objects.filter(public_id=old).update(updated_at=changed - dt.timedelta(seconds=1))
    Incident.objects.filter(public_id=new).update(updated_at=changed)

    assert found(client, {"updated_since": "2024-05-01T12:00:00Z"}) == {new}
    assert found(client, {"updated_since": "2024-05-01T15:00:00+03:00"}) == {new}
    assert found(client, {"updated_since": "2024-05-01T11:59:59Z"}) == {old, new}


def test_updated_since_with_any_offset_python_reads_is_compared_in_utc(client):
    old, new = incident(), incident()
    changed = dt.datetime(2024, 5, 1, 12, tzinfo=dt.UTC)
    Incident.objects.filter(public_id=old).update(updated_at=changed - dt.timedelta(seconds=1))
    Incident.objects.filter(public_id=new).update(updated_at=changed)

    # PostgreSQL itself refuses offsets beyond ±15:59.
    assert found(client, {"updated_since": "2024-05-02T06:30:00+18:30"}) == {new}
    assert found(client, {"updated_since": "0293-04-04T21:27:54.9+18:57"}) == {old, new}


def test_updated_since_before_year_one_in_utc_is_refused(client):
    body = refused(client, {"updated_since": "0001-01-01T00:00:00+05:00"})

    assert "ISO 8601" in body["updated_since"][0]


def test_bad_updated_since_is_refused(client):
    body = refused(client, {"updated_since": "last tuesday"})

    assert "ISO 8601" in body["updated_since"][0]


# -- Coding ---------------------------------------------------------------------------------


def test_event_type_and_sub_event_type(client):
    strike = incident(event_type=STRIKE[0], sub_event_type=STRIKE[1])
    drones = incident(event_type=DRONES_DOWN[0], sub_event_type=DRONES_DOWN[1])
    shelling = incident()

    assert found(client, {"event_type": "Explosions/Remote violence"}) == {strike, shelling}
    assert found(client, {"sub_event_type": "Air/drone strike"}) == {strike}
    assert found(client, {"sub_event_type": "Air/drone strike,Disrupted weapons use"}) == {
        strike,
        drones,
    }


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("event_type", "battles"),
        ("event_type", "Explosions"),
        ("sub_event_type", "Drone strike"),
        ("weapon", "laser"),
        ("outcome", "exploded"),
        ("confidence", "certain"),
    ],
)
def test_a_value_outside_the_vocabulary_is_refused(client, parameter, value):
    body = refused(client, {parameter: value})

    assert f"“{value}”" in body[parameter][0]


@pytest.mark.parametrize(
    ("parameter", "kept", "left_out"),
    [
        ("weapon", Weapon.ROCKET, Weapon.ARMED_DRONE),
        ("outcome", Outcome.INTERCEPTED, Outcome.IMPACT),
        ("confidence", Confidence.CONFIRMED, Confidence.CONTESTED),
    ],
)
def test_coded_fields(client, parameter, kept, left_out):
    match = incident(**{parameter: kept})
    incident(**{parameter: left_out})

    assert found(client, {parameter: kept}) == {match}


@pytest.mark.parametrize(
    "parameter", ["weapon", "event_type", "country", "location", "actor", "tag", "status"]
)
def test_repeated_and_comma_separated_values_are_the_same_list(analyst_client, parameter):
    first, second = LocationFactory(country="IRQ"), LocationFactory(country="SYR")
    actors = [ActorFactory(), ActorFactory()]
    tags = [Tag.objects.create(name="first"), Tag.objects.create(name="second")]
    values = {
        "weapon": [Weapon.ROCKET, Weapon.MISSILE],
        "event_type": [STRIKE[0], DRONES_DOWN[0]],
        "country": ["IRQ", "SYR"],
        "location": [str(first.pk), str(second.pk)],
        "actor": [actors[0].name, str(actors[1].pk)],
        "tag": ["first", "second"],
        "status": [Status.DRAFT, Status.IN_REVIEW],
    }[parameter]
    # Only the status test's rows are unpublished: a list gives published ones by default.
    statuses = [Status.DRAFT, Status.IN_REVIEW] if parameter == "status" else [Status.PUBLISHED] * 2
    rows = [
        IncidentFactory(
            weapon=Weapon.ROCKET,
            event_type=STRIKE[0],
            sub_event_type=STRIKE[1],
            location=first,
            status=statuses[0],
        ),
        IncidentFactory(
            weapon=Weapon.MISSILE,
            event_type=DRONES_DOWN[0],
            sub_event_type=DRONES_DOWN[1],
            location=second,
            status=statuses[1],
        ),
        IncidentFactory(
            weapon=Weapon.IED,
            event_type="Battles",
            sub_event_type="Armed clash",
            location=LocationFactory(country="YEM"),
        ),
    ]
    for row, actor, tag in zip(rows, actors, tags, strict=False):
        IncidentActorFactory(incident=row, actor=actor)
        row.tags.add(tag)

    repeated = found(analyst_client, {parameter: values})
    comma_separated = found(analyst_client, {parameter: ",".join(values)})

    assert repeated == comma_separated == {rows[0].public_id, rows[1].public_id}


# -- Places ---------------------------------------------------------------------------------


def test_country_and_admin1(client):
    anbar = incident(location=place(country="IRQ", admin1="IQ-AN"))
    baghdad = incident(location=place(country="IRQ", admin1="IQ-BG"))
    syria = incident(location=place(country="SYR", admin1="SY-DY"))

    assert found(client, {"country": "IRQ"}) == {anbar, baghdad}
    assert found(client, {"country": "syr"}) == {syria}
    assert found(client, {"admin1": "IQ-AN"}) == {anbar}
    assert found(client, {"admin1": "IQ-AN,SY-DY"}) == {anbar, syria}


@pytest.mark.parametrize(
    ("parameter", "value"),
    [("country", "IRAQ"), ("country", "XYZ"), ("admin1", "IQ-XX"), ("admin1", "Anbar")],
)
def test_unknown_codes_are_refused(client, parameter, value):
    assert value in refused(client, {parameter: value})[parameter][0]


def test_location(client):
    here, elsewhere = place(), place()
    match = incident(location=here)
    incident(location=elsewhere)

    assert found(client, {"location": here.pk}) == {match}


@pytest.mark.parametrize("value", ["abc", "1.5", "999999", "99999999999999999999999"])
def test_a_location_that_is_not_an_id_of_a_place_is_refused(client, value):
    body = refused(client, {"location": value})

    assert value in body["location"][0]


def test_bbox_keeps_places_inside_it_edges_included(client):
    # Baghdad (33.31 N, 44.36 E), Basra (30.51 N, 47.81 E), Mosul (36.34 N, 43.13 E).
    baghdad = incident(location=place(latitude=33.3152, longitude=44.3661))
    basra = incident(location=place(latitude=30.5085, longitude=47.7804))
    mosul = incident(location=place(latitude=36.3400, longitude=43.1300))

    assert found(client, {"bbox": "44,33,45,34"}) == {baghdad}
    assert found(client, {"bbox": "43.13,30,48,36.34"}) == {baghdad, basra, mosul}
    assert found(client, {"bbox": "43.14,30,48,36.34"}) == {baghdad, basra}


def test_a_bbox_whose_min_lon_exceeds_max_lon_crosses_the_antimeridian(client):
    # Suva, Fiji (178.44 E) and Nuku'alofa, Tonga (175.2 W) lie either side of the 180th meridian.
    suva = incident(location=place(country="FJI", latitude=-18.1416, longitude=178.4419))
    tonga = incident(location=place(country="TON", latitude=-21.1394, longitude=-175.2049))
    incident(location=place(country="AUS", latitude=-27.4698, longitude=153.0251))  # Brisbane

    assert found(client, {"bbox": "175,-25,-170,-15"}) == {suva, tonga}
    assert found(client, {"bbox": "-170,-25,175,-15"}) == set()


@pytest.mark.parametrize(
    "value",
    [
        "44,33,45",  # three numbers
        "44,33,45,34,1",
        "44,33,east,34",
        "44,123,45,124",  # latitude out of range
        "-200,33,45,34",
        "44,34,45,33",  # min_lat north of max_lat
        "nan,33,45,34",
    ],
)
def test_a_malformed_bbox_is_refused(client, value):
    assert "bbox" in refused(client, {"bbox": value})


def test_near_measures_the_great_circle_distance(client):
    centre = (33.2625, 44.2344)
    # 1° of latitude is 111.195 km on the mean Earth radius.
    just_inside = incident(
        location=place(latitude=centre[0] + 19.99 / 111.195, longitude=centre[1])
    )
    incident(location=place(latitude=centre[0] + 20.01 / 111.195, longitude=centre[1]))
    # At 60 N, 0.35953° of longitude is 19.99 km.
    north = incident(location=place(latitude=60.0, longitude=10.0 + 0.35953))

    assert found(client, {"near": "33.2625,44.2344,20"}) == {just_inside}
    assert found(client, {"near": "60,10,20"}) == {north}
    assert found(client, {"near": "60,10,19.9"}) == set()


def test_a_circle_around_a_pole_keeps_every_longitude(client):
    # From 80 N 0 E over the pole to 88 N 180 E is 12° of arc, about 1,334 km.
    beyond_the_pole = incident(location=place(latitude=88.0, longitude=180.0))
    incident(location=place(latitude=60.0, longitude=0.0))  # 20° south, 2,224 km

    assert found(client, {"near": "80,0,1500"}) == {beyond_the_pole}


def test_near_across_the_antimeridian(client):
    suva = incident(location=place(country="FJI", latitude=-18.1416, longitude=178.4419))
    taveuni = incident(location=place(country="FJI", latitude=-16.8500, longitude=-179.9700))

    assert found(client, {"near": "-17.5,179.9,200"}) == {suva, taveuni}
    assert found(client, {"near": "-16.85,-179.97,20"}) == {taveuni}


@pytest.mark.parametrize(
    "value",
    ["33.26,44.23", "33.26,44.23,0", "33.26,44.23,-5", "123,44.23,20", "33.26,190,20", "a,b,c"],
)
def test_a_malformed_near_is_refused(client, value):
    assert "near" in refused(client, {"near": value})


# -- Actors, sources, tags ------------------------------------------------------------------


@pytest.fixture
def cast():
    militia = ActorFactory(name="Kataib Hezbollah")
    coalition = ActorFactory(name="US-led Coalition")
    attack = IncidentFactory()
    IncidentActorFactory(incident=attack, actor=militia, role=ActorRole.PERPETRATOR)
    IncidentActorFactory(incident=attack, actor=coalition, role=ActorRole.TARGET)
    response = IncidentFactory()
    IncidentActorFactory(incident=response, actor=coalition, role=ActorRole.PERPETRATOR)
    IncidentActorFactory(incident=response, actor=militia, role=ActorRole.TARGET)
    intercept = IncidentFactory()
    IncidentActorFactory(incident=intercept, actor=coalition, role=ActorRole.TARGET)
    IncidentActorFactory(incident=intercept, actor=coalition, role=ActorRole.INTERCEPTOR)
    return {
        "militia": militia,
        "coalition": coalition,
        "attack": attack.public_id,
        "response": response.public_id,
        "intercept": intercept.public_id,
    }


def test_actor_matches_any_role_by_id_or_name_once_per_incident(client, cast):
    by_name = listed(client, {"actor": "US-led Coalition"})

    assert sorted(by_name) == sorted([cast["attack"], cast["response"], cast["intercept"]])
    assert found(client, {"actor": cast["militia"].pk}) == {cast["attack"], cast["response"]}


def test_perpetrator_and_target_look_at_the_role(client, cast):
    assert found(client, {"perpetrator": "Kataib Hezbollah"}) == {cast["attack"]}
    assert found(client, {"target": cast["militia"].pk}) == {cast["response"]}
    assert found(client, {"target": "US-led Coalition"}) == {cast["attack"], cast["intercept"]}
    assert found(client, {"perpetrator": "Kataib Hezbollah", "target": "Kataib Hezbollah"}) == set()


@pytest.mark.parametrize("parameter", ["actor", "perpetrator", "target"])
def test_an_actor_that_does_not_exist_is_refused(client, cast, parameter):
    body = refused(client, {parameter: "Kataib Hezbolla,US-led Coalition"})

    assert body[parameter] == ["No actor has the id or name “Kataib Hezbolla”."]


def test_source_and_publisher(client):
    wire = SourceFactory(publisher="Example Wire")
    other = SourceFactory(publisher="Al Arabiya")
    from_wire = CitationFactory(source=wire).incident.public_id
    from_other = CitationFactory(source=other).incident.public_id
    both = IncidentFactory()
    CitationFactory(incident=both, source=wire)
    CitationFactory(incident=both, source=other)

    assert sorted(listed(client, {"source": wire.pk})) == sorted([from_wire, both.public_id])
    assert sorted(listed(client, {"publisher": "al arabiya"})) == sorted(
        [from_other, both.public_id]
    )
    assert found(client, {"publisher": "Al Arab"}) == set()


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"source": "wire"}, "source"),
        ({"source": "424242"}, "source"),
        ({"publisher": '"Reu'}, "publisher"),
    ],
)
def test_bad_sources_are_refused(client, params, parameter):
    assert parameter in refused(client, params)


def test_tag_names_may_contain_commas_when_quoted(client):
    anniversary = IncidentFactory()
    anniversary.tags.add(Tag.objects.create(name="Soleimani anniversary, January 2022"))
    other = IncidentFactory()
    other.tags.add(Tag.objects.create(name="Tanker war"))
    IncidentFactory()

    assert found(client, {"tag": '"Soleimani anniversary, January 2022"'}) == {
        anniversary.public_id
    }
    assert found(client, {"tag": '"Soleimani anniversary, January 2022",Tanker war'}) == {
        anniversary.public_id,
        other.public_id,
    }
    assert "tag" in refused(client, {"tag": "Soleimani anniversary"})


# -- Casualties -----------------------------------------------------------------------------


@pytest.fixture
def counted():
    return {
        "none": incident(fatalities_best=0),
        "five": incident(fatalities_best=5),
        "unknown": incident(fatalities_best=None),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"fatalities_min": 0}, {"none", "five"}),  # unknown is not zero
        ({"fatalities_min": 5}, {"five"}),
        ({"fatalities_max": 4}, {"none"}),
        ({"fatalities_min": 1, "fatalities_max": 5}, {"five"}),
    ],
)
def test_fatalities_never_match_an_unknown_count(client, counted, params, expected):
    assert found(client, params) == {counted[name] for name in expected}


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"fatalities_min": "-1"}, "fatalities_min"),
        ({"fatalities_min": "1.5"}, "fatalities_min"),
        ({"fatalities_min": "1.0"}, "fatalities_min"),
        ({"independent_sources_min": "\u0663"}, "independent_sources_min"),  # Arabic-Indic 3
        ({"fatalities_max": "many"}, "fatalities_max"),
        ({"fatalities_max": "99999999999"}, "fatalities_max"),
        ({"fatalities_min": "5", "fatalities_max": "4"}, "fatalities_max"),
    ],
)
def test_bad_fatality_bounds_are_refused(client, params, parameter):
    assert parameter in refused(client, params)


# -- Text search ----------------------------------------------------------------------------


def test_q_finds_by_actor_alias_and_place_alternate_name(client, seeded):
    assert found(client, {"q": "SDF"}) == {GREEN_VILLAGE}
    assert found(client, {"q": "BIAP"}) == {BAGHDAD_AIRPORT}
    assert found(client, {"q": "Mayadin"}) == {MAYADEEN}


def test_q_needs_every_word(client):
    rockets = incident(title="Rockets hit Ain al-Asad")
    incident(title="Drones shot down over Ain al-Asad")

    assert found(client, {"q": "Asad rockets"}) == {rockets}


def test_q_never_finds_a_draft_for_anonymous_users(client, analyst_client):
    draft = incident(title="Drone strike near Zakho", status=Status.DRAFT)

    assert found(client, {"q": "Zakho"}) == set()
    assert found(analyst_client, {"q": "Zakho", "status": "draft"}) == {draft}


def test_an_overlong_q_is_refused(client):
    assert "q" in refused(client, {"q": "word " * 100})


# -- Status ---------------------------------------------------------------------------------


@pytest.fixture
def statuses():
    return {status: incident(status=status) for status in Status.values}


def test_anyone_may_ask_for_public_statuses(client, statuses):
    assert found(client, {"status": "retracted"}) == {statuses["retracted"]}


@pytest.mark.parametrize("value", ["draft", "in review", "published,draft"])
def test_asking_for_unpublished_statuses_is_refused_without_the_right(
    client, researcher, statuses, value
):
    researcher_client = Client()
    researcher_client.force_login(researcher)

    for reader in (client, researcher_client):
        body = refused(reader, {"status": value})
        assert "analysts and editors" in body["status"][0]


def test_analysts_may_ask_for_drafts(analyst_client, statuses):
    assert found(analyst_client, {"status": "draft"}) == {statuses["draft"]}
    assert "status" in refused(analyst_client, {"status": "deleted"})


def test_who_may_ask_for_drafts_is_the_caller_s_argument_not_a_user(statuses, editor):
    everything = Incident.objects.all()
    request = RequestFactory().get(URL, {"status": "draft"})
    request.user = editor

    as_public = IncidentFilterSet({"status": "draft"}, everything, request=request)
    as_staff = IncidentFilterSet({"status": "draft"}, everything, sees_every_status=True)

    assert "analysts and editors" in as_public.errors["status"][0]
    assert {row.public_id for row in as_staff.qs} == {statuses["draft"]}


# -- Ordering -------------------------------------------------------------------------------


@pytest.fixture
def ordered():
    rows = {
        "old, 3 dead": IncidentFactory(date_start=dt.date(2021, 1, 1), fatalities_best=3),
        "new, unknown": IncidentFactory(date_start=dt.date(2023, 1, 1), fatalities_best=None),
        "mid, 10 dead": IncidentFactory(date_start=dt.date(2022, 1, 1), fatalities_best=10),
        "mid, 0 dead": IncidentFactory(date_start=dt.date(2022, 6, 1), fatalities_best=0),
    }
    now = timezone.now()
    for age, row in enumerate(rows.values()):
        Incident.objects.filter(pk=row.pk).update(updated_at=now - dt.timedelta(hours=age))
    return {name: row.public_id for name, row in rows.items()}


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        (None, ["new, unknown", "mid, 0 dead", "mid, 10 dead", "old, 3 dead"]),
        ("-date", ["new, unknown", "mid, 0 dead", "mid, 10 dead", "old, 3 dead"]),
        ("date", ["old, 3 dead", "mid, 10 dead", "mid, 0 dead", "new, unknown"]),
        ("fatalities", ["mid, 0 dead", "old, 3 dead", "mid, 10 dead", "new, unknown"]),
        ("-fatalities", ["mid, 10 dead", "old, 3 dead", "mid, 0 dead", "new, unknown"]),
        ("updated_at", ["mid, 0 dead", "mid, 10 dead", "new, unknown", "old, 3 dead"]),
        ("-updated_at", ["old, 3 dead", "new, unknown", "mid, 10 dead", "mid, 0 dead"]),
    ],
)
def test_ordering(client, ordered, ordering, expected):
    params = {"ordering": ordering} if ordering else {}

    assert listed(client, params) == [ordered[name] for name in expected]


@pytest.mark.parametrize("ordering", ["date", "-fatalities", "fatalities", "-updated_at"])
def test_paging_through_an_ordering_keeps_it(client, ordered, ordering):
    everything = listed(client, {"ordering": ordering})
    paged = []
    response = client.get(URL, {"ordering": ordering, "page_size": 1})
    while True:
        body = response.json()
        paged += [row["public_id"] for row in body["results"]]
        if not body["next"]:
            break
        response = client.get(body["next"])

    assert paged == everything


def test_an_unknown_ordering_is_refused(client):
    body = refused(client, {"ordering": "title"})

    assert "“title” is not an ordering" in body["ordering"][0]


@pytest.mark.parametrize(
    ("parameter", "value", "quoted"),
    [
        ("country", "50%", "50%"),
        ("actor", "100%d", "100%d"),
        ("event_type", "%(x)s", "%(x)s"),
        ("near", "33,44,%s", "%s"),
    ],
)
def test_a_percent_sign_in_a_bad_value_is_quoted_back(client, parameter, value, quoted):
    body = refused(client, {parameter: value})

    assert f"“{quoted}”" in body[parameter][0]


@pytest.mark.parametrize("parameter", ["publisher", "actor", "tag", "country", "q", "bbox"])
def test_null_character_is_a_400_naming_the_parameter(client, parameter):
    assert parameter in refused(client, {parameter: "Al\x00Arabiya"})
