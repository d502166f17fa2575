"""Emergency purge: destroying key files so that nothing sealed under them can be read again.

Overwriting before unlinking is best effort: SSDs (wear levelling), journaling and copy-on-write
filesystems, snapshots and backups of the disk may keep old copies of the bytes.
"""

from __future__ import annotations

import os
from pathlib import Path

from refuge.domain.errors import KeyUnavailable

__all__ = ["destroy_file"]


def destroy_file(path: Path) -> bool:
    """Overwrite `path` with random bytes, flush it to disk, then unlink it. Returns whether
    there was a file to destroy."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return False
    try:
        with path.open("r+b", buffering=0) as handle:
            for _ in range(3):
                handle.seek(0)
                handle.write(os.urandom(max(size, 1)))
                os.fsync(handle.fileno())
        path.unlink()
    except OSError as exc:
        raise KeyUnavailable(f"{path} could not be destroyed; remove it by hand") from exc
    return True
