"""The Gladly-only transactions (FLIGHT, STAY, SUBSCRIPTION, GENERIC), coherent with time and place.

A flight's status follows its times (a future flight is on time, delayed or cancelled; one in the
air has departed; a past one has landed or was cancelled), and its departure is written in the
origin airport's local time. A stay's neighbourhood is in the stay's city, and check-in (15:00)
and check-out (11:00) are local times in the stay's time zone. Every date is relative to the
builder's reference "now", never the wall clock.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from generators.chooser import Chooser, weighted
from generators.money import format_money
from generators.providers import AIRLINES, AIRPORTS, PLANS, Product, catalogue, price_in

__all__ = ["NEIGHBORHOODS", "flight", "flight_status", "generic", "stay", "subscription"]

# The neighbourhoods a stay in each airport's city can be in (every AIRPORTS code has some).
NEIGHBORHOODS = {
    "SEA": ("Belltown", "Capitol Hill", "Pioneer Square"),
    "SFO": ("Union Square", "Mission District", "Nob Hill"),
    "LAX": ("Santa Monica", "Downtown", "Hollywood"),
    "JFK": ("Midtown", "SoHo", "Williamsburg"),
    "ORD": ("The Loop", "River North", "Wicker Park"),
    "ATL": ("Midtown", "Buckhead", "Old Fourth Ward"),
    "DFW": ("Uptown", "Deep Ellum", "Bishop Arts"),
    "DEN": ("LoDo", "RiNo", "Cherry Creek"),
    "YYZ": ("Yorkville", "Distillery District", "Queen West"),
    "MEX": ("Roma Norte", "Condesa", "Polanco"),
    "GRU": ("Jardins", "Vila Madalena", "Pinheiros"),
    "LHR": ("Covent Garden", "Shoreditch", "South Kensington"),
    "CDG": ("Le Marais", "Saint-Germain-des-Prés", "Montmartre"),
    "FRA": ("Sachsenhausen", "Westend", "Bornheim"),
    "MAD": ("Malasaña", "Salamanca", "La Latina"),
    "DXB": ("Downtown Dubai", "Dubai Marina", "Deira"),
    "DEL": ("Connaught Place", "Hauz Khas", "Chanakyapuri"),
    "NRT": ("Shinjuku", "Ginza", "Asakusa"),
    "ICN": ("Myeongdong", "Gangnam", "Hongdae"),
    "PEK": ("Wangfujing", "Sanlitun", "Qianmen"),
    "SYD": ("The Rocks", "Surry Hills", "Bondi"),
    "HNL": ("Waikiki", "Kaka\u02bbako", "Chinatown"),
}
HOTEL_NAMES = (
    "Harborview Suites",
    "The Linden",
    "Casa Marea",
    "Hotel Mirabelle",
    "The Gull & Anchor",
    "Pinecrest Lodge",
    "Grand Meridian",
)
SUB_STATUSES = (
    ("Active", 60),
    ("Cancelled", 15),
    ("Paused", 8),
    ("In Trial", 7),
    ("Non-Renewing", 4),
    ("Expired", 4),
    ("Future", 2),
)


def iso(moment: datetime) -> str:
    """ISO-8601 with the moment's own offset, seconds precision ('Z' for UTC)."""
    text = moment.isoformat(timespec="seconds")
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def flight_status(rng: Chooser, departure: datetime, arrival: datetime, now: datetime) -> str:
    """A status a flight can have at ``now``, given when it leaves and lands."""
    if now < departure - timedelta(hours=1):
        far = departure - now > timedelta(days=1)
        return weighted(
            rng, (("ON TIME", 85 if far else 70), ("DELAYED", 10 if far else 25), ("CANCELLED", 5))
        )
    if now < departure + timedelta(minutes=20):
        return weighted(rng, (("BOARDING", 75), ("DELAYED", 25)))
    if now < arrival:
        return "DEPARTED"
    return weighted(rng, (("LANDED", 94), ("CANCELLED", 6)))


def flight(rng: Chooser, now: datetime) -> dict[str, Any]:
    """A flight from one airport to another, up to 200 days ago or 120 days ahead."""
    origin = rng.choice(AIRPORTS)
    destination = rng.choice(tuple(a for a in AIRPORTS if a[0] != origin[0]))
    departure = now + timedelta(days=rng.randint(-200, 120), minutes=5 * rng.randint(0, 287))
    arrival = departure + timedelta(minutes=30 * rng.randint(2, 28))
    airline = rng.choice(AIRLINES)
    return {
        "type": "FLIGHT",
        "departureTime": iso(departure.astimezone(ZoneInfo(origin[2]))),
        "origin": origin[0],
        "destination": destination[0],
        "flightNumber": f"{airline[0]}{rng.randint(10, 2999)}",
        "pnrCode": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6)),
        "status": flight_status(rng, departure, arrival, now),
    }


def stay(rng: Chooser, reference: date) -> dict[str, Any]:
    """A hotel stay in one city: local check-in at 15:00 and check-out at 11:00."""
    code, city, zone = rng.choice(AIRPORTS)
    neighborhood = rng.choice(NEIGHBORHOODS[code])
    hotel = rng.choice(HOTEL_NAMES)
    arrive = reference + timedelta(days=rng.randint(-300, 90))
    nights = weighted(rng, ((1, 25), (2, 30), (3, 20), (4, 10), (7, 10), (10, 5)))
    local = ZoneInfo(zone)
    return {
        "type": "STAY",
        "checkInTime": iso(datetime.combine(arrive, time(15), local)),
        "checkOutTime": iso(datetime.combine(arrive + timedelta(days=nights), time(11), local)),
        "timezone": zone,
        "url": f"https://stays.example.com/r/{rng.randint(10**6, 10**7 - 1)}",
        "title": f"{hotel} {city}",
        "address": f"{rng.randint(1, 400)} {neighborhood}, {city}",
        "neighborhood": neighborhood,
    }


def generic(rng: Chooser, now: datetime) -> dict[str, Any]:
    return {
        "type": "GENERIC",
        "name": rng.choice(("Loyalty account", "Gift card", "Warranty", "Return")),
        "reference": f"R-{rng.randint(10000, 99999)}",
        "points": str(rng.randint(0, 5000)),
        "updatedAt": iso(now - timedelta(days=rng.randint(0, 90))),
    }


def subscription(rng: Chooser, now: datetime, currency: str) -> dict[str, Any]:
    """A subscription whose dates agree with its status."""
    plan, cents, unit, number = rng.choice(PLANS)
    status = weighted(rng, SUB_STATUSES)
    created = now - timedelta(days=rng.randint(10, 700))
    step = {"day": 1, "week": 7, "month": 30, "quarter": 91, "year": 365}[unit] * int(number)
    quantity = rng.randint(1, 3)
    product: Product = rng.choice(catalogue())
    txn: dict[str, Any] = {
        "type": "SUBSCRIPTION",
        "subscriptionId": f"sub_{rng.randint(10**7, 10**8 - 1)}",
        "status": status,
        "createdAt": iso(created),
        "updatedAt": iso(created + timedelta(days=rng.randint(0, 9))),
        "billingIntervalUnit": unit,
        "billingIntervalNumber": number,
        "quantity": str(quantity),
        "price": format_money(price_in(cents, currency) * quantity, currency),
        "products": [
            {
                "name": plan,
                "productId": str(product.id),
                "sku": product.sku,
                "imageUrl": product.image,
            }
        ],
    }
    if status == "Future":
        txn["createdAt"] = txn["updatedAt"] = iso(now - timedelta(days=1))
        txn["nextBillingAt"] = iso(now + timedelta(days=rng.randint(1, 60)))
    elif status in ("Active", "In Trial", "Non-Renewing", "Paused"):
        txn["nextBillingAt"] = iso(max(created + timedelta(days=step), now + timedelta(days=1)))
    else:
        ended = created + timedelta(days=rng.randint(1, max(1, (now - created).days)))
        txn["cancellationDate"] = iso(ended)
        txn["updatedAt"] = iso(ended)
        if status == "Cancelled":
            reasons = ("Too expensive", "Moving abroad", "No longer needed")
            txn["cancellationReason"] = rng.choice(reasons)
    return txn
