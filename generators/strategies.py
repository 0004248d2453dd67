"""Hypothesis strategies for lookup requests, profiles, transactions, actions and responses.

Strategies draw realistic values from the pools (``mode="realistic"``) or mix in hostile ones
(``mode="edge"``); the same builders as the seeded datasets keep every object coherent.

Example:
    >>> from hypothesis import given
    >>> @given(orders(mode="edge"))
    ... def test_order(order): ...
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any, TypeVar

from hypothesis import strategies as st

from generators import edge_cases as E
from generators.build import MODES, TYPES, Builder, Mode, Person
from generators.dataset import today
from generators.views import gladly_order, gladly_profile

__all__ = [
    "TRANSACTION_STRATEGIES",
    "Draws",
    "action_forms",
    "actions",
    "addresses",
    "flights",
    "fulfillments",
    "generics",
    "lookup_requests",
    "malformed_requests",
    "orders",
    "people",
    "products",
    "profiles",
    "responses",
    "stays",
    "subscriptions",
    "transactions",
]

T = TypeVar("T")
KINDS = ("auto-link", "basic-search", "detailed")


class Draws:
    """A Chooser over Hypothesis draws, so builders' choices shrink like any strategy."""

    def __init__(self, draw: Callable[[st.SearchStrategy[Any]], Any]) -> None:
        self._draw = draw

    def choice(self, seq: Sequence[T]) -> T:
        value: T = self._draw(st.sampled_from(seq))
        return value

    def randint(self, a: int, b: int) -> int:
        value: int = self._draw(st.integers(a, b))
        return value

    def random(self) -> float:
        value: float = self._draw(st.floats(0, 1, exclude_max=True))
        return value


def _check_mode(mode: str) -> None:
    if mode not in MODES:
        raise ValueError(f"mode={mode!r} must be one of {', '.join(MODES)}")


def people(
    *,
    mode: Mode = "realistic",
    min_orders: int = 0,
    max_orders: int = 3,
    types: Sequence[str] = ("ORDER",),
    reference: date | None = None,
) -> st.SearchStrategy[Person]:
    """People with their transactions (internal records; see ``profiles`` for Gladly's shape)."""
    _check_mode(mode)
    builder_args = (reference or today(), mode, tuple(types), min_orders, max_orders)
    Builder(*builder_args)  # validates the arguments now, with messages that name them

    @st.composite
    def build(draw: st.DrawFn) -> Person:
        return Builder(*builder_args).person(Draws(draw), draw(st.integers(0, 10**6)))

    return build()


def profiles(
    *,
    mode: Mode = "realistic",
    min_orders: int = 0,
    max_orders: int = 3,
    types: Sequence[str] = TYPES,
    reference: date | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Customer profiles as a detailed lookup returns them."""
    return people(
        mode=mode, min_orders=min_orders, max_orders=max_orders, types=types, reference=reference
    ).map(gladly_profile)


def orders(
    *, mode: Mode = "realistic", reference: date | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """ORDER transactions: totals, item counts, fulfilments and status agree."""
    _check_mode(mode)
    ref = reference or today()

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        builder = Builder(ref, mode, ("ORDER",), 0, 0)
        person = builder.person(Draws(draw), 0)
        return gladly_order(builder.order(Draws(draw), person), builder.shop)

    return build()


def _others(kind: str, mode: Mode, reference: date | None) -> st.SearchStrategy[dict[str, Any]]:
    _check_mode(mode)
    ref = reference or today()

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        builder = Builder(ref, mode, (kind,), 0, 0)
        return builder.other(Draws(draw), builder.person(Draws(draw), 0), kind)

    return build()


def flights(
    *, mode: Mode = "realistic", reference: date | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """FLIGHT transactions; origin differs from destination."""
    return _others("FLIGHT", mode, reference)


def stays(
    *, mode: Mode = "realistic", reference: date | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """STAY transactions; check-in is before check-out."""
    return _others("STAY", mode, reference)


def subscriptions(
    *, mode: Mode = "realistic", reference: date | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """SUBSCRIPTION transactions; interval fields paired, next billing after creation."""
    return _others("SUBSCRIPTION", mode, reference)


def generics(
    *, mode: Mode = "realistic", reference: date | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """GENERIC transactions."""
    base = _others("GENERIC", mode, reference)
    if mode == "edge":
        extra = st.dictionaries(
            st.sampled_from(("note", "name", "value", "label")), st.sampled_from(E.EDGE_TEXT)
        )
        return st.tuples(base, extra).map(lambda pair: {**pair[1], **pair[0]})
    return base


TRANSACTION_STRATEGIES: dict[str, Callable[..., st.SearchStrategy[dict[str, Any]]]] = {
    "ORDER": orders,
    "FLIGHT": flights,
    "STAY": stays,
    "SUBSCRIPTION": subscriptions,
    "GENERIC": generics,
}


def transactions(
    *, types: Sequence[str] = TYPES, mode: Mode = "realistic", reference: date | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Any transaction of the given types."""
    unknown = set(types) - set(TRANSACTION_STRATEGIES)
    if unknown or not types:
        raise ValueError(f"types={list(types)!r} must be a non-empty subset of {', '.join(TYPES)}")
    return st.one_of([TRANSACTION_STRATEGIES[t](mode=mode, reference=reference) for t in types])


def products(*, mode: Mode = "realistic") -> st.SearchStrategy[dict[str, Any]]:
    """Products of orders."""
    return (
        orders(mode=mode)
        .filter(lambda o: bool(o["products"]))
        .flatmap(lambda o: st.sampled_from(o["products"]))
    )


def fulfillments(*, mode: Mode = "realistic") -> st.SearchStrategy[dict[str, Any]]:
    """Fulfilments of shipped orders."""
    return (
        orders(mode=mode)
        .filter(lambda o: bool(o["fulfillments"]))
        .flatmap(lambda o: st.sampled_from(o["fulfillments"]))
    )


def addresses(*, mode: Mode = "realistic") -> st.SearchStrategy[dict[str, Any]]:
    """Structured addresses as ORDER billingAddress and shippingAddress carry them."""
    return orders(mode=mode).map(lambda o: o["billingAddress"])


_ACTION_NAMES = (
    "Cancel order",
    "Add a note",
    "Resend confirmation",
    "Pause subscription",
    "Refund shipping",
)


def actions() -> st.SearchStrategy[dict[str, str]]:
    """Action objects: a button label and a form URL (a path or an absolute URL)."""
    paths = st.from_regex(r"\A/actions/[a-z]{3,10}(\?order=[0-9]{1,6})?\Z")
    urls = paths.map(lambda p: "https://adapter.example.com" + p)
    return st.fixed_dictionaries(
        {"name": st.sampled_from(_ACTION_NAMES), "formUrl": st.one_of(paths, urls)}
    )


@st.composite
def _section(draw: st.DrawFn, attr: str) -> dict[str, Any]:
    kind = draw(st.sampled_from(("text", "select", "checkbox")))
    section: dict[str, Any] = {
        "type": "input",
        "label": attr.replace("-", " ").title(),
        "attr": attr,
    }
    if draw(st.booleans()):
        section["hint"] = draw(st.sampled_from(("required", "optional", "Shown to the customer")))
    if kind == "select":
        values = draw(
            st.lists(st.from_regex(r"\A[a-z]{2,8}\Z"), min_size=1, max_size=5, unique=True)
        )
        section["input"] = {
            "type": "select",
            "placeholder": "Choose",
            "optional": draw(st.booleans()),
            "options": [{"text": v.title(), "value": v} for v in values],
        }
        if draw(st.booleans()):
            section["defaultValue"] = draw(st.sampled_from(values))
    elif kind == "checkbox":
        section["input"] = {"type": "checkbox", "text": "Confirm"}
        section["defaultValue"] = draw(st.booleans())
    else:
        section["input"] = {"type": "text"}
        if draw(st.booleans()):
            section["defaultValue"] = draw(st.sampled_from(("", "12345", "note")))
    return section


@st.composite
def action_forms(draw: st.DrawFn) -> dict[str, Any]:
    """Action forms: unique attrs, unique select options, defaults that are options."""
    attrs = draw(
        st.lists(
            st.from_regex(r"\A[a-z]{2,8}(-[a-z]{2,6})?\Z"), min_size=1, max_size=5, unique=True
        )
    )
    sections = [draw(_section(attr)) for attr in attrs]
    if draw(st.booleans()):
        sections.insert(
            0, {"type": "text", "text": draw(st.sampled_from(("Please confirm.", "Order details")))}
        )
    return {
        "title": draw(st.sampled_from(("Cancel order", "Add a note"))),
        "submitButton": "Submit",
        "closeButton": "Close",
        "actionUrl": draw(st.from_regex(r"\A/actions/[a-z]{3,8}/submit\Z")),
        "sections": sections,
    }


def lookup_requests(
    *,
    kind: str | None = None,
    search_attributes: Sequence[str] = ("email",),
    mode: Mode = "realistic",
) -> st.SearchStrategy[dict[str, Any]]:
    """Lookup request bodies of one kind (or any), as Gladly builds them from a profile."""
    if kind is not None and kind not in KINDS:
        raise ValueError(f"kind={kind!r} must be one of {', '.join(KINDS)} or None")
    if not search_attributes:
        raise ValueError("search_attributes=() must name at least one attribute")

    def build(person: Person, which: str) -> dict[str, Any]:
        if which == "auto-link":
            query: dict[str, Any] = {
                "emails": [person.email],
                "id": person.gladly_id,
                "name": person.name,
                "phones": [person.phone],
            }
            return {"lookupLevel": "BASIC", "query": query, "uniqueMatchRequired": False}
        if which == "basic-search":
            values = {
                "email": person.email,
                "emails": person.email,
                "phone": person.phone,
                "phones": person.phone,
                "name": person.name,
                "externalCustomerId": str(person.id),
            }
            query = {attr: values.get(attr, person.first) for attr in search_attributes}
            return {"lookupLevel": "BASIC", "query": query, "uniqueMatchRequired": False}
        query = {
            "emails": [person.email],
            "externalCustomerId": str(person.id),
            "id": person.gladly_id,
            "name": person.name,
            "phones": [person.phone],
        }
        return {"lookupLevel": "DETAILED", "query": query, "uniqueMatchRequired": True}

    which = st.sampled_from(KINDS) if kind is None else st.just(kind)
    return st.tuples(people(mode=mode, max_orders=0), which).map(lambda pair: build(*pair))


def malformed_requests() -> st.SearchStrategy[bytes]:
    """Request bodies an adapter must refuse with a 4xx: broken JSON, wrong shapes, odd sizes."""
    valid = (
        b'{"lookupLevel":"DETAILED","query":{"externalCustomerId":"1"},"uniqueMatchRequired":true}'
    )
    shapes = st.sampled_from(
        [
            b"",
            b"{",
            b"null",
            b"[]",
            b'"text"',
            b"42",
            valid[:-1],
            valid + b"garbage",
            b"\xff\xfe{}",
            b'{"lookupLevel":"SOMETIMES","query":{},"uniqueMatchRequired":false}',
            b'{"lookupLevel":"DETAILED","query":"abc","uniqueMatchRequired":true}',
            b'{"lookupLevel":"DETAILED","uniqueMatchRequired":true}',
            b'{"lookupLevel":7,"query":{},"uniqueMatchRequired":"yes"}',
        ]
    )
    nested = st.integers(200, 5000).map(lambda depth: b'{"a":' * depth + b"1" + b"}" * depth)
    junk = st.binary(min_size=1, max_size=256).filter(lambda b: not _is_json_object(b))
    return st.one_of(shapes, nested, junk)


def _is_json_object(raw: bytes) -> bool:
    try:
        return isinstance(json.loads(raw), dict)
    except ValueError:
        return False


def responses(
    *, mode: Mode = "realistic", types: Sequence[str] = TYPES, max_results: int = 1
) -> st.SearchStrategy[dict[str, Any]]:
    """Whole detailed lookup responses: ``{"results": [profile]}``."""
    if max_results < 0:
        raise ValueError(f"max_results={max_results} must not be negative")
    return st.lists(profiles(mode=mode, types=types), max_size=max_results).map(
        lambda rs: {"results": rs}
    )
