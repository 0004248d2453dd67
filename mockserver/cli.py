"""The ``lookupkit`` command: one group whose subcommands live beside the code they drive."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click

from contracts.cli import InputError, check, header_option, run, sign, user_password
from contracts.load.cli import load
from contracts.settings import SettingsError, load_defaults
from contracts.verify.cli import VERIFY_OPTIONS, verify
from contracts.verify.replay import replay
from generators.cli import generate
from mockserver.runner import DEFAULT_PORT

__all__ = ["cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gladly-lookup-kit", prog_name="lookupkit")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Contract tests, request signing and mock servers for Gladly Lookup Adapters.

    Options of verify also come from LOOKUPKIT_* environment variables and from [verify] in
    ./lookupkit.toml or [tool.lookupkit.verify] in ./pyproject.toml (command line first).
    """
    try:
        _, ctx.default_map = load_defaults(Path.cwd(), {"verify": VERIFY_OPTIONS})
    except SettingsError as exc:
        raise InputError(str(exc), "fix the file, or run from another folder") from None


cli.add_command(check)
cli.add_command(sign)
cli.add_command(generate)
cli.add_command(verify)
cli.add_command(replay)
cli.add_command(load)


@cli.command()
@click.argument("role", type=click.Choice(["oms", "adapter", "gladly", "all"]), default="all")
@click.option(
    "--db",
    default="lookupkit.sqlite3",
    show_default=True,
    metavar="PATH",
    help="The OMS database file (':memory:' for none); data survives restarts.",
)
@click.option("--seed", type=int, default=7, show_default=True, help="Seed for an empty database.")
@click.option(
    "--customers",
    type=click.IntRange(0, 100_000),
    default=50,
    show_default=True,
    help="Customers to seed into an empty database.",
)
@click.option(
    "--reference-date", type=click.DateTime(["%Y-%m-%d"]), help="'Today' for seeded dates."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=DEFAULT_PORT,
    show_default=True,
    help="First port; 'all' uses consecutive ports (OMS, adapter).",
)
@click.option(
    "--oms-token",
    envvar="LOOKUPKIT_OMS_TOKEN",
    help="Access token the OMS accepts and the adapter sends.",
)
@click.option(
    "--oms-url",
    metavar="URL",
    help="The API base 'serve adapter' reads (default: the fake OMS's, for --platform).",
)
@click.option(
    "--shopify-api",
    type=click.Choice(["rest", "graphql"]),
    default="rest",
    show_default=True,
    help="On Shopify, the API the reference adapter reads (its actions write through REST).",
)
@click.option("--tls", is_flag=True, help="The OMS serves HTTPS with the kit's own CA.")
@click.option(
    "--tls-dir",
    metavar="DIR",
    help="Where the CA and certificate are made once and kept (default ~/.local/share/lookupkit/tls).",
)
@click.option(
    "--public-url",
    metavar="URL",
    help="The OMS's URL as clients reach it (a proxy's); every URL it builds uses it.",
)
@click.option(
    "--data",
    metavar="FILE",
    help="The adapter serves these customers ('lookupkit generate --view gladly', any types) "
    "instead of reading an OMS.",
)
@click.option(
    "--platform",
    type=click.Choice(["shopify", "bigcommerce", "magento"]),
    default="shopify",
    show_default=True,
    help="The OMS API the reference adapter reads.",
)
@click.option(
    "--signing-key",
    envvar="GLADLY_SIGNING_KEY",
    help="The adapter verifies Gladly signatures with it.",
)
@click.option(
    "--basic-auth", metavar="USER:PASS", help="The adapter requires these Basic credentials."
)
@click.option(
    "--mutant", metavar="NAME", help="Break one rule on purpose (see 'lookupkit mutants')."
)
@click.option(
    "--rate-limit/--no-rate-limit",
    default=True,
    show_default=True,
    help="Platform rate limits on the OMS.",
)
@click.option("--adapter", "adapter_url", metavar="URL", help="The adapter 'serve gladly' calls.")
@header_option("A header the fake Gladly sends (and signs) on every request. Repeatable.")
@click.option(
    "--search-attribute",
    "search_attributes",
    multiple=True,
    metavar="NAME",
    help="Search Query Attributes of the fake Gladly's app (default: email).",
)
@click.option(
    "--result-column",
    "result_columns",
    multiple=True,
    metavar="NAME",
    help="Search Results Attributes shown as columns (default: name, externalCustomerId, emails).",
)
@click.option(
    "--query-form",
    type=click.Choice(["auto", "documented", "path-with-query"]),
    default="auto",
    show_default=True,
    help="How the fake Gladly signs action URLs' query strings (auto: documented, then the other).",
)
@click.option(
    "--cache-ttl",
    type=click.FloatRange(0, 3600),
    default=5.0,
    show_default=True,
    help="Seconds the adapter reuses a detailed answer (0: off).",
)
@click.option(
    "--admin-token",
    envvar="LOOKUPKIT_ADMIN_TOKEN",
    metavar="TOKEN",
    help="What /_mock writes must send as Lookupkit-Admin-Token (default: a new one, printed).",
)
@click.option(
    "--no-admin", is_flag=True, help="Serve no /_mock routes at all (no reset, seed, faults)."
)
@click.option(
    "--cards",
    metavar="FILE",
    help="The fake Gladly's transaction cards (TOML or JSON; see the README). Default: one per type.",
)
@click.option(
    "--gladly-db",
    metavar="PATH",
    help="The fake Gladly's own SQLite file: Threads conversations and the outbox "
    "(default lookupkit-gladly.sqlite3; :memory: with --db :memory:).",
)
@click.option(
    "--code-ttl",
    type=click.FloatRange(1, 86400),
    default=600.0,
    show_default=True,
    help="Seconds a Threads authentication code stays good.",
)
@click.option(
    "--quick-reply",
    default="Order Status",
    show_default=True,
    help="The Sidekick Quick Reply that starts the WISMO Thread.",
)
@click.option(
    "--price-per-resolution",
    type=click.FloatRange(0, 10000),
    default=1.0,
    show_default=True,
    help="What one Self-Service Threads resolution costs, for the report.",
)
def serve(role: str, **given: Any) -> None:
    """Serve the fake OMS, the reference adapter, the fake Gladly, or all three, until Ctrl-C.

    \b
    Which options each ROLE reads:
      oms       --db --seed --customers --reference-date --oms-token --rate-limit
                --tls --tls-dir --public-url
      adapter   --oms-url --platform --shopify-api --data --oms-token --signing-key --basic-auth
                --cache-ttl --mutant (alone it keeps no database)
      gladly    --adapter (required alone) --signing-key --basic-auth --header
                --search-attribute --result-column --query-form --cards --gladly-db
                --code-ttl --quick-reply --price-per-resolution (alone: no OMS database)
      all       every option above: the OMS, then the adapter reading it, then Gladly
      every     --host --port --admin-token --no-admin
    """
    from mockserver.serve import serve_until_stopped

    asyncio.run(serve_until_stopped(serve_options(role, given)))


def serve_options(role: str, given: dict[str, Any]) -> Any:
    """The command line as ``ServeOptions``, checked (bad values are exit 2 with a hint)."""
    from mockserver.mutants import MUTANTS
    from mockserver.oms.app import DEFAULT_TOKEN
    from mockserver.serve import ServeOptions

    public_url, mutant = given.pop("public_url"), given.pop("mutant")
    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path.strip("/"):
            raise click.BadParameter(
                f"{public_url!r} is not an origin such as https://shop.example.test:8443",
                param_hint="--public-url",
            )
    if mutant is not None and mutant not in MUTANTS:
        raise click.BadParameter(
            f"{mutant!r} is not a mutant; run 'lookupkit mutants' for the list",
            param_hint="--mutant",
        )
    reference = given.pop("reference_date")
    price = Decimal(str(given.pop("price_per_resolution"))).quantize(Decimal("0.01"))
    if not given["quick_reply"].strip() or len(given["quick_reply"]) > 40:
        raise click.BadParameter(
            "a Quick Reply is a button label of 1 to 40 characters", param_hint="--quick-reply"
        )
    return ServeOptions(
        role,
        reference=reference.date() if reference is not None else None,
        token=given.pop("oms_token") or DEFAULT_TOKEN,
        public_url=public_url,
        mutant=mutant,
        basic_auth=user_password(given.pop("basic_auth")),
        gladly_adapter=given.pop("adapter_url"),
        gladly_headers=dict(given.pop("headers")),
        admin=not given.pop("no_admin"),
        admin_token=given.pop("admin_token") or None,
        price_per_resolution=price,
        **given,  # the rest have ServeOptions' own names
    )


@cli.command("sdk-env")
@click.option("--tls-dir", metavar="DIR", help="Where 'serve --tls' keeps its CA (its default).")
def sdk_env(tls_dir: str | None) -> None:
    """Print the environment SDKs need to trust 'lookupkit serve --tls' (makes the CA if needed)."""
    from pathlib import Path

    from mockserver.tls import ensure_certificates, env_lines

    for line in env_lines(ensure_certificates(Path(tls_dir) if tls_dir else None)):
        click.echo(line)


@cli.command("mutants")
def list_mutants() -> None:
    """List the reference adapter's mutant modes and the rule each breaks."""
    from mockserver.mutants import MUTANTS

    for mutant in MUTANTS.values():
        click.echo(f"{mutant.name:<24} {mutant.rule:<36} {mutant.what}")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of the lookupkit console script."""
    run(cli, argv)
