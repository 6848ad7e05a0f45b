"""Saved accounts for the command line: the profile store.

A profile is everything needed to sign for one account at one provider:
the provider (a preset name and base URL, or explicit endpoint URLs),
the signature method, the consumer key and secret, the access token and
its secret, and the extra fields the provider sent with the token.

The map of this module, in the order it is used:

1. :func:`default_path` finds ``profiles.json``:
   ``$XDG_CONFIG_HOME/buzzoauth/`` or else ``~/.config/buzzoauth/``.
2. :class:`ProfileStore` reads it (:meth:`~ProfileStore.get`,
   :meth:`~ProfileStore.profiles`) and changes it
   (:meth:`~ProfileStore.save`, :meth:`~ProfileStore.set_default`,
   :meth:`~ProfileStore.remove`).  Every change rewrites the whole file
   atomically: a temporary file in the same folder, ``fsync``, then
   ``os.replace``.  The file is mode 0600 and its folder 0700, because
   it holds secrets.
3. :meth:`Profile.with_env` lets the variables ``BUZZOAUTH_CONSUMER_KEY``,
   ``BUZZOAUTH_CONSUMER_SECRET``, ``BUZZOAUTH_TOKEN`` and
   ``BUZZOAUTH_TOKEN_SECRET`` replace a profile's credentials;
   :func:`from_env` builds a profile from them alone.
4. :meth:`Profile.provider` turns the stored description back into a
   :class:`~buzzoauth.providers.Provider`.

There is one entry per provider, consumer and account: saving a new
authorization for the same account replaces the old entry.  A
:class:`Profile`'s ``repr`` masks both secrets.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import os
import re
import stat
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from . import providers
from ._files import atomic_write
from .errors import ProfileError
from .providers import Provider
from .redact import mask, remember

log = logging.getLogger(__name__)

FORMAT = "buzzoauth-profiles"
VERSION = 1
FILE_NAME = "profiles.json"
#: A profile store larger than this is not read (it is not ours).
MAX_BYTES = 1 << 20

# Names of variables, not secrets.
ENV_CONSUMER_KEY = "BUZZOAUTH_CONSUMER_KEY"
ENV_CONSUMER_SECRET = "BUZZOAUTH_CONSUMER_SECRET"  # noqa: S105
ENV_TOKEN = "BUZZOAUTH_TOKEN"  # noqa: S105
ENV_TOKEN_SECRET = "BUZZOAUTH_TOKEN_SECRET"  # noqa: S105

#: Endpoint fields a profile may store for a provider given by URLs.
URL_FIELDS = (
    "request_token_url",
    "authorize_url",
    "access_token_url",
    "revoke_url",
    "api_base_url",
)
_REQUIRED_URLS = URL_FIELDS[:3]
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}")
_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]+")


@dataclass(frozen=True)
class Profile:
    """One saved account.  Secrets never show in its ``repr``."""

    name: str
    consumer_key: str
    consumer_secret: str = field(repr=False)
    token_key: str | None = None
    token_secret: str | None = field(default=None, repr=False)
    #: A preset name from :mod:`buzzoauth.providers`, or ``None`` when
    #: ``urls`` describes the provider.
    preset: str | None = None
    base_url: str | None = None
    urls: Mapping[str, str] = field(default_factory=dict)
    signature_method: str = "HMAC-SHA1"
    #: Path of a PEM RSA private key, for the RSA signature methods.
    rsa_key_file: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        remember(self.consumer_secret, self.token_secret)

    def __repr__(self) -> str:
        return (
            f"Profile(name={self.name!r}, provider={self.provider_label!r}, "
            f"consumer_key={self.consumer_key!r}, "
            f"consumer_secret={mask(self.consumer_secret)!r}, "
            f"token_key={self.token_key!r}, "
            f"token_secret={mask(self.token_secret)!r})"
        )

    @property
    def provider_label(self) -> str:
        """The preset name, or the host of the request-token URL."""
        if self.preset:
            return self.preset
        url = self.urls.get("request_token_url", "")
        return urlsplit(url).hostname or "custom"

    @property
    def account(self) -> str:
        """Who the token speaks for, as well as the profile knows."""
        for name in ("screen_name", "user_id", "username", "user"):
            if self.extra.get(name):
                return self.extra[name]
        return self.token_key or ""

    def identity(self) -> tuple[str, str, str]:
        """(provider, consumer, account): one entry per such triple."""
        if self.preset:
            where = f"{self.preset} {self.base_url or ''}"
        else:
            where = self.urls.get("request_token_url", "")
        account = self.extra.get("user_id") or self.account
        return where, self.consumer_key, account

    def provider(self) -> Provider | None:
        """The provider this profile signs for, or ``None`` if unknown."""
        if self.preset:
            try:
                preset = providers.get(self.preset)
            except KeyError as exc:
                raise ProfileError(
                    f"profile {self.name!r} names an unknown provider "
                    f"preset {self.preset!r}"
                ) from exc
            if self.base_url:
                preset = preset.with_base_url(self.base_url)
            return preset.replace(**self.urls) if self.urls else preset
        if not self.urls:
            return None
        return Provider(
            name=self.provider_label,
            request_token_url=self.urls["request_token_url"],
            authorize_url=self.urls["authorize_url"],
            access_token_url=self.urls["access_token_url"],
            signature_method=self.signature_method,
            revoke_url=self.urls.get("revoke_url"),
            api_base_url=self.urls.get("api_base_url"),
        )

    def with_env(self, environ: Mapping[str, str] | None = None) -> Profile:
        """This profile with credentials from the environment put in
        place of the stored ones."""
        env = os.environ if environ is None else environ
        return self.with_credentials(
            consumer_key=env.get(ENV_CONSUMER_KEY),
            consumer_secret=env.get(ENV_CONSUMER_SECRET),
            token_key=env.get(ENV_TOKEN),
            token_secret=env.get(ENV_TOKEN_SECRET),
        )

    def with_credentials(
        self,
        *,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
        token_key: str | None = None,
        token_secret: str | None = None,
    ) -> Profile:
        """A copy with the credentials given (not empty) put in place."""
        return dataclasses.replace(
            self,
            consumer_key=consumer_key or self.consumer_key,
            consumer_secret=consumer_secret or self.consumer_secret,
            token_key=token_key or self.token_key,
            token_secret=token_secret or self.token_secret,
        )

    def to_json(self) -> dict[str, Any]:
        """The entry as stored in the file (the name is its key)."""
        data: dict[str, Any] = {
            "consumer_key": self.consumer_key,
            "consumer_secret": self.consumer_secret,
            "token_key": self.token_key,
            "token_secret": self.token_secret,
            "preset": self.preset,
            "base_url": self.base_url,
            "urls": dict(self.urls),
            "signature_method": self.signature_method,
            "rsa_key_file": self.rsa_key_file,
            "extra": dict(self.extra),
        }
        return {key: value for key, value in data.items() if value}

    @classmethod
    def from_json(cls, name: str, data: object) -> Profile:
        """An entry read from the file; ``ValueError`` if malformed."""
        if not isinstance(data, dict):
            raise ValueError("an entry is not an object")
        unknown = set(data) - _STORED_FIELDS
        if unknown:
            raise ValueError(f"unknown fields {sorted(unknown)}")
        text = {key: _text(key, data.get(key)) for key in _TEXT_FIELDS}
        if not text["consumer_key"]:
            raise ValueError("no consumer key")
        # An RSA consumer signs with its private key and may have no secret.
        if not (text["consumer_secret"] or text["rsa_key_file"]):
            raise ValueError("no consumer secret and no RSA key file")
        text["consumer_secret"] = text["consumer_secret"] or ""
        return cls(
            name=name,
            urls=_text_map("urls", data.get("urls")),
            extra=_text_map("extra", data.get("extra")),
            signature_method=text.pop("signature_method") or "HMAC-SHA1",
            **text,  # type: ignore[arg-type]
        )


_TEXT_FIELDS = (
    "consumer_key",
    "consumer_secret",
    "token_key",
    "token_secret",
    "preset",
    "base_url",
    "signature_method",
    "rsa_key_file",
)
_STORED_FIELDS = frozenset({*_TEXT_FIELDS, "urls", "extra"})


def _text(name: str, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"{name} is not text")


def _text_map(name: str, value: object) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ValueError(f"{name} is not a map of text to text")
    return dict(value)


def from_env(environ: Mapping[str, str] | None = None) -> Profile | None:
    """A nameless profile from the environment variables alone, or
    ``None`` when they hold no consumer key and secret."""
    env = os.environ if environ is None else environ
    key, secret = env.get(ENV_CONSUMER_KEY), env.get(ENV_CONSUMER_SECRET)
    if not key or not secret:
        return None
    return Profile(
        name="(environment)",
        consumer_key=key,
        consumer_secret=secret,
        token_key=env.get(ENV_TOKEN) or None,
        token_secret=env.get(ENV_TOKEN_SECRET) or None,
    )


def suggest_name(profile: Profile) -> str:
    """``<provider>-<screen name or token key prefix>``, made safe."""
    who = ""
    for name in ("screen_name", "username", "user_id"):
        who = who or profile.extra.get(name, "")
    who = who or (profile.token_key or "")[:8] or "account"
    return _UNSAFE.sub("-", f"{profile.provider_label}-{who}").strip("-")


def check_name(name: str) -> str:
    """``name`` if it can name a profile, else ``ValueError``."""
    if not _NAME.fullmatch(name):
        raise ValueError(
            f"bad profile name {name!r}: use 1 to 64 letters, digits and "
            "._@+- starting with a letter or digit"
        )
    return name


def default_path(environ: Mapping[str, str] | None = None) -> Path:
    """Where profiles live: ``$XDG_CONFIG_HOME/buzzoauth/profiles.json``,
    or ``~/.config/buzzoauth/profiles.json``."""
    env = os.environ if environ is None else environ
    config = env.get("XDG_CONFIG_HOME", "")
    # The XDG spec says a relative value is to be ignored.
    if not config or not os.path.isabs(config):
        config = os.path.join(os.path.expanduser("~"), ".config")
    return Path(config) / "buzzoauth" / FILE_NAME


@dataclass
class _Contents:
    profiles: dict[str, Profile]
    default: str | None


class ProfileStore:
    """The profiles file: read on each call, rewritten atomically on each
    change, so that two commands never see half a file."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else default_path()

    def __repr__(self) -> str:
        return f"ProfileStore({str(self.path)!r})"

    def profiles(self) -> list[Profile]:
        """Every profile, sorted by name."""
        contents = self._read()
        return [contents.profiles[name] for name in sorted(contents.profiles)]

    def default_name(self) -> str | None:
        """The name of the default profile, if there is one."""
        return self._read().default

    def get(self, name: str | None = None) -> Profile:
        """The profile called ``name``, or the default one."""
        profile = self.find(name)
        if profile is None:
            raise ProfileError(
                f"no profile given and no default profile in {self.path}; "
                "run 'buzzoauth authorize' first or pass --profile"
            )
        return profile

    def find(self, name: str | None = None) -> Profile | None:
        """Like :meth:`get`, but ``None`` when no name is given and there
        is no default profile."""
        contents = self._read()
        name = name or contents.default
        if name is None:
            return None
        try:
            return contents.profiles[name]
        except KeyError:
            raise ProfileError(_unknown(name, contents)) from None

    def save(self, profile: Profile, *, make_default: bool = False) -> Profile:
        """Store ``profile``, replacing its namesake and any entry for the
        same provider, consumer and account.  The first profile saved
        becomes the default."""
        check_name(profile.name)
        with self._locked():
            contents = self._read()
            for old in list(contents.profiles.values()):
                if old.identity() == profile.identity():
                    del contents.profiles[old.name]
                    if contents.default == old.name:
                        contents.default = profile.name
            contents.profiles[profile.name] = profile
            if make_default or contents.default not in contents.profiles:
                contents.default = profile.name
            self._write(contents)
        return profile

    def set_default(self, name: str) -> Profile:
        """Make ``name`` the default profile."""
        with self._locked():
            contents = self._read()
            if name not in contents.profiles:
                raise ProfileError(_unknown(name, contents))
            contents.default = name
            self._write(contents)
            return contents.profiles[name]

    def remove(self, name: str) -> Profile:
        """Delete the profile ``name`` and return it."""
        with self._locked():
            contents = self._read()
            try:
                profile = contents.profiles.pop(name)
            except KeyError:
                raise ProfileError(_unknown(name, contents)) from None
            if contents.default == name:
                contents.default = min(contents.profiles, default=None)
            self._write(contents)
        return profile

    # -- reading --------------------------------------------------------

    def _read(self) -> _Contents:
        try:
            raw = self._read_bytes()
        except FileNotFoundError:
            return _Contents({}, None)
        except OSError as exc:
            raise ProfileError(
                f"{self.path}: cannot read: {exc.strerror}"
            ) from exc
        try:
            return _parse(raw)
        except (ValueError, UnicodeDecodeError) as exc:
            raise ProfileError(
                f"{self.path}: not a profile store: {exc}"
            ) from None

    def _read_bytes(self) -> bytes:
        with open(self.path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if info.st_size > MAX_BYTES:
                raise ProfileError(
                    f"{self.path}: larger than {MAX_BYTES} bytes"
                )
            if info.st_mode & 0o077:
                log.warning(
                    "%s can be read by other users; it holds secrets",
                    self.path,
                )
            return handle.read(MAX_BYTES + 1)

    # -- writing --------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        """Serialise read-change-write between processes (POSIX only)."""
        folder = self._folder()
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            yield
            return
        lock_path = folder / f".{FILE_NAME}.lock"
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _folder(self) -> Path:
        folder = self.path.parent
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if stat.S_IMODE(folder.stat().st_mode) & 0o077:
                folder.chmod(0o700)
        except OSError as exc:
            raise ProfileError(
                f"{folder}: cannot create the folder: {exc.strerror}"
            ) from exc
        return folder

    def _write(self, contents: _Contents) -> None:
        data = json.dumps(_document(contents), indent=2, sort_keys=True)
        try:
            atomic_write(self.path, (data + "\n").encode("utf-8"))
        except OSError as exc:
            raise ProfileError(
                f"{self.path}: cannot write: {exc.strerror}"
            ) from exc
        log.debug("profiles written to %s", self.path)


def _unknown(name: str, contents: _Contents) -> str:
    known = ", ".join(sorted(contents.profiles)) or "none saved yet"
    return f"no profile named {name!r} (known: {known})"


def _parse(raw: bytes) -> _Contents:
    data = json.loads(raw.decode("utf-8"))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise ValueError("no buzzoauth-profiles header")
    if data.get("version") != VERSION:
        raise ValueError(f"version {data.get('version')!r} is not {VERSION}")
    entries = data.get("profiles")
    if not isinstance(entries, dict):
        raise ValueError("'profiles' is not an object")
    profiles = {}
    for name, entry in entries.items():
        try:
            profiles[check_name(name)] = Profile.from_json(name, entry)
        except ValueError as exc:
            raise ValueError(f"profile {name!r}: {exc}") from None
    default = data.get("default")
    if default is not None and default not in profiles:
        default = None
    return _Contents(profiles, default)


def _document(contents: _Contents) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "version": VERSION,
        "default": contents.default,
        "profiles": {
            name: profile.to_json()
            for name, profile in sorted(contents.profiles.items())
        },
    }


__all__ = [
    "Profile",
    "ProfileError",
    "ProfileStore",
    "check_name",
    "default_path",
    "from_env",
    "suggest_name",
]
