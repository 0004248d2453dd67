"""Command-line commands that need no server: ``lookupkit check`` and ``lookupkit sign``.

Also ``run``, which gives every lookupkit command the same error style: a bad input exits 2
with one line naming what was wrong and a hint, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import click

from contracts.checks import evaluate
from contracts.exchange import KINDS, Exchange, LookupKind
from contracts.rules import PROFILES, Finding, Profile
from contracts.signing import QueryForm, gladly_headers, parse_time, sign_headers

__all__ = [
    "InputError",
    "check",
    "field_value",
    "parse_header",
    "read_input",
    "run",
    "sign",
    "signing_options",
    "user_password",
    "validated",
    "writable",
]

_HEADER_NAME = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


class InputError(click.ClickException):
    """Unreadable or invalid input: exit 2 with the message and a hint on one line."""

    exit_code = 2

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.hint = hint
        ctx = click.get_current_context(silent=True)
        self.command_path = ctx.command_path if ctx else "lookupkit"


def run(command: click.Command, argv: Sequence[str] | None = None) -> NoReturn:
    """Run a click command with lookupkit's error style and exit codes."""
    try:
        code = command.main(args=argv, prog_name="lookupkit", standalone_mode=False)
    except click.UsageError as exc:
        path = exc.ctx.command_path if exc.ctx else "lookupkit"
        click.echo(f"{path}: error: {exc.format_message()} (hint: see '{path} --help')", err=True)
        sys.exit(2)
    except InputError as exc:
        hint = f" (hint: {exc.hint})" if exc.hint else ""
        click.echo(f"{exc.command_path}: error: {exc.format_message()}{hint}", err=True)
        sys.exit(2)
    except click.ClickException as exc:
        click.echo(f"lookupkit: error: {exc.format_message()}", err=True)
        sys.exit(exc.exit_code)
    except click.Abort:
        click.echo("lookupkit: aborted", err=True)
        sys.exit(130)
    except KeyboardInterrupt:
        click.echo("lookupkit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug in the kit: one line, the traceback only on request
        if os.environ.get("LOOKUPKIT_DEBUG"):
            raise
        click.echo(
            f"lookupkit: internal error: {type(exc).__name__}: {exc} "
            "(hint: set LOOKUPKIT_DEBUG=1 for the traceback, and please report it)",
            err=True,
        )
        sys.exit(70)
    sys.exit(code if isinstance(code, int) else 0)


def read_input(path: str, what: str) -> bytes:
    """Read a file argument ('-' is standard input) or raise InputError naming it."""
    if path == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise InputError(f"{what} file {path!r} does not exist", "check the path") from None
    except IsADirectoryError:
        raise InputError(f"{what} file {path!r} is a directory", "name a JSON file") from None
    except OSError as exc:
        raise InputError(f"cannot read {what} file {path!r}: {exc.strerror}") from None


def _read_json(path: str, what: str) -> Any:
    raw = read_input(path, what)
    try:
        return json.loads(raw)
    except UnicodeDecodeError:
        raise InputError(
            f"{what} file {path!r} is not UTF-8 text", "save it as UTF-8 JSON"
        ) from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"{what} file {path!r} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}",
            "save the raw response body, without headers or log prefixes",
        ) from None


def _kind_source(request: Any, kind: LookupKind | None, given: bool) -> str:
    if given:
        return "given with --kind"
    if kind is None:
        return "unknown: pass --request or --kind for cardinality rules"
    return "from the request" if request is not None else "inferred from the response"


def _print_text(source: str, findings: list[Finding], header: str) -> None:
    colours = {"error": "red", "warning": "yellow", "info": "blue"}
    click.echo(header)
    for f in findings:
        click.echo()
        label = click.style(f"{f.severity.upper():7}", fg=colours[f.severity], bold=True)
        click.echo(f"{label} {f.rule}  at {f.path or '(root)'}")
        for line in f.message.splitlines():
            click.echo(f"        {line}".rstrip())
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    infos = len(findings) - errors - warnings
    click.echo()
    if findings:
        click.echo(f"{errors} error(s), {warnings} warning(s), {infos} info in {source}")
    else:
        click.echo(f"No findings in {source}.")


@click.command()
@click.argument("response", metavar="RESPONSE.json")
@click.option(
    "--request",
    "request_path",
    metavar="REQUEST.json",
    help="The lookup request the response answers.",
)
@click.option(
    "--profile",
    type=click.Choice(PROFILES),
    default="agent",
    show_default=True,
    help="core: Gladly would break; agent: cards render; sidekick: Sidekick/WISMO work.",
)
@click.option(
    "--kind", type=click.Choice(KINDS), help="The lookup kind, when there is no --request."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
def check(
    ctx: click.Context,
    response: str,
    request_path: str | None,
    profile: Profile,
    kind: LookupKind | None,
    fmt: str,
) -> None:
    """Check a captured lookup response body against the rule catalogue.

    Exit 0 when there is no error-severity finding, 1 when there is, 2 on unreadable input.
    """
    body = _read_json(response, "response")
    request = _read_json(request_path, "request") if request_path else None
    exchange = Exchange(body, request=request, kind=kind)
    findings = evaluate(exchange, profile)
    errors = sum(f.severity == "error" for f in findings)
    if fmt == "json":
        summary = {"errors": errors, "warnings": sum(f.severity == "warning" for f in findings)}
        click.echo(
            json.dumps({"summary": summary, "findings": [f.as_dict() for f in findings]}, indent=2)
        )
    else:
        kind_text = exchange.kind or "lookup"
        header = (
            f"Checked {response} as a {kind_text} response "
            f"({_kind_source(request, exchange.kind, kind is not None)}), profile {profile}"
        )
        _print_text(response, findings, header)
    ctx.exit(1 if errors else 0)


def parse_header(value: str) -> tuple[str, str]:
    name, sep, content = value.partition(":")
    name = name.strip()
    if not sep or not _HEADER_NAME.match(name):
        raise click.BadParameter(f"{value!r} is not 'Name: value'", param_hint="--header")
    if "\n" in content or "\r" in content:
        raise click.BadParameter(
            f"header {name!r} has a line break in its value", param_hint="--header"
        )
    return name, content.strip()


def user_password(value: str | None) -> tuple[str, str] | None:
    """``--basic-auth USER:PASS`` as (user, password); None when the option is absent."""
    if value is None:
        return None
    user, sep, password = value.partition(":")
    if not sep or not user:
        raise click.BadParameter("expected USER:PASS", param_hint="--basic-auth")
    return user, password


def _parse_basic_auth(value: str) -> tuple[str, str, str]:
    parts = value.split(":", 2)
    if len(parts) < 2 or not parts[0]:
        raise click.BadParameter("expected USER:PASS or USER:PASS:REALM", param_hint="--basic-auth")
    return parts[0], parts[1], parts[2] if len(parts) == 3 else ""


def field_value(value: str) -> tuple[str, str]:
    """``--known FIELD=VALUE`` as (field, value)."""
    name, sep, content = value.partition("=")
    if not sep or not name.strip() or not content.strip():
        raise click.BadParameter(
            f"{value!r} is not FIELD=VALUE, e.g. email=ana@example.com", param_hint="--known"
        )
    return name.strip(), content.strip()


def validated(parser: Callable[[str], Any]) -> Callable[[click.Context, click.Parameter, Any], Any]:
    def callback(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, tuple):
            return tuple(parser(v) for v in value)
        return parser(value)

    return callback


def signing_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--signing-key`` (or GLADLY_SIGNING_KEY) and ``--basic-auth``, as Gladly's app has them."""
    command = click.option(
        "--basic-auth", metavar="USER:PASS", help="Basic credentials configured for the app."
    )(command)
    return click.option(
        "--signing-key",
        envvar="GLADLY_SIGNING_KEY",
        show_envvar=True,
        metavar="KEY",
        help="The app's signing key; every request is signed with it (never printed).",
    )(command)


def writable(path: str, option: str) -> str:
    """``path`` if a report can be written there; else a BadParameter naming ``option``."""
    folder = Path(path).parent
    if Path(path).is_dir() or not folder.is_dir() or not os.access(folder, os.W_OK):
        raise click.BadParameter(
            f"cannot write {path!r} (is the folder there and writable?)", param_hint=option
        )
    return path


def header_option(help_text: str) -> Callable[[Any], Any]:
    """The repeatable ``--header 'Name: value'`` option, parsed and checked."""
    return click.option(
        "--header",
        "headers",
        multiple=True,
        metavar="'Name: value'",
        callback=validated(parse_header),
        help=help_text,
    )


def _check_time(value: str) -> str:
    try:
        parse_time(value)
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not YYYYMMDDTHHMMSSZ, e.g. 20240501T120000Z", param_hint="--time"
        ) from None
    return value


@click.command()
@click.option(
    "--key",
    envvar="GLADLY_SIGNING_KEY",
    show_envvar=True,
    metavar="KEY",
    help="The app's signing key (never printed).",
)
@click.option(
    "--time",
    "time_",
    metavar="YYYYMMDDTHHMMSSZ",
    callback=validated(_check_time),
    help="Gladly-Time to sign with; default now.",
)
@click.option(
    "--method",
    default="POST",
    show_default=True,
    type=click.Choice(["POST", "GET"], case_sensitive=False),
)
@click.option("--url", default="http://127.0.0.1:8701/", show_default=True, help="The adapter URL.")
@click.option("--body-file", metavar="FILE|-", help="The exact body bytes (required for POST).")
@header_option("Add a header, or replace a generated one of the same name. Repeatable.")
@click.option(
    "--basic-auth",
    metavar="USER:PASS[:REALM]",
    callback=validated(_parse_basic_auth),
    help="Add Authorization and WWW-Authenticate as Gladly does.",
)
@click.option(
    "--query-form",
    type=click.Choice([f.value for f in QueryForm]),
    default=QueryForm.DOCUMENTED.value,
    show_default=True,
    help="How a query string is signed (sources disagree).",
)
@click.option("--curl", is_flag=True, help="Print a runnable curl command instead of headers.")
def sign(
    key: str | None,
    time_: str | None,
    method: str,
    url: str,
    body_file: str | None,
    headers: tuple[tuple[str, str], ...],
    basic_auth: tuple[str, str, str] | None,
    query_form: str,
    curl: bool,
) -> None:
    """Print the headers Gladly would send for a request, Gladly-Authorization included."""
    if not key:
        raise InputError("no signing key given", "pass --key KEY or set GLADLY_SIGNING_KEY")
    method = method.upper()
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter(f"{url!r} is not an http(s) URL", param_hint="--url")
    if method == "POST" and body_file is None:
        raise InputError(
            "a POST needs a body", "pass --body-file FILE, or --body-file - to read stdin"
        )
    if method == "GET" and body_file is not None:
        raise InputError(
            "Gladly sends GET requests without a body", "drop --body-file or use --method POST"
        )
    body = read_input(body_file, "body") if body_file is not None else b""
    generated = gladly_headers(body=method == "POST", time=time_, basic_auth=basic_auth)
    overrides = {name.lower(): (name, value) for name, value in headers}
    merged: dict[str, str] = {}
    for name, value in generated.items():
        name, value = overrides.pop(name.lower(), (name, value))
        merged[name] = value
    merged.update(dict(overrides.values()))
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    signed = sign_headers(key, method, target, merged, body, query_form=QueryForm(query_form))
    if not curl:
        for name, value in signed.items():
            click.echo(f"{name}: {value}")
        return
    lines = [f"curl -sS --compressed -X {method} {shlex.quote(url)}"]
    lines += [
        f"  -H {shlex.quote(f'{name}: {value}')}"
        for name, value in signed.items()
        if name.lower() != "accept-encoding"
    ]
    if method == "POST":
        lines.append(
            f"  --data-binary {shlex.quote(body.decode('utf-8', errors='surrogateescape'))}"
        )
    click.echo(" \\\n".join(lines))
