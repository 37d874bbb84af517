"""Writing files the user asked for: atomically, readable by the owner only."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from coachcli.config import PRIVATE_DIR_MODE, PRIVATE_FILE_MODE
from coachcli.errors import Conflict, Invalid, StorageError


def write_private_file(path: Path, text: str, overwrite: bool = False) -> Path:
    """Write `text` to `path` (0600) so that readers see the old file or the new, never
    half; a failed write (a full disk) leaves no temporary file behind."""
    path = path.expanduser()
    if path.exists() and not overwrite:
        raise Conflict(f"{path} already exists.", hint="Pass --force to overwrite it.")
    if path.is_dir():
        raise Conflict(f"{path} is a folder; give a file name.")
    temporary = None
    try:
        make_private_folders(path.parent)
        descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, PRIVATE_FILE_MODE)
        os.replace(temporary, path)
    except OSError as error:
        if temporary is not None:
            Path(temporary).unlink(missing_ok=True)
        raise StorageError(f"Cannot write {path}: {error.strerror}.") from None
    return path


def make_private_folders(folder: Path) -> Path:
    """Create `folder` and its missing parents readable by the owner only (0700,
    whatever the umask); folders that exist are left as they are."""
    missing = []
    for step in (folder, *folder.parents):
        if step.exists():
            break
        missing.append(step)
    for step in reversed(missing):
        step.mkdir(mode=PRIVATE_DIR_MODE)
        step.chmod(PRIVATE_DIR_MODE)
    return folder


# How much of a file is looked at before it is read whole, and the marks of UTF-16
# text (whose ASCII letters come with NUL bytes).
_FIRST_LOOK = 1 << 20
_UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")


def read_text_file(path: Path) -> bytes:
    """The bytes of a file meant to be text (a CSV export): a binary file, or a device
    such as /dev/zero, is refused from its first megabyte instead of read to the end."""
    with open_text_file(path) as handle:
        return handle.read()


def open_text_file(path: Path) -> BinaryIO:
    """A file meant to be text, open for reading in binary from its start, to be read
    as a stream: a binary file, or a device such as /dev/zero, is refused from its
    first megabyte. A pipe is copied into an unnamed temporary file as it is read, so
    that a reader can go over it more than once, as over any file."""
    handle = path.open("rb")
    try:
        first = handle.read(_FIRST_LOOK)
        if b"\x00" in first and not first.startswith(_UTF16_MARKS):
            raise Invalid(
                f"{path} is not a text file (it holds NUL bytes, as a spreadsheet or "
                "other binary file does). Export it from the CRM or spreadsheet as CSV."
            )
        if handle.seekable():
            handle.seek(0)
            return handle
        copy = tempfile.TemporaryFile()  # noqa: SIM115 (handed to the caller, who closes it)
        copy.write(first)
        shutil.copyfileobj(handle, copy)
        copy.seek(0)
        handle.close()
        return copy
    except BaseException:
        handle.close()
        raise
