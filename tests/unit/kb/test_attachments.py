"""Attachments: PDF and images only, recognised by their bytes, within the size limit."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from kb import services
from kb.attachments import MAX_ATTACHMENT_BYTES, AttachmentRejected, attachment_store

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
PDF = b"%PDF-1.7\n%test\n"
WEBP = b"RIFF\x10\x00\x00\x00WEBPVP8 " + b"\x00" * 16


@pytest.mark.parametrize(
    ("data", "content_type", "extension"),
    [
        (PDF, "application/pdf", ".pdf"),
        (PNG, "image/png", ".png"),
        (JPEG, "image/jpeg", ".jpg"),
        (WEBP, "image/webp", ".webp"),
    ],
)
def test_pdf_and_images_are_accepted_by_their_bytes(db, data, content_type, extension):
    stored = attachment_store(name="Guida taglie.bin", data=data)
    assert stored.content_type == content_type
    assert stored.filename == f"guida-taglie{extension}"
    assert stored.path.endswith(extension) and default_storage.exists(stored.path)


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("page.pdf", b"<html><script>alert(1)</script></html>"),  # named .pdf, is HTML
        ("image.png", b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>"),
        ("macro.pdf", b"PK\x03\x04 a zip or docx"),
        ("run.jpg", b"MZ\x90\x00 an executable"),
        ("empty.pdf", b""),
    ],
)
def test_other_types_are_refused_whatever_their_name(db, name, data):
    with pytest.raises(AttachmentRejected):
        attachment_store(name=name, data=data)


def test_files_over_the_size_limit_are_refused(db):
    with pytest.raises(AttachmentRejected, match="MB"):
        attachment_store(name="big.pdf", data=PDF + b"0" * MAX_ATTACHMENT_BYTES)
    assert attachment_store(name="ok.pdf", data=PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF)))


def test_the_same_bytes_are_stored_once(db):
    first = attachment_store(name="a.pdf", data=PDF)
    second = attachment_store(name="b.pdf", data=PDF)
    assert first.path == second.path


def test_attachments_belong_to_answers_only(draft_tree, author):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.attachment_add(
            tree_id=draft_tree.pk, author=author, node_key="start", name="x", data=PDF
        )
    attachment = services.attachment_add(
        tree_id=draft_tree.pk, author=author, node_key="online", name="Modulo", data=PDF
    )
    assert (attachment.content_type, attachment.size_bytes) == ("application/pdf", len(PDF))


def test_a_removed_attachment_stays_available_to_published_versions(
    published_tree, author, reviewer
):
    attachment = services.attachment_add(
        tree_id=published_tree.pk, author=author, node_key="online", name="Modulo", data=PDF
    )
    services.tree_publish(tree_id=published_tree.pk, reviewer=reviewer)
    services.attachment_delete(
        tree_id=published_tree.pk, author=author, attachment_id=attachment.pk
    )
    assert default_storage.exists(attachment.file.name)
