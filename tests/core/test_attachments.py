"""Scanned materials (core.attachments, 一人一档 R-RC-23): checked by content, stored through the storage API,
opened only within scope and logged, never deleted, counted in the file's completeness."""

import io
import time
from datetime import UTC, date, datetime

import pytest
from django.db import IntegrityError, InternalError, ProgrammingError, transaction
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from core import attachments
from core.attachments import AttachmentError, attach_files, void_attachment
from core.dates import local_today
from core.models import Attachment, AttachmentView, RuleProfile
from recruitment.checklist import candidate_file
from recruitment.exceptions import RecruitmentError
from recruitment.stages import next_steps
from tests.factories import files
from tests.factories import recruitment as rf

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(branch_a):
    return rf.candidate(branch_a, name="李小红")


def _attach(candidate, user, *uploads, kind="application"):
    return attach_files(
        owner=candidate, kind=kind, files=list(uploads), uploaded_by=user, received_on=date(2024, 3, 5)
    )


def _stored_files(folder):
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_renamed_exe_is_refused_by_its_content_and_nothing_is_stored(
    applicant, secretary_a, _attachments_in_a_temporary_folder
):
    before = _stored_files(_attachments_in_a_temporary_folder)
    with pytest.raises(AttachmentError, match="不是PDF、JPEG、PNG或HEIC格式"):
        _attach(applicant, secretary_a, files.upload(files.exe_bytes(), "入党申请书.pdf", "application/pdf"))
    assert not Attachment.objects.exists()
    assert _stored_files(_attachments_in_a_temporary_folder) == before


def test_a_pdf_with_javascript_is_refused(applicant, secretary_a):
    with pytest.raises(AttachmentError, match="含有脚本或自动执行的动作"):
        _attach(applicant, secretary_a, files.upload(files.pdf_with_javascript(), "申请书.pdf"))
    assert not Attachment.objects.exists()


def test_an_image_bomb_is_refused_from_its_header_quickly(applicant, secretary_a):
    bomb = files.png_bomb()
    assert len(bomb) < 1000
    started = time.perf_counter()
    with pytest.raises(AttachmentError, match="已拒绝（可能是恶意文件）"):
        _attach(applicant, secretary_a, files.upload(bomb, "photo.png"))
    # below Pillow's own bomb limit but above the setting: refused from the header by the setting
    with pytest.raises(AttachmentError, match="10000×6000像素，超过上限"):
        _attach(applicant, secretary_a, files.upload(files.png_bomb(10000, 6000), "photo2.png"))
    assert time.perf_counter() - started < 1.0
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(applicant, secretary_a, settings):
    settings.ATTACHMENT_MAX_FILE_BYTES = 1000
    with pytest.raises(AttachmentError, match="超过"):
        _attach(applicant, secretary_a, files.upload(files.pdf_bytes(3) + b" " * 2000, "big.pdf"))


def test_the_record_limit_counts_every_material_of_the_record(applicant, secretary_a, settings):
    photo = files.image_bytes(300, 300)
    first = _attach(applicant, secretary_a, files.upload(photo, "1.jpg"))
    settings.ATTACHMENT_MAX_RECORD_BYTES = first.size + 10
    with pytest.raises(AttachmentError, match="合计将超过"):
        _attach(applicant, secretary_a, files.upload(photo, "2.jpg"))
    assert Attachment.objects.count() == 1


def test_a_phone_photo_is_turned_upright_and_its_exif_location_stripped(applicant, secretary_a):
    photo = files.phone_photo(60, 40, orientation=6)
    assert Image.open(io.BytesIO(photo)).getexif().get(0x0112) == 6
    material = _attach(applicant, secretary_a, files.upload(photo, "IMG_0001.jpg"))
    stored = attachments.read_file(material)
    image = Image.open(io.BytesIO(stored))
    assert material.content_type == "image/jpeg" and image.format == "JPEG"
    assert image.size == (40, 60)  # turned 90°: portrait now
    assert not image.getexif()  # no orientation, camera or GPS left
    assert b"TestPhone" not in stored and b"Exif" not in stored
    # the dark band on the photo's left edge is on top once turned clockwise
    assert image.getpixel((20, 3))[0] < 100 and image.getpixel((20, 55))[0] > 200


def test_a_heic_photo_from_a_phone_is_converted_to_jpeg(applicant, secretary_a):
    material = _attach(applicant, secretary_a, files.upload(files.heic_photo(64, 48), "IMG_0002.HEIC"))
    assert material.content_type == "image/jpeg" and material.page_count == 1
    image = Image.open(io.BytesIO(attachments.read_file(material)))
    assert image.format == "JPEG" and image.size == (64, 48)


def test_a_png_stays_png_and_a_pdfs_pages_are_counted(applicant, secretary_a):
    png = _attach(applicant, secretary_a, files.upload(files.image_bytes(30, 30, fmt="PNG"), "scan.png"))
    assert png.content_type == "image/png"
    assert Image.open(io.BytesIO(attachments.read_file(png))).format == "PNG"
    pdf = _attach(applicant, secretary_a, files.upload(files.pdf_bytes(4), "scan.pdf"))
    assert pdf.content_type == "application/pdf" and pdf.page_count == 4
    assert len(pdf.sha256) == 64 and pdf.size == len(attachments.read_file(pdf))


def test_several_photos_become_one_pdf_in_the_order_given(applicant, secretary_a):
    photos = [files.image_bytes(60 + 20 * i, 80) for i in range(3)]
    material = _attach(applicant, secretary_a, *[files.upload(p, f"{i}.jpg") for i, p in enumerate(photos)])
    assert material.content_type == "application/pdf" and material.page_count == 3
    reader = PdfReader(io.BytesIO(attachments.read_file(material)))
    widths = [float(page.mediabox.width) for page in reader.pages]
    assert widths == sorted(widths) and len(set(widths)) == 3


def test_a_material_cannot_be_filed_for_a_stage_not_reached_R_RC_23(applicant, secretary_a):
    with pytest.raises(RecruitmentError, match="尚未进入“入党积极分子”阶段"):
        _attach(applicant, secretary_a, files.upload(files.image_bytes(), "汇报.jpg"), kind="thought-report")
    assert not Attachment.objects.exists()


def test_another_branchs_secretary_cannot_upload_to_the_record(applicant, secretary_b):
    with pytest.raises(AttachmentError, match="无权"):
        _attach(applicant, secretary_b, files.upload(files.image_bytes(), "a.jpg"))


def test_another_branchs_secretary_gets_404_for_the_file_url_and_the_owner_sees_it_logged(
    client, applicant, secretary_a, secretary_b
):
    material = _attach(applicant, secretary_a, files.upload(files.pdf_bytes(2), "申请书.pdf"))
    url = reverse("core:attachment_open", args=[material.pk])
    client.force_login(secretary_b)
    assert client.get(url).status_code == 404
    assert client.get(reverse("core:attachment_open", args=[material.pk + 1000])).status_code == 404
    assert client.get(reverse("core:attachment_void", args=[material.pk])).status_code == 404
    assert not AttachmentView.objects.exists()
    client.force_login(secretary_a)
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert response["Cache-Control"] == "private, no-store"
    view = AttachmentView.objects.get()
    assert view.viewed_by == secretary_a and view.attachment == material and view.path == url
    client.get(url)
    assert AttachmentView.objects.count() == 2  # every opening


def test_a_secretary_cannot_open_a_service_matters_material(client, secretary_a, clerk):
    from services import desk

    matter = desk.matter_register(
        first_contact=clerk,
        accept=True,
        **_matter_fields(),
    )
    material = attach_files(
        owner=matter,
        kind="received",
        files=[files.upload(files.pdf_bytes(), "身份证复印件.pdf")],
        uploaded_by=clerk,
    )
    client.force_login(secretary_a)
    assert client.get(reverse("core:attachment_open", args=[material.pk])).status_code == 404


def _matter_fields():
    import inspect

    from services import desk

    params = inspect.signature(desk.matter_register).parameters
    fields = {"applicant_name": "王五", "request": "办理党员组织关系证明", "kind": "promised"}
    return {k: v for k, v in fields.items() if k in params}


def test_a_material_is_never_deleted_and_voiding_keeps_it(applicant, secretary_a):
    material = _attach(applicant, secretary_a, files.upload(files.image_bytes(), "a.jpg"))
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        Attachment.objects.filter(pk=material.pk).delete()
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        Attachment.objects.filter(pk=material.pk).update(kind_label="别的")
    with pytest.raises(AttachmentError, match="须写明原因"):
        void_attachment(attachment=material, by=secretary_a, reason=" ")
    voided = void_attachment(attachment=material, by=secretary_a, reason="传错了人")
    assert voided.is_void and Attachment.objects.filter(pk=material.pk).exists()
    assert attachments.read_file(voided)  # the file is kept too
    with pytest.raises((InternalError, ProgrammingError, IntegrityError)), transaction.atomic():
        Attachment.objects.filter(pk=material.pk).update(void_reason="改个原因")
    assert attachments.materials_of(applicant) == []
    assert attachments.materials_of(applicant, include_void=True) == [voided]


def test_the_file_shows_generated_scanned_or_both_and_the_percentage_R_RC_23(applicant, secretary_a, client):
    file = candidate_file(applicant)
    labels = {item.label: item.state for item in file.items}
    assert labels["入党申请书"] == "系统文书"  # the application is recorded when the applicant is registered
    assert labels["谈话记录"] == "缺"
    percent_before = file.percent
    _attach(applicant, secretary_a, files.upload(files.image_bytes(), "谈话.jpg"), kind="talk")
    _attach(applicant, secretary_a, files.upload(files.image_bytes(), "申请.jpg"), kind="application")
    file = candidate_file(applicant)
    labels = {item.label: item.state for item in file.items}
    assert labels["谈话记录"] == "扫描件" and labels["入党申请书"] == "系统文书及扫描件"
    assert file.percent > percent_before
    client.force_login(secretary_a)
    page = client.get(reverse("recruitment:candidate", args=[applicant.pk])).content.decode()
    assert f"{file.percent}%" in page and "系统文书及扫描件" in page
    assert (
        'capture="environment"'
        in client.get(
            reverse("core:attachment_upload", args=["recruitment.candidate", applicant.pk])
        ).content.decode()
    )


def test_the_rule_profile_can_require_the_scan_before_the_stage_advances_R_RC_23(applicant, secretary_a):
    def scan_problems():
        steps = next_steps(applicant, local_today())
        return [p.message for step in steps for p in step["problems"] if "扫描件" in p.message]

    assert scan_problems() == []  # default: the printed document is enough
    RuleProfile.objects.create(
        recruitment_scans_required=True, note="须有扫描件", effective_from=datetime(2020, 1, 1, tzinfo=UTC)
    )
    assert any("入党申请书" in m for m in scan_problems())
    _attach(applicant, secretary_a, files.upload(files.image_bytes(), "申请.jpg"), kind="application")
    _attach(applicant, secretary_a, files.upload(files.image_bytes(), "谈话.jpg"), kind="talk")
    assert scan_problems() == []


def test_the_upload_page_shows_a_refusal_beside_the_files_and_voiding_goes_through_its_page(
    client, applicant, secretary_a, auditor
):
    url = reverse("core:attachment_upload", args=["recruitment.candidate", applicant.pk])
    client.force_login(secretary_a)
    response = client.post(
        url,
        {
            "kind": "application",
            "received_on": "2024-03-05",
            "files": [files.upload(files.exe_bytes(), "a.pdf")],
        },
    )
    assert response.status_code == 200
    assert "不是PDF、JPEG、PNG或HEIC格式" in response.content.decode()
    assert not Attachment.objects.exists()
    response = client.post(
        url,
        {
            "kind": "application",
            "received_on": "2024-03-05",
            "files": [files.upload(files.image_bytes(), "1.jpg"), files.upload(files.image_bytes(), "2.jpg")],
        },
    )
    assert response.status_code == 302
    material = Attachment.objects.get()
    assert material.page_count == 2
    void_url = reverse("core:attachment_void", args=[material.pk])
    client.force_login(auditor)
    assert client.post(void_url, {"reason": "看看"}).status_code == 403  # auditors read only
    client.force_login(secretary_a)
    assert client.post(void_url, {"reason": "传错了"}).status_code == 302
    material.refresh_from_db()
    assert material.is_void and material.voided_by == secretary_a
