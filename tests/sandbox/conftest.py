"""Fixtures of the sandbox tests: one started sandbox per module, a
:class:`~sandboxwire.Wire` on it (knobs reset around each test), and
RSA key pairs made once a session.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The helpers are imported by plain name; pytest's importlib mode does
# not put this folder on sys.path.
sys.path.insert(0, str(Path(__file__).parent))

from sandboxwire import RSAPair, Wire, make_rsa_pair

from buzzoauth.sandbox import Sandbox


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(seed=5849) as sb:
        yield sb


@pytest.fixture
def wire(sandbox: Sandbox) -> Iterator[Wire]:
    sandbox.set_knobs(clock_offset=0, latency=0, error_rate=0, drop_rate=0)
    yield Wire(sandbox)
    sandbox.set_knobs(clock_offset=0, latency=0, error_rate=0, drop_rate=0)


@pytest.fixture(scope="session")
def rsa_pair() -> RSAPair:
    return make_rsa_pair()


@pytest.fixture(scope="session")
def other_rsa_pair() -> RSAPair:
    return make_rsa_pair()
