"""``lookupkit verify URL``: the contract suite against any adapter, from the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import click

from contracts.cli import InputError, header_option, user_password, validated
from contracts.rules import PROFILES
from contracts.verify.engine import Unreachable, VerifyOptions, run
from contracts.verify.options import QUERY_FORMS

__all__ = ["verify"]

REPORT_KINDS = ("junit", "json", "html")


def _known(value: str) -> tuple[str, str]:
    name, sep, content = value.partition("=")
    if not sep or not name.strip() or not content.strip():
        raise click.BadParameter(
            f"{value!r} is not FIELD=VALUE, e.g. email=ana@example.com", param_hint="--known"
        )
    return name.strip(), content.strip()


def _report(value: str) -> tuple[str, str]:
    kind, sep, path = value.partition(":")
    if not sep or kind not in REPORT_KINDS or not path:
        raise click.BadParameter(
            f"{value!r} is not junit:PATH, json:PATH or html:PATH", param_hint="--report"
        )
    folder = Path(path).parent
    if Path(path).is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise click.BadParameter(
            f"cannot write {path!r} (is the folder there and writable?)", param_hint="--report"
        )
    return kind, path


@click.command()
@click.argument("url")
@click.option(
    "--signing-key",
    envvar="GLADLY_SIGNING_KEY",
    show_envvar=True,
    metavar="KEY",
    help="The app's signing key; every request is signed with it (never printed).",
)
@click.option("--basic-auth", metavar="USER:PASS", help="Basic credentials configured for the app.")
@header_option("An admin-configured header sent (and signed) on every request. Repeatable.")
@click.option(
    "--known",
    multiple=True,
    metavar="FIELD=VALUE",
    callback=validated(_known),
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
@click.pass_context
def verify(
    ctx: click.Context,
    url: str,
    signing_key: str | None,
    basic_auth: str | None,
    headers: tuple[tuple[str, str], ...],
    known: tuple[tuple[str, str], ...],
    search_attributes: tuple[str, ...],
    profile: Any,
    max_examples: int,
    seed: int | None,
    time_budget: float,
    request_timeout: float,
    reports: tuple[tuple[str, str], ...],
    query_form: str,
    no_submit: bool,
) -> None:
    """Verify a Lookup Adapter at URL against the contract, as Gladly would use it.

    Exit 0: no error-severity finding; 1: at least one; 2: usage error or adapter unreachable.
    """
    from contracts.verify.report import summary_table, write_report

    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="URL")
    options = VerifyOptions(
        url=url,
        signing_key=signing_key or None,
        basic_auth=user_password(basic_auth),
        headers=dict(headers),
        known=list(known),
        search_attributes=search_attributes or ("email",),
        profile=profile,
        max_examples=max_examples,
        seed=seed,
        time_budget=time_budget,
        request_timeout=request_timeout,
        query_form=query_form,
        no_submit=no_submit,
    )
    interactive = sys.stderr.isatty()

    def progress(message: str) -> None:
        if interactive or message.startswith(("no --known", "the adapter refuses")):
            click.echo(f"  {message}", err=True)

    try:
        report = run(options, progress)
    except Unreachable as exc:
        raise InputError(str(exc), "check the URL and that the adapter is running") from None
    click.echo(summary_table(report))
    if report.stopped:
        click.echo(f"Stopped early: {report.stopped}.")
    for what in report.skipped:
        click.echo(f"Not done: {what}.")
    for kind, path in reports:
        write_report(report, kind, path)
        click.echo(f"Wrote the {kind} report to {path}")
    ctx.exit(1 if report.errors else 0)
