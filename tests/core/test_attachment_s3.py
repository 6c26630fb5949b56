"""The scanned materials in an S3-compatible object store (django-storages against moto's S3 server on
127.0.0.1): what a county's MinIO does for several application hosts. Same operation, same scope-checked view."""

import boto3
import pytest
from django.urls import reverse

from core.attachments import attach_files, attachment_storage, read_file
from core.models import AttachmentView
from tests.factories import files
from tests.factories import recruitment as rf

pytestmark = pytest.mark.django_db

BUCKET = "party-files"
KEYS = {"aws_access_key_id": "test-key", "aws_secret_access_key": "test-secret"}


@pytest.fixture(scope="module")
def s3_server():
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(s3_server, settings):
    client = boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1", **KEYS)
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET,
                "endpoint_url": s3_server,
                "access_key": KEYS["aws_access_key_id"],
                "secret_key": KEYS["aws_secret_access_key"],
                "region_name": "us-east-1",
                "location": "attachments",
                "default_acl": "private",
                "file_overwrite": False,
            },
        },
    }
    return client


def test_materials_are_stored_in_and_streamed_from_the_s3_store(
    s3_storage, client, branch_a, secretary_a, secretary_b
):
    from storages.backends.s3 import S3Storage

    assert isinstance(attachment_storage(), S3Storage)
    candidate = rf.candidate(branch_a, name="郑一")
    material = attach_files(
        owner=candidate,
        kind="application",
        files=[files.upload(files.pdf_bytes(2), "申请书.pdf")],
        uploaded_by=secretary_a,
    )
    keys = [o["Key"] for o in s3_storage.list_objects_v2(Bucket=BUCKET).get("Contents", [])]
    assert keys == [f"attachments/{material.storage_name}"]
    assert read_file(material).startswith(b"%PDF-")
    client.force_login(secretary_b)
    assert client.get(reverse("core:attachment_open", args=[material.pk])).status_code == 404
    client.force_login(secretary_a)
    response = client.get(reverse("core:attachment_open", args=[material.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == read_file(material)
    assert AttachmentView.objects.filter(attachment=material, viewed_by=secretary_a).count() == 1


def test_a_refused_file_leaves_nothing_in_the_store(s3_storage, branch_a, secretary_a, settings):
    from core.attachments import AttachmentError

    candidate = rf.candidate(branch_a, name="郑二")
    before = s3_storage.list_objects_v2(Bucket=BUCKET).get("KeyCount")
    with pytest.raises(AttachmentError):
        attach_files(
            owner=candidate,
            kind="application",
            files=[files.upload(files.image_bytes(), "a.jpg"), files.upload(files.exe_bytes(), "b.jpg")],
            uploaded_by=secretary_a,
        )
    # refused after the file was written (the record's limit is checked under its lock): removed again
    settings.ATTACHMENT_MAX_RECORD_BYTES = 10
    with pytest.raises(AttachmentError, match="合计将超过"):
        attach_files(
            owner=candidate,
            kind="application",
            files=[files.upload(files.image_bytes(), "a.jpg")],
            uploaded_by=secretary_a,
        )
    assert s3_storage.list_objects_v2(Bucket=BUCKET).get("KeyCount") == before
