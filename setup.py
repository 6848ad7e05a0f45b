"""Packaging for buzzoauth: the metadata lives here, build settings in
pyproject.toml."""

from pathlib import Path

from setuptools import find_packages, setup

HERE = Path(__file__).parent


def read_version() -> str:
    for line in (HERE / "buzzoauth" / "_version.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'")
    raise RuntimeError("buzzoauth/_version.py has no __version__")


setup(
    name="buzzoauth",
    version=read_version(),
    description="An RFC 5849-exact OAuth 1.0a client over python-oauth2 "
    "and httplib2, with a command-line tool and an offline sandbox",
    long_description=(HERE / "README.md").read_text(encoding="utf-8"),
    long_description_content_type="text/markdown",
    license="GPL-3.0-or-later",
    python_requires=">=3.10",
    packages=find_packages(include=["buzzoauth", "buzzoauth.*"]),
    package_data={
        "buzzoauth": ["py.typed"],
        "buzzoauth.sandbox": ["templates/*.html"],
    },
    install_requires=[
        "oauth2==1.9.0.post1",
        "httplib2>=0.20",
        # oauth2 imports distutils.version unless pyutil is importable;
        # distutils is gone from Python 3.12 on.
        "pyutil>=3.3; python_version >= '3.12'",
    ],
    extras_require={
        "rsa": ["cryptography>=41"],
        "sandbox": ["oauthlib>=3.2"],
        "test": [
            "cryptography>=41",
            "oauthlib>=3.2",
            "pytest>=8",
            "hypothesis>=6.100",
            "playwright>=1.45",
            # Lets the suite prove that oauth2 imports without distutils
            # (as on Python 3.12+, where the marker above installs it).
            "pyutil>=3.3",
            "requests>=2.31",
            "ruff==0.17.6",
            "mypy==2.4.1",
        ],
        "bench": [
            "cryptography>=41",
            "oauthlib>=3.2",
            "requests>=2.31",
            "requests-oauthlib>=2.0",
            "authlib>=1.3",
        ],
    },
    entry_points={
        "console_scripts": ["buzzoauth = buzzoauth.cli:main"],
        "pytest11": ["buzzoauth = buzzoauth.testing"],
    },
    classifiers=[
        "License :: OSI Approved :: GNU General Public License v3 or later "
        "(GPLv3+)",
        "Programming Language :: Python :: 3",
        "Typing :: Typed",
    ],
)
