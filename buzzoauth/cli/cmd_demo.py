"""``buzzoauth demo``: the whole OAuth 1.0a dance, offline, explained.

The work is in :mod:`buzzoauth.demo`; this module only wires it up.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from .options import new_command

if TYPE_CHECKING:
    from .options import Commands

_EXAMPLE = """\
  buzzoauth demo              # the approval is scripted
  buzzoauth demo --browser    # you press Allow in your browser"""


def register(commands: Commands) -> None:
    parser = new_command(
        commands,
        "demo",
        help="walk through the three OAuth steps against a local sandbox",
        example=_EXAMPLE,
    )
    parser.add_argument(
        "--browser",
        action="store_true",
        help="open the real authorize page in your browser",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ..demo import run as run_demo

    return run_demo(browser=args.browser)
