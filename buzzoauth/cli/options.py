"""Options shared by several subcommands, and what they turn into.

* :func:`new_command` adds a subcommand whose ``--help`` ends with an
  example.
* :func:`add_provider_options` / :func:`provider_from_args`: a preset
  (``--provider``), moved with ``--base-url``, or explicit endpoint URLs.
* :func:`add_signing_options`, :func:`read_rsa_key`: signature method,
  RSA key file, timeout.
* :func:`add_credential_options` / :func:`resolve_profile`: which
  credentials sign; flags win over ``BUZZOAUTH_*`` environment variables,
  which win over the saved profile.
* :func:`make_client` builds the :class:`~buzzoauth.BuzzOAuth` client.
"""

from __future__ import annotations

import argparse
import math
from typing import TYPE_CHECKING, Any

from .. import providers
from ..errors import FlowError
from ..profiles import Profile, ProfileStore, from_env
from ..providers import Provider
from ..signing import signature_methods

if TYPE_CHECKING:
    from typing import TypeAlias

    from ..client import BuzzOAuth

    Commands: TypeAlias = argparse._SubParsersAction[argparse.ArgumentParser]

URL_OPTIONS = ("request_token_url", "authorize_url", "access_token_url")


def new_command(
    commands: Commands,
    name: str,
    *,
    help: str,
    example: str,
) -> argparse.ArgumentParser:
    """A subcommand parser whose help ends with ``example``."""
    from . import add_debug_option

    parser = commands.add_parser(
        name,
        help=help,
        description=help[:1].upper() + help[1:] + ".",
        epilog="example:\n" + example.rstrip() + "\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_debug_option(parser)
    return parser


# -- value types for argparse -------------------------------------------


def seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return value


def non_negative(text: str) -> float:
    """A finite number, zero or more."""
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative: {text!r}")
    return value


def fraction(text: str) -> float:
    """A number from 0 to 1."""
    value = _number(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"must be between 0 and 1: {text!r}")
    return value


def finite(text: str) -> float:
    """Any finite number."""
    return _number(text)


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def signature_method(text: str) -> str:
    """A signature method name, upper-cased and checked."""
    name = text.upper()
    if name not in signature_methods():
        known = ", ".join(signature_methods())
        raise argparse.ArgumentTypeError(
            f"unknown method {text!r} (known: {known})"
        )
    return name


# -- the provider --------------------------------------------------------


def add_provider_options(parser: argparse.ArgumentParser) -> None:
    """--provider, --base-url and the explicit endpoint URLs."""
    group = parser.add_argument_group("provider")
    group.add_argument(
        "--provider",
        metavar="NAME",
        help="a preset (see 'buzzoauth providers')",
    )
    group.add_argument(
        "--base-url",
        metavar="URL",
        help="fill in a template preset, or point a preset at another host",
    )
    for number, name in enumerate(URL_OPTIONS, start=1):
        group.add_argument(
            "--" + name.replace("_", "-"),
            dest=name,
            metavar="URL",
            help=f"explicit endpoint URL (RFC 5849 §2.{number})",
        )


def provider_from_args(args: argparse.Namespace) -> Provider:
    """The provider the options describe; ``ValueError`` if they do not
    describe one completely."""
    urls = {
        name: getattr(args, name)
        for name in URL_OPTIONS
        if getattr(args, name)
    }
    if args.provider:
        try:
            provider = providers.get(args.provider)
        except KeyError as exc:
            raise ValueError(exc.args[0]) from None
        if args.base_url:
            provider = provider.with_base_url(args.base_url)
        provider = provider.replace(**urls) if urls else provider
    elif len(urls) == len(URL_OPTIONS):
        provider = Provider(name="custom", **urls)
    else:
        raise ValueError(
            "say which provider: --provider NAME, or all three of "
            "--request-token-url, --authorize-url and --access-token-url"
        )
    if provider.is_template:
        raise ValueError(
            f"provider {provider.name!r} is a template: give --base-url"
        )
    return provider


# -- signing -------------------------------------------------------------


def add_signing_options(parser: argparse.ArgumentParser) -> None:
    """--signature-method, --rsa-key and --timeout."""
    group = parser.add_argument_group("signing")
    group.add_argument(
        "--signature-method",
        metavar="M",
        type=signature_method,
        help="one of " + ", ".join(signature_methods()),
    )
    group.add_argument(
        "--rsa-key",
        metavar="FILE",
        help="PEM RSA private key file, for RSA-SHA1 and RSA-SHA256",
    )
    group.add_argument(
        "--timeout",
        metavar="S",
        type=seconds,
        default=30.0,
        help="seconds to wait for each HTTP answer (default: 30)",
    )


def read_rsa_key(path: str | None) -> str | None:
    """The PEM text in ``path``; ``ValueError`` if it is not one."""
    if not path:
        return None
    with open(path, encoding="ascii", errors="replace") as handle:
        text = handle.read(64 * 1024)
    if "PRIVATE KEY-----" not in text:
        raise ValueError(f"{path}: not a PEM private key")
    return text


# -- credentials ---------------------------------------------------------


def add_profile_option(parser: argparse.ArgumentParser) -> None:
    """--profile NAME."""
    parser.add_argument(
        "--profile",
        metavar="NAME",
        help="a saved profile (default: the default profile)",
    )


def add_credential_options(parser: argparse.ArgumentParser) -> None:
    """Credentials given on the command line."""
    group = parser.add_argument_group("credentials")
    group.add_argument("--consumer-key", metavar="K")
    group.add_argument("--consumer-secret", metavar="S")
    group.add_argument("--token", metavar="T", help="access token key")
    group.add_argument("--token-secret", metavar="TS")


def resolve_profile(
    args: argparse.Namespace,
    *,
    need_token: bool,
    secret_optional: bool = False,
) -> Profile:
    """The credentials to sign with.

    Order of strength: command-line flags, then the ``BUZZOAUTH_*``
    variables, then the profile (``--profile`` or the default one).
    Given both ``--consumer-key`` and ``--consumer-secret`` (or only the
    key, when ``secret_optional`` says an RSA key signs), the flags
    alone count: a stored token of another consumer is never mixed in.
    """
    key = getattr(args, "consumer_key", None)
    secret = getattr(args, "consumer_secret", None)
    token = getattr(args, "token", None)
    token_secret = getattr(args, "token_secret", None)
    if key and (secret or secret_optional):
        profile = Profile(
            name="(command line)",
            consumer_key=key,
            consumer_secret=secret or "",
            token_key=token,
            token_secret=token_secret,
        )
    else:
        stored = _stored_or_env(args)
        if stored is None:
            raise FlowError(
                "no credentials: run 'buzzoauth authorize', set "
                "BUZZOAUTH_CONSUMER_KEY and BUZZOAUTH_CONSUMER_SECRET, or "
                "give --consumer-key and --consumer-secret"
            )
        profile = stored.with_credentials(
            consumer_key=key,
            consumer_secret=secret,
            token_key=token,
            token_secret=token_secret,
        )
    if need_token and not (profile.token_key and profile.token_secret):
        raise FlowError(
            f"profile {profile.name!r} has no access token; "
            "run 'buzzoauth authorize' first"
        )
    return profile


def _stored_or_env(args: argparse.Namespace) -> Profile | None:
    stored = ProfileStore().find(getattr(args, "profile", None))
    return stored.with_env() if stored is not None else from_env()


def make_client(
    profile: Profile,
    *,
    provider: Provider | None = None,
    **options: Any,
) -> BuzzOAuth:
    """A client for ``profile``; ``options`` go to the constructor."""
    from ..client import BuzzOAuth

    token = None
    if profile.token_key and profile.token_secret:
        token = (profile.token_key, profile.token_secret)
    options.setdefault("signature_method", profile.signature_method)
    if options.get("rsa_key") is None and profile.rsa_key_file:
        options["rsa_key"] = read_rsa_key(profile.rsa_key_file)
    return BuzzOAuth(
        profile.consumer_key,
        profile.consumer_secret,
        provider=provider or profile.provider(),
        token=token,
        **options,
    )
