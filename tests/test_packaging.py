"""Packaging: what a fresh install gets, and what it must not get.

python-oauth2 1.9.0.post1 imports ``distutils.version`` when ``pyutil``
is missing, and distutils left the standard library in Python 3.12; its
wheel also installs a top-level ``tests`` package into site-packages.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

BLOCK_DISTUTILS = """
import importlib.abc, sys

class NoDistutils(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name == "distutils" or name.startswith(("distutils.",
                                                   "_distutils_hack")):
            raise ImportError("distutils is blocked in this test")
        return None

sys.modules.pop("distutils", None)
sys.meta_path.insert(0, NoDistutils())
try:
    import distutils  # noqa: F401
except ImportError:
    pass
else:
    raise SystemExit("the block did not work")
import buzzoauth, oauth2
print("imported", buzzoauth.__version__, oauth2.__version__)
"""


def test_imports_without_distutils() -> None:
    """As on Python 3.12+: distutils cannot be imported at all."""
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_DISTUTILS],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("imported 0.")


def test_pyutil_is_required_from_python_3_12() -> None:
    requires = importlib.metadata.requires("buzzoauth") or []
    pyutil = [r for r in requires if r.startswith("pyutil")]
    assert pyutil, requires
    assert 'python_version >= "3.12"' in pyutil[0]


def test_runtime_dependencies_are_few() -> None:
    requires = importlib.metadata.requires("buzzoauth") or []
    runtime = {
        r.split(";")[0].split("=")[0].split(">")[0].strip()
        for r in requires
        if "extra ==" not in r
    }
    assert runtime == {"oauth2", "httplib2", "pyutil"}


def test_the_suite_never_imports_oauth2s_tests_package() -> None:
    module = sys.modules.get("tests")
    if module is not None:
        where = str(getattr(module, "__file__", "") or module.__path__)
        assert "site-packages" not in where, where
    # Our test files are not a package, so "import tests" cannot mean us.
    assert not (ROOT / "tests" / "__init__.py").exists()


def test_buzzoauth_is_typed() -> None:
    spec = importlib.util.find_spec("buzzoauth")
    assert spec is not None and spec.origin is not None
    assert (Path(spec.origin).parent / "py.typed").is_file()


@pytest.mark.slow
def test_wheel_holds_no_tests_package(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    (wheel,) = tmp_path.glob("buzzoauth-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "buzzoauth/py.typed" in names
    assert not [n for n in names if n.startswith(("tests/", "bench/"))]
    assert any(n.startswith("buzzoauth/sandbox/") for n in names)
