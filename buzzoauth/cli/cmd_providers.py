"""``buzzoauth providers``: the table of provider presets."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .. import providers
from . import exits
from .options import new_command
from .output import say

if TYPE_CHECKING:
    from .options import Commands

_EXAMPLE = """\
  buzzoauth providers
  buzzoauth authorize --provider sandbox --base-url http://127.0.0.1:8080 ..."""
_HEADINGS = ("NAME", "STATUS", "SIGNATURE", "DOCUMENTATION")


def register(commands: Commands) -> None:
    parser = new_command(
        commands,
        "providers",
        help="list the provider presets",
        example=_EXAMPLE,
    )
    parser.set_defaults(run=run)


def rows() -> list[tuple[str, str, str, str]]:
    """One row per preset: name, status, signature method, docs URL."""
    table = []
    for name in providers.names():
        preset = providers.get(name)
        table.append(
            (
                name,
                preset.status,
                preset.signature_method,
                preset.docs_url or "-",
            )
        )
    return table


def run(args: argparse.Namespace) -> int:
    table = [_HEADINGS, *rows()]
    widths = [max(len(row[i]) for row in table) for i in range(3)]
    for row in table:
        cells = [
            cell.ljust(width) for cell, width in zip(row, widths, strict=False)
        ]
        say("  ".join([*cells, row[3]]).rstrip())
    return exits.OK
