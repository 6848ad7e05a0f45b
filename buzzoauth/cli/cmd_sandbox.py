"""``buzzoauth sandbox``: serve the offline provider until Ctrl-C.

It prints the sandbox's own demo consumer key *and secret*: they are
public test credentials and printing them is this command's job (the
one place besides ``sign`` where the command line shows a secret).
A host that is not loopback is refused unless ``--public`` is given,
since the sandbox approves whatever its page is told to.
"""

from __future__ import annotations

import argparse
import ipaddress
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING

from . import exits
from .options import finite, fraction, new_command, non_negative
from .output import say

if TYPE_CHECKING:
    from ..sandbox import Sandbox
    from .options import Commands

_EXAMPLE = """\
  buzzoauth sandbox --port 8080
  buzzoauth sandbox --clock-offset 600 --error-rate 0.2   # misbehave"""


def register(commands: Commands) -> None:
    parser = new_command(
        commands,
        "sandbox",
        help="run the local OAuth 1.0a sandbox provider until Ctrl-C",
        example=_EXAMPLE,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="default: 127.0.0.1"
    )
    parser.add_argument(
        "--port",
        type=int,
        default=8080,
        help="default: 8080; 0 picks a free one",
    )
    parser.add_argument(
        "--public",
        action="store_true",
        help="allow a --host that other machines can reach",
    )
    knobs = parser.add_argument_group("misbehaviour (all off by default)")
    knobs.add_argument(
        "--clock-offset",
        metavar="S",
        type=finite,
        default=0.0,
        help="seconds the sandbox clock is ahead (negative: behind)",
    )
    knobs.add_argument(
        "--latency",
        metavar="S",
        type=non_negative,
        default=0.0,
        help="seconds added before each answer",
    )
    knobs.add_argument(
        "--error-rate",
        metavar="F",
        type=fraction,
        default=0.0,
        help="fraction of answers that become 503",
    )
    knobs.add_argument(
        "--drop-rate",
        metavar="F",
        type=fraction,
        default=0.0,
        help="fraction of connections closed without an answer",
    )
    parser.set_defaults(run=run)


def is_loopback(host: str) -> bool:
    """True when ``host`` is reachable from this machine only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def run(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and not args.public:
        raise ValueError(
            f"--host {args.host} can be reached from other machines; "
            "add --public if that is what you want"
        )
    if not 0 <= args.port <= 65535:
        raise ValueError(f"--port must be 0 to 65535, not {args.port}")
    from ..sandbox import Sandbox

    sandbox = Sandbox(
        args.host,
        args.port,
        clock_offset=args.clock_offset,
        latency=args.latency,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
    )
    try:
        sandbox.start()
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        raise ValueError(f"cannot listen on {where}: {exc.strerror}") from exc
    try:
        _announce(sandbox)
        _wait_for_stop()
    finally:
        sandbox.stop()
    say("Sandbox stopped.")
    return exits.OK


def _announce(sandbox: Sandbox) -> None:
    base = sandbox.base_url
    say(f"buzzoauth sandbox listening on {base}")
    say("")
    say("Demo consumer (public test credentials):")
    say(f"  consumer key     {sandbox.consumer_key}")
    say(f"  consumer secret  {sandbox.consumer_secret}")
    say("")
    say("Endpoints:")
    say(f"  request token    {base}/oauth/request_token   (RFC 5849 §2.1)")
    say(f"  authorize        {base}/oauth/authorize       (RFC 5849 §2.2)")
    say(f"  access token     {base}/oauth/access_token    (RFC 5849 §2.3)")
    say(f"  revoke           {base}/oauth/revoke")
    say(f"  Buzz API         {base}/buzz/v1/")
    say("")
    say(
        "Try: buzzoauth authorize --provider sandbox "
        f"--base-url {base} --consumer-key {sandbox.consumer_key} "
        "--consumer-secret ..."
    )
    say("Press Ctrl-C to stop.")


def _wait_for_stop() -> None:
    """Block until Ctrl-C (SIGINT) or SIGTERM."""
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    # Set SIGINT too: a shell starts background jobs with it ignored.
    stopping = (signal.SIGINT, signal.SIGTERM)
    previous = {
        number: signal.signal(number, on_signal) for number in stopping
    }
    try:
        while not stop.wait(0.5):
            pass
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
