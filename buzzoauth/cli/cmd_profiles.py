"""``buzzoauth profiles`` and ``buzzoauth logout``: the saved accounts.

``profiles`` lists them, secrets masked, and ``--default NAME`` picks
the one used when no ``--profile`` is given.  ``logout NAME`` first asks
the provider to revoke the access token, when the provider has a revoke
endpoint, then forgets the profile; a failed revoke is only a warning.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ..errors import BuzzOAuthError
from ..profiles import Profile, ProfileStore
from ..redact import mask
from . import exits
from .options import make_client, new_command
from .output import say, warn

if TYPE_CHECKING:
    from .options import Commands

_PROFILES_EXAMPLE = """\
  buzzoauth profiles
  buzzoauth profiles --default sandbox-alice"""
_LOGOUT_EXAMPLE = """\
  buzzoauth logout sandbox-alice"""


def register(commands: Commands) -> None:
    listing = new_command(
        commands,
        "profiles",
        help="list saved profiles (secrets masked) or pick the default",
        example=_PROFILES_EXAMPLE,
    )
    listing.add_argument(
        "--default", metavar="NAME", help="make NAME the default profile"
    )
    listing.set_defaults(run=run_profiles)
    logout = new_command(
        commands,
        "logout",
        help="revoke a profile's token at the provider and forget it",
        example=_LOGOUT_EXAMPLE,
    )
    logout.add_argument("name", metavar="NAME", help="the profile to remove")
    logout.set_defaults(run=run_logout)


def run_profiles(args: argparse.Namespace) -> int:
    store = ProfileStore()
    if args.default:
        store.set_default(args.default)
        say(f"Default profile: {args.default}")
        return exits.OK
    saved = store.profiles()
    if not saved:
        say(f"No profiles in {store.path}; 'buzzoauth authorize' saves one.")
        return exits.OK
    default = store.default_name()
    for profile in saved:
        say("\n".join(describe(profile, default=profile.name == default)))
    return exits.OK


def describe(profile: Profile, *, default: bool) -> list[str]:
    """A few lines about ``profile``; no secret in them."""
    where = profile.provider_label
    if profile.base_url:
        where += f" at {profile.base_url}"
    elif profile.urls.get("request_token_url"):
        where += f" ({profile.urls['request_token_url']})"
    marker = "*" if default else " "
    heading = f"{marker} {profile.name}" + ("  (default)" if default else "")
    return [
        heading,
        f"    provider          {where}",
        f"    signature method  {profile.signature_method}",
        f"    consumer key      {profile.consumer_key}",
        f"    consumer secret   {mask(profile.consumer_secret)}",
        f"    token             {profile.token_key or '-'}",
        f"    token secret      {mask(profile.token_secret) or '-'}",
        f"    account           {profile.account or '-'}",
    ]


def run_logout(args: argparse.Namespace) -> int:
    store = ProfileStore()
    profile = store.get(args.name)
    _revoke(profile.with_env())
    store.remove(profile.name)
    say(f"Removed profile {profile.name}.")
    return exits.OK


def _revoke(profile: Profile) -> None:
    provider = profile.provider()
    if provider is None or not provider.revoke_url:
        return
    if not (profile.token_key and profile.token_secret):
        return
    try:
        client = make_client(profile, provider=provider)
        status, _ = client.request(provider.revoke_url, method="POST")
    except (BuzzOAuthError, ValueError, OSError) as exc:
        warn(f"could not revoke the token at {provider.revoke_url}: {exc}")
        return
    if 200 <= status < 300:
        say(f"Revoked the access token at {provider.revoke_url}.")
    else:
        warn(f"revoking at {provider.revoke_url} answered {status}")
