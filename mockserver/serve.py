"""``lookupkit serve``: open the store, start the roles asked for, announce them, serve until stopped."""

from __future__ import annotations

import asyncio
import errno
import fcntl
import os
import signal
import sqlite3
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import IO, Any

import click

from contracts.cli import InputError
from mockserver import roles
from mockserver.adapter import AdapterConfig
from mockserver.adapter.data import DataError, load_profiles
from mockserver.gladly import GladlyConfig
from mockserver.gladly.cardfile import CardsError, load_cards
from mockserver.gladly.cards import CardSpec
from mockserver.harness.admin import TOKEN_HEADER
from mockserver.oms import Store
from mockserver.runner import DEFAULT_PORT, Running, start, stop
from mockserver.tls import Certificates, default_dir, ensure_certificates, env_lines

__all__ = ["DEFAULT_PORT", "SHOPIFY_VERSION", "ServeOptions", "serve_until_stopped"]

SHOPIFY_VERSION = "2025-01"
GLADLY_DB = "lookupkit-gladly.sqlite3"


API_PATHS = {  # where each platform's API lives on the fake OMS (and on the real one's host)
    "shopify": f"/admin/api/{SHOPIFY_VERSION}",
    "bigcommerce": "/stores/lookupkit",
    "magento": "/rest/V1",
}


@dataclass
class ServeOptions:
    """What ``lookupkit serve`` was asked for (see its --help for each option)."""

    role: str
    db: str = "lookupkit.sqlite3"
    seed: int = 7
    customers: int = 50
    reference: date | None = None
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    token: str = ""
    oms_url: str | None = None
    platform: str = "shopify"  # the API the reference adapter reads
    shopify_api: str = "rest"  # on Shopify: read through REST or GraphQL
    data: str | None = None  # a `generate --view gladly` file the adapter serves instead
    tls: bool = False  # the OMS serves HTTPS with the kit's own CA
    tls_dir: str | None = None  # where the CA and certificate are kept (default: tls.default_dir)
    public_url: str | None = None  # the OMS's URL as clients reach it (behind a proxy)
    signing_key: str | None = None
    basic_auth: tuple[str, str] | None = None
    mutant: str | None = None
    rate_limit: bool = True
    cache_ttl: float = 5.0
    gladly_adapter: str | None = None
    gladly_headers: dict[str, str] = field(default_factory=dict)
    search_attributes: tuple[str, ...] = ()
    result_columns: tuple[str, ...] = ()
    query_form: str = "auto"
    admin: bool = True
    admin_token: str | None = None  # None: a new random one, printed at start
    cards: str | None = None  # the fake Gladly's --cards file
    gladly_db: str | None = None  # None: :memory: with --db :memory:, else GLADLY_DB
    code_ttl: float = 600.0
    quick_reply: str = "Order Status"
    price_per_resolution: Decimal = Decimal("1.00")

    @property
    def gladly_path(self) -> str:
        """The fake Gladly's own SQLite file (Threads conversations and the outbox)."""
        if self.gladly_db is not None:
            return self.gladly_db
        return ":memory:" if self.db == ":memory:" else GLADLY_DB

    @property
    def certificates(self) -> Certificates:
        """Where ``--tls`` keeps its CA and certificate (no file is read or made here)."""
        return Certificates(Path(self.tls_dir) if self.tls_dir else default_dir())

    @property
    def serves_oms(self) -> bool:
        """Only the OMS role keeps data; the adapter and the fake Gladly alone need none."""
        return self.role in ("oms", "all")

    def port_of(self, offset: int) -> int:
        """'all' puts the roles on consecutive ports (OMS, adapter, Gladly); port 0 picks free ones."""
        return self.port + offset if self.role == "all" and self.port else self.port


def load_data(path: str | None) -> tuple[dict[str, Any], ...] | None:
    """The profiles of ``--data``, or a one-line error with the command that writes them."""
    if path is None:
        return None
    try:
        return tuple(load_profiles(path))
    except DataError as exc:
        raise InputError(
            str(exc),
            "write one with: lookupkit generate --view gladly --types ORDER,FLIGHT,"
            "STAY,SUBSCRIPTION,GENERIC --out customers.json",
        ) from None


def load_card_file(path: str | None) -> tuple[CardSpec, ...]:
    """The cards of ``--cards``, or a one-line error naming the line."""
    if path is None:
        return ()
    try:
        return load_cards(path)
    except CardsError as exc:
        raise InputError(
            f"{path}: {exc}",
            'a card is a [[card]] table: type = "ORDER", and optionally label, '
            'filter = { brand = "Acme" }, attributes = [...] (see the README)',
        ) from None


def claim(path: str) -> IO[str] | None:
    """Hold ``PATH.lock`` while serving: a second ``serve`` on the same database would keep its
    own caches, faults and settings, and one's reset would wipe the other's data, so it refuses
    to start instead. The lock goes with the process, however it ends (kill -9 too)."""
    if path == ":memory:":
        return None
    try:
        handle = open(path + ".lock", "a+")  # noqa: SIM115  # held until the process ends
    except OSError as exc:
        raise InputError(
            f"cannot open {path}.lock: {exc.strerror}", "pass --db PATH to a writable file"
        ) from None
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.seek(0)
        pid = handle.read().strip() or "?"
        handle.close()
        raise InputError(
            f"another lookupkit serve (pid {pid}) is using {path}",
            "stop it, or pass another --db (or --db :memory:)",
        ) from None
    handle.truncate(0)
    handle.write(str(os.getpid()))
    handle.flush()
    return handle


def open_store(options: ServeOptions) -> Store:
    """The store, seeded when empty; the adapter or the fake Gladly alone keeps only its harness
    state, in memory (no database file is created)."""
    try:
        path = options.db if options.serves_oms else ":memory:"
        store = Store(
            path,
            settings={"rateLimit": options.rate_limit, "mutant": options.mutant},
            admin=options.admin,
            admin_token=options.admin_token,
        )
    except Exception as exc:  # sqlite3 errors name the problem
        raise InputError(
            f"cannot open the database {options.db!r}: {exc}", "pass --db PATH to a writable file"
        ) from None
    if options.serves_oms and store.count_customers() == 0:
        store.seed(options.seed, customers=options.customers, reference=options.reference)
    return store


async def start_roles(
    running: Running,
    store: Store,
    options: ServeOptions,
    data: tuple[dict[str, Any], ...] | None = None,
    cards: tuple[CardSpec, ...] = (),
) -> None:
    host, oms_url = options.host, options.oms_url
    api = API_PATHS[options.platform]
    certs = ensure_certificates(options.certificates.directory) if options.tls else None
    if options.role in ("oms", "all"):
        app = roles.oms_app(store, token=options.token, public_url=options.public_url)
        tls = certs.server_context() if certs else None
        base = await start(running, "oms", app, host=host, port=options.port_of(0), tls=tls)
        oms_url = oms_url or base + api
    if options.role in ("adapter", "all"):
        oms_url = oms_url or f"http://127.0.0.1:{DEFAULT_PORT}{api}"
        config = AdapterConfig(
            oms_url,
            options.token,
            platform=options.platform,
            shopify_api=options.shopify_api,
            data=data,
            ca_file=str(certs.ca) if certs else None,
            signing_key=options.signing_key,
            basic_auth=options.basic_auth,
            cache_ttl=options.cache_ttl,
        )
        app = roles.adapter_app(store, config)
        await start(running, "adapter", app, host=host, port=options.port_of(1))
    if options.role in ("gladly", "all"):
        target = options.gladly_adapter or (
            running.urls["adapter"] + "/" if "adapter" in running.urls else None
        )
        if target is None:
            raise click.BadParameter(
                "'serve gladly' needs the adapter's URL", param_hint="--adapter"
            )
        settings = GladlyConfig(
            target,
            signing_key=options.signing_key,
            basic_auth=options.basic_auth,
            headers=options.gladly_headers,
            search_attributes=options.search_attributes or ("email",),
            result_columns=options.result_columns or ("name", "externalCustomerId", "emails"),
            query_form=options.query_form,
            cards=cards,
            db=options.gladly_path,
            code_ttl=options.code_ttl,
            quick_reply=options.quick_reply,
            price_per_resolution=options.price_per_resolution,
        )
        try:
            app = roles.gladly_app(store, settings)
        except sqlite3.Error as exc:
            raise InputError(
                f"cannot open the fake Gladly's database {settings.db!r}: {exc}",
                "pass --gladly-db PATH to a writable file (or :memory:)",
            ) from None
        await start(running, "gladly", app, host=host, port=options.port_of(2))


async def serve_until_stopped(options: ServeOptions) -> None:
    """Serve until SIGINT or SIGTERM; a port that cannot be had is one line, not a traceback."""
    data = load_data(options.data)  # before anything starts: a bad file is one line
    cards = load_card_file(options.cards) if options.role in ("gladly", "all") else ()
    lock = claim(options.db if options.serves_oms else ":memory:")  # noqa: F841  # held
    store = open_store(options)
    running = Running()
    try:
        await start_roles(running, store, options, data, cards)
    except OSError as exc:
        await stop(running)
        store.close()
        reason = (
            "is in use" if exc.errno == errno.EADDRINUSE else f"cannot be opened ({exc.strerror})"
        )
        raise click.ClickException(
            f"port {options.port} on {options.host} {reason}; pick another with --port"
        ) from None
    except BaseException:
        await stop(running)
        store.close()
        raise
    stopped = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):  # before the announcement a caller waits for
        loop.add_signal_handler(sig, stopped.set)
    announce(running.urls, store, options, data)
    await stopped.wait()
    click.echo("Stopping...", err=True)
    await stop(running)
    store.close()


def announce(
    urls: dict[str, str],
    store: Store,
    options: ServeOptions,
    data: tuple[dict[str, Any], ...] | None = None,
) -> None:
    """Say where each role listens, how to authenticate, and a few customers to try."""
    if "oms" in urls:
        click.echo(f"Fake OMS       {urls['oms']}")
        click.echo(
            f"  Shopify      {urls['oms']}/admin/api/{SHOPIFY_VERSION}/  (X-Shopify-Access-Token)"
        )
        click.echo(f"  BigCommerce  {urls['oms']}/stores/lookupkit/v2/  (X-Auth-Token)")
        click.echo(
            f"  Magento      {urls['oms']}/rest/V1/  (Authorization: Bearer, or OAuth 1.0a:"
            " consumer key and access token lookupkit, both secrets the OMS token)"
        )
    if "oms" in urls and options.tls:
        click.echo("  HTTPS with the kit's CA; for SDKs (lookupkit sdk-env prints these again):")
        for line in env_lines(options.certificates):  # made in start_roles: paths only here
            click.echo(f"    {line}")
    if "gladly" in urls:
        click.echo(
            f"Fake Gladly    {urls['gladly']}/  (agent desktop, Sidekick, debugger; JSON API under /api)"
        )
    if "adapter" in urls:
        signed = options.signing_key is not None
        note = "signed requests only" if signed else "no signing key: unsigned requests accepted"
        mutant = f"; mutant {options.mutant}" if options.mutant else ""
        reads = {"bigcommerce": "BigCommerce", "magento": "Magento"}.get(
            options.platform, "Shopify"
        )
        if options.data:
            reads = options.data
        elif options.platform == "shopify" and options.shopify_api == "graphql":
            reads = "Shopify GraphQL"
        click.echo(f"Adapter        {urls['adapter']}/  (reads {reads}; {note}{mutant})")
    for role in ("oms", "adapter", "gladly") if options.admin else ():
        if role in urls:
            click.echo(f"Admin          {urls[role]}/_mock/requests, /_mock/faults, /_mock/reset")
            click.echo(f"  writes need  {TOKEN_HEADER}: {store.admin_token}")
            break
    _customers_to_try(urls, store, options, data)
    click.echo("Press Ctrl-C to stop.", err=True)


def _customers_to_try(
    urls: dict[str, str],
    store: Store,
    options: ServeOptions,
    data: tuple[dict[str, Any], ...] | None,
) -> None:
    """A few customers to look up: the ``--data`` file's, else the OMS's."""
    if data is not None and "adapter" in urls:
        click.echo(f"Customers to try (from {options.data}):")
        for p in data[:5]:
            email = next((e.get("original") for e in p.get("emails") or []), "") or "-"
            phone = next((x.get("original") for x in p.get("phones") or []), "") or "-"
            kinds = sorted({str(t.get("type")) for t in p.get("transactions") or []})
            click.echo(
                f"  {email:<38} {phone:<16} externalCustomerId {p['externalCustomerId']}"
                f"  ({len(p.get('transactions') or [])} transactions: {', '.join(kinds)})"
            )
    elif "oms" in urls:
        click.echo("Customers to try:")
        for c in store.known_customers(5):
            click.echo(
                f"  {c['email'] or '-':<38} {c['phone'] or '-':<16} externalCustomerId {c['id']}"
                f"  ({c['orders']} orders)"
            )
