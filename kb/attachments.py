"""Attachment checks: PDF and images only, recognised by their bytes, within a size limit.

The declared content type and the file name's extension are not trusted: a file is
what its first bytes say. Files are stored content-addressed and never overwritten.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024
STORAGE_PREFIX = "kb/attachments"

# content type → (extension, magic bytes at offset 0)
ALLOWED_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    "application/pdf": (".pdf", (b"%PDF-",)),
    "image/png": (".png", (b"\x89PNG\r\n\x1a\n",)),
    "image/jpeg": (".jpg", (b"\xff\xd8\xff",)),
    "image/gif": (".gif", (b"GIF87a", b"GIF89a")),
}
WEBP = "image/webp"  # RIFF....WEBP: the magic is split around the file size
IMAGE_TYPES = {"image/png", "image/jpeg", "image/gif", WEBP}


class AttachmentRejected(ValueError):
    pass


@dataclass(frozen=True)
class StoredFile:
    path: str
    filename: str
    content_type: str
    size: int
    sha256: str


def sniff_type(data: bytes) -> str | None:
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return WEBP
    for content_type, (_, magics) in ALLOWED_TYPES.items():
        if any(data.startswith(magic) for magic in magics):
            return content_type
    return None


def extension_of(content_type: str) -> str:
    return ".webp" if content_type == WEBP else ALLOWED_TYPES[content_type][0]


def allowed(content_type: str) -> bool:
    return content_type == WEBP or content_type in ALLOWED_TYPES


def safe_filename(name: str, content_type: str) -> str:
    """A portable file name that ends in the extension of what the file really is."""
    stem = (name or "file").rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_").lower()[:80] or "file"
    return f"{stem}{extension_of(content_type)}"


def attachment_store(*, name: str, data: bytes) -> StoredFile:
    """Check and store the bytes; the same bytes are stored once."""
    if not data:
        raise AttachmentRejected("the file is empty")
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise AttachmentRejected(
            f"the file is {len(data) / 1_048_576:.1f} MB; at most "
            f"{MAX_ATTACHMENT_BYTES // 1_048_576} MB is allowed"
        )
    content_type = sniff_type(data)
    if content_type is None:
        raise AttachmentRejected("only PDF documents and PNG, JPEG, GIF or WebP images")
    sha256 = hashlib.sha256(data).hexdigest()
    path = f"{STORAGE_PREFIX}/{sha256}{extension_of(content_type)}"
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(data))
        if saved != path:  # a race stored it under another name: keep ours canonical
            default_storage.delete(saved)
    return StoredFile(
        path=path,
        filename=safe_filename(name, content_type),
        content_type=content_type,
        size=len(data),
        sha256=sha256,
    )


def attachment_problem(attachment: dict, *, file_exists=None) -> str | None:
    """What is wrong with an attachment of stored content, or None (used by the linter)."""
    content_type = attachment.get("content_type", "")
    if not allowed(content_type):
        return f"type {content_type or 'unknown'} is not allowed"
    size = attachment.get("size") or 0
    if not 0 < size <= MAX_ATTACHMENT_BYTES:
        return f"size {size} bytes is outside 1 byte – {MAX_ATTACHMENT_BYTES // 1_048_576} MB"
    if not attachment.get("file"):
        return "no file"
    if file_exists is not None and not file_exists(attachment["file"]):
        return "the file is missing from storage"
    return None
