"""Writing a small file so that a crash never leaves half of it.

:func:`atomic_write` is shared by the token files and the CLI's profile
store: a temporary file in the same folder, mode 0600, written,
flushed and ``fsync``-ed, then renamed over the old one with
``os.replace`` (which replaces a symlink rather than following it), and
the folder synced so that the rename itself survives a power cut.
"""

from __future__ import annotations

import contextlib
import os
import tempfile


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Replace ``path`` with ``data``, mode 0600, all or nothing.

    A reader sees the old file or the new one, never a mix; on any
    failure the temporary file is removed and ``OSError`` (or whatever
    interrupted the write) propagates.
    """
    name = os.path.abspath(path)
    folder = os.path.dirname(name)
    fd, temp = tempfile.mkstemp(
        prefix=f".{os.path.basename(name)}.", suffix=".tmp", dir=folder
    )
    try:
        with open(fd, "wb", closefd=True) as stream:
            # mkstemp makes the file 0600 already; be sure of it.
            os.fchmod(stream.fileno(), 0o600)
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    sync_folder(folder)


def sync_folder(folder: str | os.PathLike[str]) -> None:
    """Make a rename in ``folder`` durable; best effort, since not every
    system lets a folder be opened."""
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
