"""``lookupkit verify URL``: the contract suite against any adapter, from the command line."""

from __future__ import annotations

import functools
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

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
from contracts.rules import PROFILES, RULES
from contracts.truth import PLATFORMS
from contracts.verify.engine import Unreachable, VerifyOptions, run
from contracts.verify.options import QUERY_FORMS, rule_matches

__all__ = ["verify"]

REPORT_KINDS = ("junit", "json", "html")


def _rule_pattern(value: str) -> str:
    if not any(rule_matches(value, rule_id) for rule_id in RULES):
        raise click.BadParameter(
            f"no rule matches {value!r}: give a rule id such as security.rejects-unsigned or a "
            "family such as 'security.' (the README lists the catalogue)",
            param_hint="--rule/--skip-rule",
        )
    return value


def _report(value: str) -> tuple[str, str]:
    kind, sep, path = value.partition(":")
    if not sep or kind not in REPORT_KINDS or not path:
        raise click.BadParameter(
            f"{value!r} is not junit:PATH, json:PATH or html:PATH", param_hint="--report"
        )
    if path == "-":
        return kind, path  # standard output
    return kind, writable(path, "--report")


@click.command()
@click.argument("url")
@signing_options
@header_option("An admin-configured header sent (and signed) on every request. Repeatable.")
@click.option(
    "--known",
    multiple=True,
    metavar="FIELD=VALUE",
    callback=validated(field_value),
    help="A customer your adapter knows: email=..., phone=..., externalCustomerId=..., or a search attribute.",
)
@click.option(
    "--search-attribute",
    "search_attributes",
    multiple=True,
    metavar="NAME",
    help="A Search Query Attribute configured in Gladly (default: email). Repeatable.",
)
@click.option("--profile", type=click.Choice(PROFILES), default="agent", show_default=True)
@click.option(
    "--max-examples",
    type=click.IntRange(0, 100_000),
    default=100,
    show_default=True,
    help="Generated lookups per mode (positive and negative).",
)
@click.option("--seed", type=int, help="Make the generated requests repeatable.")
@click.option(
    "--time-budget",
    type=click.FloatRange(1, 86_400),
    default=120.0,
    show_default=True,
    metavar="SECONDS",
)
@click.option(
    "--request-timeout",
    type=click.FloatRange(0.1, 60),
    default=15.0,
    show_default=True,
    metavar="SECONDS",
    help="Gladly waits at most 15 s.",
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="KIND:PATH",
    callback=validated(_report),
    help="junit:PATH, json:PATH or html:PATH. Repeatable.",
)
@click.option(
    "--query-form",
    type=click.Choice(QUERY_FORMS),
    default="auto",
    show_default=True,
    help="How action URLs' query strings are signed (SPEC §2): auto tries the documented form, then the other.",
)
@click.option(
    "--no-submit",
    is_flag=True,
    help="Read-only: send no action submits (for a production adapter); the report says what was skipped.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "incomplete"]),
    default="error",
    show_default=True,
    help="Exit 1 on an error (default); on errors and warnings; or on errors and an incomplete run.",
)
@click.option(
    "--rule",
    "rules",
    multiple=True,
    metavar="ID",
    callback=validated(_rule_pattern),
    help="Judge only this rule (or a family: 'security.'). Repeatable.",
)
@click.option(
    "--skip-rule",
    "skip_rules",
    multiple=True,
    metavar="ID",
    callback=validated(_rule_pattern),
    help="Do not judge this rule (or a family: 'security.'). Repeatable.",
)
@click.option(
    "--color",
    type=click.Choice(["auto", "always", "never"]),
    default="auto",
    show_default=True,
    help="Colour the summary; auto: on a terminal unless NO_COLOR is set.",
)
@click.option(
    "--oms",
    metavar="URL",
    help="The 'lookupkit serve oms' the adapter reads: its answers are checked against the store (truth.*); --known becomes optional.",
)
@click.option(
    "--platform",
    type=click.Choice(PLATFORMS),
    help="With --oms: the platform the adapter reads (which order numbers are right; default any).",
)
@click.option(
    "--oms-admin-token",
    metavar="TOKEN",
    help="With --oms: the OMS's admin token, so the run can inject OMS faults (never printed).",
)
@click.option(
    "--max-staleness",
    type=click.FloatRange(1, 600),
    default=60.0,
    show_default=True,
    metavar="SECONDS",
    help="With --oms and --oms-admin-token: how soon a change in the OMS must show in answers.",
)
@click.option(
    "--oms-faults/--no-oms-faults",
    default=True,
    show_default=True,
    help="With --oms-admin-token: inject OMS faults (429s, 5xx, 10 s latency, bad JSON, resets).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show info findings in the table too.")
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line.")
@click.pass_context
def verify(ctx: click.Context, /, url: str, **params: Any) -> None:
    """Verify a Lookup Adapter at URL against the contract, as Gladly would use it.

    Exit 0: no finding at the --fail-on level; 1: at least one (or an interrupted run);
    2: usage error or adapter unreachable. Options also come from LOOKUPKIT_* variables and
    from [verify] in lookupkit.toml or [tool.lookupkit.verify] in pyproject.toml.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    if params["oms"]:
        oms = urlsplit(params["oms"])
        if oms.scheme not in ("http", "https") or not oms.netloc:
            raise click.BadParameter(f"{params['oms']!r} is not an http(s) URL", param_hint="--oms")
    options = VerifyOptions(
        url=url,
        signing_key=params["signing_key"] or None,
        basic_auth=user_password(params["basic_auth"]),
        headers=dict(params["headers"]),
        known=list(params["known"]),
        search_attributes=params["search_attributes"] or ("email",),
        profile=params["profile"],
        max_examples=params["max_examples"],
        seed=params["seed"],
        time_budget=params["time_budget"],
        request_timeout=params["request_timeout"],
        query_form=params["query_form"],
        no_submit=params["no_submit"],
        rules=tuple(params["rules"]),
        skip_rules=tuple(params["skip_rules"]),
        oms=params["oms"],
        platform=params["platform"],
        oms_admin_token=params["oms_admin_token"] or None,
        max_staleness=params["max_staleness"],
        oms_faults=params["oms_faults"],
    )
    progress = Progress(quiet=params["quiet"], budget=options.time_budget)
    stop = threading.Event()
    interrupt = functools.partial(_interrupt, stop)
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        report = run(options, progress, stop=stop)
    except Unreachable as exc:
        if exc.report is not None:  # the reports say why the run could not start
            _write_reports(
                exc.report, params["reports"], say=functools.partial(click.echo, err=True)
            )
        raise InputError(str(exc), "check the URL and that the adapter is running") from None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        progress.stop()
    ctx.exit(_finish(report, params))


def _interrupt(stop: threading.Event, signum: int, frame: Any) -> None:
    """SIGINT and SIGTERM end the run with its summary and reports. The flag makes it stick:
    a KeyboardInterrupt raised inside a gc callback is dropped, the next check raises it again."""
    stop.set()
    raise KeyboardInterrupt


class Progress:
    """On a terminal, a bar of the time budget redrawn in place with the phase under way (phase
    changes stay as lines above it); off a terminal (CI), a line every 10 s so a run is never
    silent."""

    WIDTH = 24

    def __init__(self, *, quiet: bool, budget: float = 0.0, every: float = 10.0) -> None:
        self.quiet, self.interactive = quiet, sys.stderr.isatty()
        self.started, self.phase, self.budget = time.monotonic(), "starting", budget
        self.done = threading.Event()
        self.lock = threading.Lock()
        if not quiet:
            tick = 0.5 if self.interactive and budget > 0 else every
            threading.Thread(target=self._tick, args=(tick,), daemon=True).start()

    def __call__(self, message: str) -> None:
        self.phase = message
        loud = message.startswith(("no --known", "the adapter refuses"))
        if not self.quiet and (self.interactive or loud):
            with self.lock:
                click.echo(f"\r\033[K  {message}" if self.interactive else f"  {message}", err=True)
                self._bar()

    def bar(self) -> str:
        elapsed = time.monotonic() - self.started
        filled = min(self.WIDTH, int(self.WIDTH * elapsed / self.budget)) if self.budget else 0
        line = (
            f"  [{'#' * filled}{'-' * (self.WIDTH - filled)}] {elapsed:.0f} s of {self.budget:g} s"
        )
        return f"{line}  {self.phase}"[:120]

    def _bar(self) -> None:
        if self.interactive and self.budget > 0 and not self.done.is_set():
            click.echo(f"\r\033[K{self.bar()}", err=True, nl=False)

    def _tick(self, every: float) -> None:
        while not self.done.wait(every):
            with self.lock:
                if self.interactive:
                    self._bar()
                else:
                    click.echo(
                        f"  [{time.monotonic() - self.started:.0f} s] {self.phase}", err=True
                    )

    def stop(self) -> None:
        self.done.set()
        if self.interactive and not self.quiet and self.budget > 0:
            with self.lock:
                click.echo("\r\033[K", err=True, nl=False)  # the summary takes the bar's place


def _finish(report: Any, params: dict[str, Any]) -> int:
    """Print the summary (to stderr when a report takes stdout), write the reports, and say
    whether the run failed at the --fail-on level."""
    from contracts.verify.report import summary_table
    from contracts.verify.verdict import verdict

    quiet, reports = params["quiet"], params["reports"]
    to_stderr = any(path == "-" for _, path in reports)
    stream = sys.stderr if to_stderr else sys.stdout
    color = params["color"] == "always" or (
        params["color"] == "auto" and not os.environ.get("NO_COLOR") and stream.isatty()
    )
    say = functools.partial(click.echo, err=to_stderr, color=color)
    summary = summary_table(report, verbose=params["verbose"], color=color)
    say(verdict(report) if quiet else summary)
    if report.stopped and not quiet:
        say(f"Stopped early: {report.stopped}.")
    for what in report.skipped if not quiet else []:
        say(f"Not done: {what}.")
    _write_reports(report, reports, say=(lambda _: None) if quiet else say)
    failed = report.errors > 0 or report.stopped == "interrupted before the end"
    if params["fail_on"] == "warning":
        failed = failed or report.count("warning") > 0
    if params["fail_on"] == "incomplete":
        failed = failed or bool(report.incomplete)
    return 1 if failed else 0


def _write_reports(report: Any, reports: list[tuple[str, str]], say: Callable[[str], Any]) -> None:
    from contracts.verify.report import write_report

    for kind, path in reports:
        write_report(report, kind, path)
        if path != "-":
            say(f"Wrote the {kind} report to {path}")


class _Lines(click.types.StringParamType):
    """A repeatable option's values from one environment variable: one value per line."""

    envvar_list_splitter = "\n"


for _param in verify.params:  # every option also from LOOKUPKIT_<NAME> (shown in --help)
    if isinstance(_param, click.Option) and not _param.envvar and _param.name:
        _param.envvar = f"LOOKUPKIT_{_param.name.upper()}"
        _param.show_envvar = True
        if _param.multiple:
            _param.type = _Lines()

VERIFY_OPTIONS = {p.name for p in verify.params if isinstance(p, click.Option) and p.name}
