"""Evidence: type checked on the bytes, size limited, stored outside the web root, served by policy."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from loomlight.evidence.models import Evidence
from loomlight.evidence.services import evidence_attach

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _attach(world, user="data_entry", name="bill.pdf", content=PDF, **kw):
    return evidence_attach(by=world.users[user], facility=world.own, kind=kw.pop("kind", "utility_bill"),
                           uploaded=SimpleUploadedFile(name, content), period=datetime.date(2025, 3, 1), **kw)


def test_a_pdf_is_stored_with_its_hash_outside_the_web_root(world, settings):
    evidence = _attach(world)
    assert (evidence.original_name, evidence.size, evidence.content_type) == ("bill.pdf", len(PDF), "application/pdf")
    path = evidence.file.path
    assert path.startswith(str(settings.MEDIA_ROOT)) and not path.startswith(str(settings.STATIC_ROOT))
    import hashlib

    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()


@pytest.mark.parametrize("name,content,message", [
    ("bill.exe", b"MZ...", "not accepted"),
    ("bill.pdf", b"<html>not a pdf</html>", "not what its name says"),
    ("bill.pdf", b"", "empty"),
    ("data.csv", b"\xff\xfe\x00bad", "UTF-8"),
])
def test_bad_files_are_refused(world, name, content, message):
    with pytest.raises(ValidationError, match=message):
        _attach(world, name=name, content=content)
    assert not Evidence.objects.exists()


def test_size_limit(world, settings):
    settings.EVIDENCE_MAX_MB = 1
    with pytest.raises(ValidationError, match="the limit is 1 MB"):
        _attach(world, content=b"%PDF-" + b"0" * (1024 * 1024 + 1))


def test_only_facility_staff_attach(world):
    with pytest.raises(PermissionDenied):
        _attach(world, user="brand")


@pytest.mark.parametrize("user,status", [("manager", 200), ("assessor", 200), ("brand", 200), ("other_brand", 404),
                                         ("park_operator", 404), ("neighbour_manager", 404)])
def test_download_follows_the_policy(client, world, user, status):
    evidence = _attach(world)
    client.force_login(world.users[user])
    response = client.get(reverse("evidence:download", args=[evidence.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Disposition"].startswith("attachment")


def test_upload_through_the_page(client, world):
    client.force_login(world.users["data_entry"])
    page = reverse("reporting:facility_year", args=[world.own.pk, 2025])
    response = client.post(reverse("evidence:upload", args=[world.own.pk]),
                           {"kind": "utility_bill", "period": "2025-04", "next": page, "file": SimpleUploadedFile("april.pdf", PDF)})
    assert response.status_code == 302 and response["Location"] == page
    assert Evidence.objects.get().period == datetime.date(2025, 4, 1)
    assert "april.pdf" in client.get(page).content.decode()
    client.force_login(world.users["brand"])
    response = client.post(reverse("evidence:upload", args=[world.own.pk]),
                           {"kind": "utility_bill", "file": SimpleUploadedFile("x.pdf", PDF)})
    assert response.status_code == 403
    assert Evidence.objects.count() == 1
