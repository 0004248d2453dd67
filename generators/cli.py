"""``lookupkit generate``: deterministic datasets as JSON or streaming NDJSON."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any, cast

import click

from contracts.files import atomic_file
from generators.build import MODES, TYPES, Mode
from generators.dataset import VIEWS, DatasetOptions, View, records, today

__all__ = ["generate"]


def _orders(ctx: click.Context, param: click.Parameter, value: str) -> tuple[int, int]:
    low, sep, high = value.partition(":")
    try:
        bounds = (int(low), int(high if sep else low))
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not MIN:MAX, e.g. 1:4", param_hint="--orders"
        ) from None
    if bounds[0] < 0 or bounds[0] > bounds[1]:
        raise click.BadParameter(f"{value!r}: need 0 <= MIN <= MAX", param_hint="--orders")
    return bounds


def _types(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(t.strip().upper() for t in value.split(",") if t.strip()))
    unknown = [t for t in names if t not in TYPES]
    if unknown or not names:
        raise click.BadParameter(
            f"{', '.join(unknown) or 'nothing'} is not a type; choose from {','.join(TYPES)}",
            param_hint="--types",
        )
    return names


def _reference(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not YYYY-MM-DD", param_hint="--reference-date"
        ) from None


@contextmanager
def _output(path: str | None) -> Iterator[IO[str]]:
    """Standard output, or a temporary file renamed onto ``path`` only once it is complete."""
    if path is None or path == "-":
        yield sys.stdout
        return
    target = Path(path)
    if target.is_dir():
        raise click.BadParameter(f"{path!r} is a directory", param_hint="--out")
    with ExitStack() as stack:
        try:
            handle = stack.enter_context(atomic_file(target))
        except OSError as exc:
            raise click.BadParameter(
                f"cannot write to {path!r}: {exc.strerror}", param_hint="--out"
            ) from None
        yield handle


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


@click.command()
@click.option(
    "--customers",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="How many people.",
)
@click.option(
    "--seed", type=int, default=0, show_default=True, help="Same seed and options, same bytes."
)
@click.option("--mode", type=click.Choice(MODES), default="realistic", show_default=True)
@click.option(
    "--orders",
    default="1:4",
    show_default=True,
    callback=_orders,
    metavar="MIN:MAX",
    help="Transactions of each type per person.",
)
@click.option(
    "--types",
    default="ORDER",
    show_default=True,
    callback=_types,
    metavar="TYPE,...",
    help=f"Any of {','.join(TYPES)}; only ORDER exists in the OMS view.",
)
@click.option(
    "--view",
    type=click.Choice(VIEWS),
    default="both",
    show_default=True,
    help="gladly: what an adapter should answer; oms: Shopify records; both.",
)
@click.option(
    "--format", "fmt", type=click.Choice(["json", "ndjson"]), default="json", show_default=True
)
@click.option("--out", metavar="PATH", help="Write here (atomically) instead of standard output.")
@click.option(
    "--reference-date",
    callback=_reference,
    metavar="YYYY-MM-DD",
    help="The 'today' dates are relative to; default today's UTC date.",
)
def generate(
    customers: int,
    seed: int,
    mode: str,
    orders: tuple[int, int],
    types: tuple[str, ...],
    view: str,
    fmt: str,
    out: str | None,
    reference_date: date,
) -> None:
    """Generate customers with their transactions, in Gladly's and the OMS's shapes."""
    options = DatasetOptions(
        customers=customers,
        seed=seed,
        mode=cast(Mode, mode),
        min_orders=orders[0],
        max_orders=orders[1],
        types=types,
        reference=reference_date,
    )
    meta = {
        "seed": seed,
        "mode": mode,
        "customers": customers,
        "orders": list(orders),
        "types": list(types),
        "view": view,
        "referenceDate": reference_date.isoformat(),
        "shop": options.shop,
    }
    show_progress = sys.stderr.isatty() and customers >= 1000
    with _output(out) as handle:
        stream = records(options, cast(View, view))
        with click.progressbar(
            stream, length=customers, label="Generating", file=sys.stderr, hidden=not show_progress
        ) as bar:
            if fmt == "ndjson":
                for record in bar:
                    handle.write(_dump(record) + "\n")
            else:
                handle.write('{"meta":' + _dump(meta) + ',"customers":[')
                for index, record in enumerate(bar):
                    handle.write(("," if index else "") + _dump(record))
                handle.write("]}\n")
