"""The generators' Gladly view is coherent: flight status follows time, stays sit in their city at
local times, and counts of each type vary from person to person."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given

from generators.dataset import DatasetOptions, records
from generators.others import NEIGHBORHOODS
from generators.providers import AIRPORTS
from generators.strategies import flights, stays
from tests.helpers import REF

NOW = datetime.combine(REF, time(12), UTC)  # the builder's "now" for reference REF
ZONES = {code: zone for code, _, zone in AIRPORTS}
CITIES = {city: code for code, city, _ in AIRPORTS}


@given(flights(reference=REF))
def test_a_flights_status_follows_its_time_and_it_leaves_in_local_time(flight):
    departure = datetime.fromisoformat(flight["departureTime"].replace("Z", "+00:00"))
    local = departure.astimezone(ZoneInfo(ZONES[flight["origin"]]))
    assert departure.utcoffset() == local.utcoffset(), flight  # the origin's own offset
    if departure > NOW + timedelta(hours=1):
        assert flight["status"] in ("ON TIME", "DELAYED", "CANCELLED"), flight
    elif departure < NOW - timedelta(hours=15):  # the longest flight is 14 hours
        assert flight["status"] in ("LANDED", "CANCELLED"), flight
    else:
        assert flight["status"] in ("BOARDING", "DELAYED", "DEPARTED", "LANDED", "CANCELLED")


@given(stays(reference=REF))
def test_a_stay_is_in_its_city_at_local_check_in_and_check_out_times(stay):
    city = next(c for c in CITIES if stay["title"].endswith(" " + c))
    code = CITIES[city]
    assert stay["timezone"] == ZONES[code]
    assert stay["neighborhood"] in NEIGHBORHOODS[code], stay  # no Tokyo hotel in Le Marais
    assert stay["address"].endswith(f"{stay['neighborhood']}, {city}")
    zone = ZoneInfo(stay["timezone"])
    check_in = datetime.fromisoformat(stay["checkInTime"]).astimezone(zone)
    check_out = datetime.fromisoformat(stay["checkOutTime"]).astimezone(zone)
    assert (check_in.time(), check_out.time()) == (time(15), time(11)), stay
    assert datetime.fromisoformat(stay["checkInTime"]).utcoffset() == check_in.utcoffset()
    assert check_out.date() > check_in.date()


def test_every_airport_city_has_neighbourhoods():
    assert set(NEIGHBORHOODS) == set(ZONES)


def test_counts_of_each_type_vary_from_person_to_person():
    options = DatasetOptions(
        customers=30, seed=4, types=("ORDER", "FLIGHT", "STAY", "SUBSCRIPTION", "GENERIC"),
        reference=REF, min_orders=0, max_orders=4,
    )  # fmt: skip
    shapes = []
    for record in records(options, "gladly"):
        kinds = Counter(t["type"] for t in record["gladly"]["transactions"])
        shapes.append(tuple(kinds[k] for k in options.types))
    assert sum(len(set(shape)) > 1 for shape in shapes) >= 20, shapes  # most people differ
    assert any(0 in shape for shape in shapes)  # and some have none of a type
