"""``lookupkit load``: Gladly-shaped, signed load on an adapter, with Locust as the engine.

The command checks its options, gathers the customers, and runs Locust (``python -m locust``)
on ``contracts/load/locustfile.py`` with the run's settings in the environment: standalone, as
Locust's own master and workers on this machine (``--processes``), or as the master or a worker
of a run across machines. When the run ends it reads what the master measured and prints the
verdict against Gladly's limits.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

import click

from contracts.cli import (
    InputError,
    field_value,
    header_option,
    signing_options,
    user_password,
    validated,
    writable,
)
from contracts.load.customers import customers_from
from contracts.load.model import RAMPS, Rate, mean_users_share
from contracts.load.verdict import finish
from contracts.rules import PROFILES
from contracts.verify.options import VerifyOptions

__all__ = ["load"]

LOCUSTFILE = Path(__file__).with_name("locustfile.py")
MAX_DURATION = 4 * 3600.0
REPORT_KINDS = ("json", "junit", "html", "csv")
GRACE = 90.0  # seconds past --duration before a run that has not ended is stopped
WORKER_WAIT = 60.0  # seconds a --master waits for its workers to connect


def _report(value: str) -> tuple[str, str]:
    kind, sep, path = value.partition(":")
    if not sep or kind not in REPORT_KINDS or not path:
        raise click.BadParameter(
            f"{value!r} is not json:PATH, junit:PATH, html:PATH or csv:PREFIX",
            param_hint="--report",
        )
    return kind, writable(path, "--report")


@click.command()
@click.argument("url")
@signing_options
@header_option("An admin-configured header sent (and signed) on every request. Repeatable.")
@click.option(
    "--query-form",
    type=click.Choice(["documented", "path-with-query"]),
    default="documented",
    show_default=True,
    help="How action URLs' query strings are signed (SPEC §2).",
)
@click.option(
    "--known",
    multiple=True,
    metavar="FIELD=VALUE",
    callback=validated(field_value),
    help="A customer to look up (email=..., phone=..., externalCustomerId=..., or a search attribute). Repeatable.",
)
@click.option("--search-attribute", "search_attributes", multiple=True, metavar="NAME",
              help="A Search Query Attribute configured in Gladly (default: email). Repeatable.")  # fmt: skip
@click.option("--from-oms", metavar="URL",
              help="Draw customers from a 'lookupkit serve oms' at URL (its /_mock/customers).")  # fmt: skip
@click.option("--customers", "customer_count", type=click.IntRange(1, 10_000), default=1000,
              show_default=True, help="How many customers --from-oms draws.")  # fmt: skip
@click.option("--contacts-per-hour", type=click.FloatRange(1, 10_000_000),
              help="Contacts reaching agents per hour (default 3600), turned into Gladly's mix.")  # fmt: skip
@click.option("--rps", type=click.FloatRange(0.01, 100_000),
              help="Requests per second instead: the contact rate that sends them.")  # fmt: skip
@click.option("--submits", is_flag=True,
              help="Agents also submit the action forms they open (writes to the adapter's OMS).")  # fmt: skip
@click.option("--profile", "ramp", type=click.Choice(RAMPS), default="steady", show_default=True,
              help="steady: all agents at once; peak: a climb over the first half; spike: a fifth, then all for the middle fifth.")  # fmt: skip
@click.option("--duration", type=click.FloatRange(1, MAX_DURATION), metavar="SECONDS",
              help=f"How long the run lasts (required; at most {MAX_DURATION:g} s).")  # fmt: skip
@click.option("--users", type=click.IntRange(1, 5000),
              help="Simulated agents at the peak (default: one per 10 s of contact rate).")  # fmt: skip
@click.option("--spawn-rate", type=click.FloatRange(0.1, 10_000), metavar="PER_SECOND",
              help="Agents started per second (default: all within a second).")  # fmt: skip
@click.option("--processes", type=click.IntRange(-1, 256), default=1, show_default=True,
              help="Locust processes on this machine: >1 runs Locust's master and N workers; -1 one per core.")  # fmt: skip
@click.option("--master", is_flag=True,
              help="Be the master of a run across machines (workers: --worker --master-host).")  # fmt: skip
@click.option("--worker", is_flag=True, help="Be a worker of the master at --master-host.")
@click.option("--master-host", default="127.0.0.1", show_default=True)
@click.option("--master-port", type=click.IntRange(1, 65535), default=5557, show_default=True)
@click.option("--master-bind", default="127.0.0.1", show_default=True,
              help="Where --master listens for workers (0.0.0.0 for other machines).")  # fmt: skip
@click.option("--expect-workers", type=click.IntRange(1, 1000), default=1, show_default=True,
              help="With --master: the workers to wait for before starting.")  # fmt: skip
@click.option("--check-every", type=click.IntRange(1, 1_000_000), default=100, show_default=True,
              help="Judge one answer in N with the whole rule catalogue (1 %% by default).")  # fmt: skip
@click.option("--conformance", type=click.Choice(PROFILES), default="agent", show_default=True,
              help="The conformance profile findings are judged in.")  # fmt: skip
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the agents' choices.")
@click.option("--report", "reports", multiple=True, metavar="KIND:PATH", callback=validated(_report),
              help="json:PATH or junit:PATH (the kit's, verify's shape), html:PATH (Locust's page), csv:PREFIX (Locust's CSV). Repeatable.")  # fmt: skip
@click.option("--fail-on", type=click.Choice(["error", "warning"]), default="error",
              show_default=True, help="Exit 1 on an error finding (default), or on warnings too.")  # fmt: skip
@click.pass_context
def load(ctx: click.Context, /, url: str, **params: Any) -> None:
    """Load the Lookup Adapter at URL as Gladly would at a given contact rate, with Locust.

    Exit 0: the adapter held (no finding at the --fail-on level); 1: it did not, or the run was
    interrupted; 2: bad input.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    if params["master"] and params["worker"]:
        raise InputError(
            "--master and --worker exclude each other", "a process is one or the other"
        )
    if params["duration"] is None and not params["worker"]:
        raise InputError("--duration is required", "say how long the run lasts, e.g. --duration 60")
    if params["contacts_per_hour"] is not None and params["rps"] is not None:
        raise InputError("--contacts-per-hour and --rps exclude each other", "give one rate")
    config = _config(url, parts, params)
    ctx.exit(_run(config, params))


def _config(url: str, parts: SplitResult, params: dict[str, Any]) -> dict[str, Any]:
    customers = customers_from(params["known"], params["from_oms"], params["customer_count"])
    rate = Rate.of(
        contacts_per_hour=params["contacts_per_hour"],
        rps=params["rps"],
        submits=params["submits"],
    )
    users = params["users"] or rate.default_users()
    duration = params["duration"] or MAX_DURATION
    basic = user_password(params["basic_auth"])
    # what verify redacts, in every form it knows (the Basic pair too, as an echo carries it)
    headers = dict(params["headers"])
    secrets = VerifyOptions(url, params["signing_key"], basic, headers).secrets()
    return {
        "url": url,
        "origin": f"{parts.scheme}://{parts.netloc}",
        "signing_key": params["signing_key"] or None,
        "basic_auth": list(basic) if basic else None,
        "headers": headers,
        "query_form": params["query_form"],
        "customers": [c.as_dict() for c in customers],
        "search_attributes": list(params["search_attributes"] or ("email",)),
        "submits": params["submits"],
        "ramp": params["ramp"],
        "duration": duration,
        "users": users,
        "spawn_rate": params["spawn_rate"] or float(min(users, 100)),
        "pacing": users / rate.contacts_per_second,
        "contacts_per_second": rate.contacts_per_second,
        "asked_share": mean_users_share(params["ramp"], duration, users),
        "check_every": params["check_every"],
        "profile": params["conformance"],
        "seed": params["seed"],
        "secrets": list(secrets),
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _locust_args(params: dict[str, Any], folder: str) -> list[str]:
    args = [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"]
    args += ["--loglevel", "WARNING", "--stop-timeout", "16", "--only-summary"]
    args += ["--json-file", os.path.join(folder, "locust.json")]  # instead of Locust's table
    if params["worker"]:
        args += ["--worker", "--master-host", params["master_host"]]
        return [*args, "--master-port", str(params["master_port"])]
    for kind, path in params["reports"]:
        if kind == "html":
            args += ["--html", path]
        elif kind == "csv":
            args += ["--csv", path]
    if params["master"]:
        args += ["--master", "--master-bind-host", params["master_bind"]]
        args += ["--master-bind-port", str(params["master_port"])]
        args += ["--expect-workers", str(params["expect_workers"])]
        return [*args, "--expect-workers-max-wait", str(int(WORKER_WAIT))]
    if params["processes"] != 1:
        port = str(_free_port())
        args += ["--processes", str(params["processes"]), "--master-bind-host", "127.0.0.1"]
        args += ["--master-bind-port", port, "--master-port", port]
    return args


def _run(config: dict[str, Any], params: dict[str, Any]) -> int:
    """Run Locust until the ramp ends (or --duration plus a grace has passed), then judge."""
    with tempfile.TemporaryDirectory(prefix="lookupkit-load-") as folder:
        config["summary_path"] = os.path.join(folder, "summary.json")
        env = os.environ | {"LOOKUPKIT_LOAD_CONFIG": json.dumps(config)}
        # its own session: a Ctrl-C on the terminal reaches this process only, which stops
        # Locust once, with SIGTERM (the locustfile ends the ramp; Locust writes the reports)
        process = subprocess.Popen(_locust_args(params, folder), env=env, start_new_session=True)
        interrupted: list[int] = []

        def forward(signum: int, frame: Any) -> None:
            interrupted.append(signum)
            if not interrupted[1:]:
                process.send_signal(signal.SIGTERM)

        previous = {s: signal.signal(s, forward) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            code = _wait(process, config["duration"] + GRACE + WORKER_WAIT * params["master"])
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            with contextlib.suppress(OSError):  # workers Locust forked and has not reaped yet
                os.killpg(process.pid, signal.SIGKILL)
        if params["worker"]:
            return 0 if code == 0 else 1
        summary_path = Path(config["summary_path"])
        if not summary_path.exists():
            raise InputError(
                f"Locust ended (exit code {code}) without measuring anything",
                "see its messages above; LOOKUPKIT_DEBUG=1 shows more",
            )
        measured = json.loads(summary_path.read_text())
    return finish(config, measured, params, interrupted=bool(interrupted) or code is None)


def _wait(process: subprocess.Popen[bytes], limit: float) -> int | None:
    """Locust's exit code, or None when it had to be stopped at ``limit`` seconds."""
    try:
        return process.wait(limit)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return None
