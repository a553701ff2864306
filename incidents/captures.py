"""Captured copies of sources: the SHA-256 recorded at upload, and the later check against it.

A captured copy (`Source.capture`) is the document as it was when captured; its SHA-256,
computed on upload by `Source.save()`, lets `verify_capture()` show that it has not changed.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files import File

# Bytes read at a time when hashing a captured copy.
CHUNK_SIZE = 1024 * 1024


def sha256_of(file: File) -> str:
    """The SHA-256 of a file's content in hex, read in chunks so that memory stays flat."""
    digest = hashlib.sha256()
    for chunk in file.chunks(CHUNK_SIZE):
        digest.update(chunk)
    return digest.hexdigest()


def verify_capture(source: Any) -> bool | None:
    """Whether the stored captured copy still has the SHA-256 recorded at its upload.

    None when there is nothing to check: the source has no capture (`not source.capture`),
    or the file it names is missing from storage.
    """
    capture = source.capture
    if not capture:
        return None
    try:
        file = capture.storage.open(capture.name, "rb")
    except FileNotFoundError:
        return None
    with file:
        return sha256_of(file) == source.content_sha256
