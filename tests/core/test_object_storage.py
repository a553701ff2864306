"""Captured copies kept on local disk or in an S3-compatible bucket (MEDIA_STORAGE=s3): uploaded,
downloaded and verified against their SHA-256 the same way on both.

The bucket is moto's S3 server on 127.0.0.1, spoken to through boto3 and django-storages as a
real deployment's bucket would be.
"""

from __future__ import annotations

import hashlib

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from moto.server import ThreadedMotoServer

from incidents.captures import verify_capture
from incidents.models import Source
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

CAPTURE = b"%PDF-1.4 eight rockets were fired at the base"
BUCKET = "tessera-captures"
KEYS = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint):
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1", **KEYS)
    s3.create_bucket(Bucket=BUCKET)
    yield s3
    for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    s3.delete_bucket(Bucket=BUCKET)


@pytest.fixture(params=["local", "s3"])
def storage(request, settings, tmp_path):
    """Where captured copies go, as settings.py configures each MEDIA_STORAGE; a function that
    reads, replaces or deletes the stored bytes of a name behind Tessera's back."""
    if request.param == "local":
        settings.MEDIA_ROOT = tmp_path
        return {
            "read": lambda name: (tmp_path / name).read_bytes(),
            "write": lambda name, data: (tmp_path / name).write_bytes(data),
            "delete": lambda name: (tmp_path / name).unlink(),
        }
    s3 = request.getfixturevalue("bucket")
    endpoint = request.getfixturevalue("s3_endpoint")
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": endpoint,
                "region_name": "us-east-1",
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "file_overwrite": False,
                "querystring_auth": True,
                "default_acl": "private",
            },
        },
    }
    return {
        "read": lambda name: s3.get_object(Bucket=BUCKET, Key=name)["Body"].read(),
        "write": lambda name, data: s3.put_object(Bucket=BUCKET, Key=name, Body=data),
        "delete": lambda name: s3.delete_object(Bucket=BUCKET, Key=name),
    }


def upload(client, source: Source) -> Source:
    """Attach a captured copy on the source's admin form, as an editor does."""
    url = reverse("admin:incidents_source_change", args=[source.pk])
    form = client.get(url).context["adminform"].form
    fields = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, (list, tuple))
    }
    data = {**{k: v for k, v in fields.items() if isinstance(v, (str, int))}}
    data["capture"] = SimpleUploadedFile("report.pdf", CAPTURE, content_type="application/pdf")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    source.refresh_from_db()
    return source


def test_a_captured_copy_is_stored_hashed_served_and_verified(editor_client, storage):
    source = upload(editor_client, SourceFactory())

    assert source.capture.name.startswith("captures/")
    assert storage["read"](source.capture.name) == CAPTURE
    assert source.content_sha256 == hashlib.sha256(CAPTURE).hexdigest()
    download = editor_client.get(reverse("admin:incidents_source_capture", args=[source.pk]))
    assert b"".join(download.streaming_content) == CAPTURE
    assert verify_capture(source) is True

    storage["write"](source.capture.name, CAPTURE.replace(b"eight", b"seven"))
    assert verify_capture(source) is False

    storage["delete"](source.capture.name)
    assert verify_capture(source) is None


def test_a_second_copy_with_the_same_name_never_replaces_the_first(editor_client, storage):
    first = upload(editor_client, SourceFactory())
    second = upload(editor_client, SourceFactory())

    assert first.capture.name != second.capture.name
    assert verify_capture(first) is True
