"""Fixtures of the reliability suite.

- ``no_proxy`` (automatic): proxy variables cleared, so that loopback
  traffic never leaves for a proxy and no test touches the internet.
- ``serve``: starts a :class:`faultserver.FaultServer` with a handler and
  stops it when the test ends.
- ``sandbox_factory`` / ``sandbox``: a started
  :class:`buzzoauth.sandbox.Sandbox`, stopped at the end.
- ``figure``: records one row of the reliability table as a junit XML
  property (read by ``docs/make_reliability_table.py``) and prints it.

Every server here binds 127.0.0.1 on port 0, and every request loop is
bounded in count and time.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The helper modules beside this file (faultserver, oauthcheck, ...) are
# imported by plain name; pytest's importlib mode does not add this
# folder to sys.path by itself.
sys.path.insert(0, str(Path(__file__).parent))

from faultserver import FaultServer, Handler

PROXY_VARIABLES = (
    "http_proxy",
    "https_proxy",
    "all_proxy",
    "no_proxy",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
    "NO_PROXY",
)


@pytest.fixture(autouse=True)
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def serve() -> Iterator[Callable[..., FaultServer]]:
    started: list[FaultServer] = []

    def start(handler: Handler, **options: Any) -> FaultServer:
        server = FaultServer(handler, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def sandbox_factory() -> Iterator[Callable[..., Any]]:
    from buzzoauth.sandbox import Sandbox

    started: list[Any] = []

    def start(**knobs: Any) -> Any:
        sandbox = Sandbox(**knobs)
        sandbox.start()
        started.append(sandbox)
        return sandbox

    yield start
    for sandbox in started:
        sandbox.stop()


@pytest.fixture
def sandbox(sandbox_factory: Callable[..., Any]) -> Any:
    return sandbox_factory()


@pytest.fixture
def figure(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``figure(row, tried=, cases=, saw=, lost=)``: one table row.

    Rows with the same name are merged by the table script.
    """

    def record(
        row: str,
        *,
        tried: str,
        cases: int,
        saw: str,
        lost: str = "nothing",
        **numbers: float | int | str,
    ) -> None:
        data = {
            "row": row,
            "tried": tried,
            "cases": cases,
            "saw": saw,
            "lost": lost,
            **numbers,
        }
        # What record_property does, without its warning that the
        # xunit2 schema has no place for properties.
        text = json.dumps(data, sort_keys=True)
        request.node.user_properties.append(("figure", text))
        print("FIGURE", text)

    return record
