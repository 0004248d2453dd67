"""The ``lookupkit`` command: one group whose subcommands live beside the code they drive."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NoReturn

import click

from contracts.cli import check, run, sign
from generators.cli import generate


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="gladly-lookup-kit", prog_name="lookupkit")
def cli() -> None:
    """Contract tests, request signing and mock servers for Gladly Lookup Adapters."""


cli.add_command(check)
cli.add_command(sign)
cli.add_command(generate)


def main(argv: Sequence[str] | None = None) -> NoReturn:
    """Entry point of the lookupkit console script."""
    run(cli, argv)
