"""The ``lookupkit`` command: one group whose subcommands live beside the code they drive."""

from __future__ import annotations

import asyncio
import errno
import signal
from collections.abc import Sequence
from datetime import date
from typing import NoReturn

import click

from contracts.cli import InputError, check, header_option, run, sign, user_password
from contracts.verify.cli import verify
from generators.cli import generate

__all__ = ["cli", "main"]

DEFAULT_PORT = 8700
SHOPIFY_VERSION = "2025-01"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gladly-lookup-kit", prog_name="lookupkit")
def cli() -> None:
    """Contract tests, request signing and mock servers for Gladly Lookup Adapters."""


cli.add_command(check)
cli.add_command(sign)
cli.add_command(generate)
cli.add_command(verify)


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
@click.option("--oms-url", metavar="URL", help="Shopify Admin API base for 'serve adapter'.")
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
    "--cache-ttl",
    type=click.FloatRange(0, 3600),
    default=5.0,
    show_default=True,
    help="Seconds the adapter reuses a detailed answer (0: off).",
)
def serve(
    role: str,
    db: str,
    seed: int,
    customers: int,
    reference_date: object,
    host: str,
    port: int,
    oms_token: str | None,
    oms_url: str | None,
    signing_key: str | None,
    basic_auth: str | None,
    mutant: str | None,
    rate_limit: bool,
    adapter_url: str | None,
    headers: tuple[tuple[str, str], ...],
    search_attributes: tuple[str, ...],
    result_columns: tuple[str, ...],
    cache_ttl: float,
) -> None:
    """Serve the fake OMS, the reference adapter, or both, until Ctrl-C."""
    from mockserver.mutants import MUTANTS
    from mockserver.oms import DEFAULT_TOKEN

    if mutant is not None and mutant not in MUTANTS:
        raise click.BadParameter(
            f"{mutant!r} is not a mutant; run 'lookupkit mutants' for the list",
            param_hint="--mutant",
        )
    reference = reference_date.date() if reference_date is not None else None  # type: ignore[attr-defined]
    asyncio.run(
        _serve(
            role,
            db=db,
            seed=seed,
            customers=customers,
            reference=reference,
            host=host,
            port=port,
            token=oms_token or DEFAULT_TOKEN,
            oms_url=oms_url,
            signing_key=signing_key,
            basic_auth=user_password(basic_auth),
            mutant=mutant,
            rate_limit=rate_limit,
            cache_ttl=cache_ttl,
            gladly=(adapter_url, dict(headers), search_attributes, result_columns),
        )
    )


async def _serve(
    role: str,
    *,
    db: str,
    seed: int,
    customers: int,
    reference: date | None,
    host: str,
    port: int,
    token: str,
    oms_url: str | None,
    signing_key: str | None,
    basic_auth: tuple[str, str] | None,
    mutant: str | None,
    rate_limit: bool,
    cache_ttl: float = 5.0,
    gladly: tuple[str | None, dict[str, str], tuple[str, ...], tuple[str, ...]] = (
        None,
        {},
        (),
        (),
    ),
) -> None:
    from mockserver import mutants, oms
    from mockserver.adapter import AdapterConfig
    from mockserver.runner import Running, start, stop
    from mockserver.store import Store

    try:
        store = Store(db if role != "adapter" else ":memory:")
    except Exception as exc:  # sqlite3 errors name the problem
        raise InputError(
            f"cannot open the database {db!r}: {exc}", "pass --db PATH to a writable file"
        ) from None
    store.settings.update(rateLimit=rate_limit, mutant=mutant)
    if role != "adapter" and store.count_customers() == 0:
        store.seed(seed, customers=customers, reference=reference)
    running = Running()
    try:
        if role in ("oms", "all"):
            base = await start(
                running, "oms", oms.create_app(store, token=token), host=host, port=port
            )
            oms_url = oms_url or f"{base}/admin/api/{SHOPIFY_VERSION}"
        if role in ("adapter", "all"):
            if oms_url is None:
                oms_url = f"http://127.0.0.1:{DEFAULT_PORT}/admin/api/{SHOPIFY_VERSION}"
            config = AdapterConfig(
                oms_url, token, signing_key=signing_key, basic_auth=basic_auth, cache_ttl=cache_ttl
            )
            await start(
                running,
                "adapter",
                mutants.create_app(store, config),
                host=host,
                port=port + 1 if role == "all" and port else port,
            )
        if role in ("gladly", "all"):
            from mockserver.gladly import GladlyConfig, create_app

            adapter_url, custom, attributes, columns = gladly
            target = adapter_url or (
                running.urls["adapter"] + "/" if "adapter" in running.urls else None
            )
            if target is None:
                raise click.BadParameter(
                    "'serve gladly' needs the adapter's URL", param_hint="--adapter"
                )
            settings = GladlyConfig(
                target,
                signing_key=signing_key,
                basic_auth=basic_auth,
                headers=custom,
                search_attributes=attributes or ("email",),
                result_columns=columns or ("name", "externalCustomerId", "emails"),
            )
            await start(
                running,
                "gladly",
                create_app(settings),
                host=host,
                port=port + 2 if role == "all" and port else port,
            )
    except OSError as exc:
        await stop(running)
        store.close()
        reason = (
            "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be opened ({exc.strerror})"
        )
        raise click.ClickException(
            f"port {port} on {host} {reason}; pick another with --port"
        ) from None
    _announce(running.urls, store, signing_key is not None, mutant)
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopped.set)
    await stopped.wait()
    click.echo("Stopping...", err=True)
    await stop(running)
    store.close()


def _announce(urls: dict[str, str], store: object, signed: bool, mutant: str | None) -> None:
    from mockserver.store import Store

    assert isinstance(store, Store)
    if "oms" in urls:
        click.echo(f"Fake OMS       {urls['oms']}")
        click.echo(
            f"  Shopify      {urls['oms']}/admin/api/{SHOPIFY_VERSION}/  (X-Shopify-Access-Token)"
        )
        click.echo(f"  BigCommerce  {urls['oms']}/stores/lookupkit/v2/  (X-Auth-Token)")
        click.echo(f"  Magento      {urls['oms']}/rest/V1/  (Authorization: Bearer)")
    if "gladly" in urls:
        click.echo(
            f"Fake Gladly    {urls['gladly']}/  (agent desktop, Sidekick, debugger; JSON API under /api)"
        )
    if "adapter" in urls:
        note = "signed requests only" if signed else "no signing key: unsigned requests accepted"
        click.echo(
            f"Adapter        {urls['adapter']}/  ({note}{'; mutant ' + mutant if mutant else ''})"
        )
    for role in ("oms", "adapter"):
        if role in urls:
            click.echo(f"Admin          {urls[role]}/_mock/requests, /_mock/faults, /_mock/reset")
            break
    if "oms" in urls:
        click.echo("Customers to try:")
        for c in store.known_customers(5):
            click.echo(
                f"  {c['email']:<38} {c['phone']:<16} externalCustomerId {c['id']}  ({c['orders']} orders)"
            )
    click.echo("Press Ctrl-C to stop.", err=True)


@cli.command("mutants")
def list_mutants() -> None:
    """List the reference adapter's mutant modes and the rule each breaks."""
    from mockserver.mutants import MUTANTS

    for mutant in MUTANTS.values():
        click.echo(f"{mutant.name:<24} {mutant.rule:<36} {mutant.what}")


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of the lookupkit console script."""
    run(cli, argv)
