"""Scanned materials filed with the records (一人一档, R-RC-23): the one home of uploading, checking, storing,
opening, voiding and printing them.

* **Checked by content, never by name** (``inspect_upload``): PDF, JPEG, PNG and HEIC (phones) are told by
  their first bytes; a PDF that carries JavaScript, an open action, a launch action or embedded files is
  refused, and so is an encrypted one; an image's size is read from its header and an image bomb (a small
  file declaring huge dimensions) is refused before any pixel is decoded; every image is decoded and encoded
  again (JPEG or PNG), which drops its metadata (EXIF: the camera, the place), after turning it upright by its
  EXIF orientation. Several files uploaded together (phone photos of a handwritten application) become one
  PDF, pages in the order given.
* **Stored through Django's storage API** (``attachment_storage``: ``STORAGES["attachments"]``): the local
  disk under ``var/attachments`` by default, an S3-compatible store when configured (config/settings.py).
  Nothing is stored when a check fails, and a file written before a refusal is removed again.
* **Opened only through** ``attachment_for_user`` (scope of the record it belongs to: another branch's file is
  a 404, guessed or copied) and each opening is logged (``log_attachment_view``), like a full ID number.
* **Never deleted**: a wrong upload is voided with a reason (``void_attachment``) and kept; the database
  refuses DELETE and any other UPDATE (migration core 0012).

Apps register the models that hold materials, their item kinds and the path to their organisation with
``core.registry.register_attachable`` from their ``AppConfig.ready()``.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import tempfile
import uuid
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import Model, Sum
from django.http import Http404, HttpRequest
from django.utils import timezone

from core.access import can_write, roles_of, scope_queryset
from core.exceptions import DomainError
from core.login_throttle import client_ip
from core.models import Attachment, AttachmentView
from core.registry import Attachable, attachable

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}
TYPE_LABELS = {PDF: "PDF", JPEG: "JPEG图片", PNG: "PNG图片"}
#: the longest side an image is kept at (A4 at 300 dpi is 3508 px)
MAX_IMAGE_SIDE = 3508
#: PDF names that make a document do something when opened or clicked
ACTIVE_PDF_NAMES = ("/JavaScript", "/JS", "/OpenAction", "/Launch", "/AA", "/EmbeddedFiles", "/RichMedia")
HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}


class AttachmentError(DomainError):
    """A material refused: the message says why, in Chinese."""


@dataclass(frozen=True)
class Prepared:
    """A checked file ready to store: its bytes after re-encoding, its detected type and page count."""

    data: bytes
    content_type: str
    page_count: int
    original_name: str

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.content_type]


def attachment_storage() -> Storage:
    """Where the files are kept (``STORAGES["attachments"]``), looked up at every use so that a changed
    setting (a test swapping in the S3 backend) takes effect."""
    return storages["attachments"]


# --- checking by content ----------------------------------------------------------------------------------


def sniff(head: bytes) -> str | None:
    """The type told by the file's first bytes, or None (anything else: an .exe renamed .pdf …)."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    return None


def _name_of(upload: Any) -> str:
    return Path(str(getattr(upload, "name", "") or "材料")).name[:200] or "材料"


def _read(upload: Any) -> bytes:
    if isinstance(upload, bytes | bytearray):
        return bytes(upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    if hasattr(upload, "chunks"):
        return b"".join(upload.chunks())
    return upload.read()


def inspect_upload(upload: Any) -> Prepared:
    """One uploaded file checked by its content and normalised (images re-encoded upright, without
    metadata), or ``AttachmentError`` with the reason. ``upload``: an UploadedFile, a file object or bytes."""
    name = _name_of(upload)
    size = getattr(upload, "size", None)
    limit = settings.ATTACHMENT_MAX_FILE_BYTES
    if size is not None and size > limit:
        raise AttachmentError(f"文件“{name}”超过{_mb(limit)}，请压缩或分开上传。", field="files")
    data = _read(upload)
    if len(data) > limit:
        raise AttachmentError(f"文件“{name}”超过{_mb(limit)}，请压缩或分开上传。", field="files")
    if not data:
        raise AttachmentError(f"文件“{name}”是空文件。", field="files")
    kind = sniff(data[:16])
    if kind is None:
        raise AttachmentError(
            f"文件“{name}”不是PDF、JPEG、PNG或HEIC格式（按文件内容判断，与文件名无关），已拒绝。",
            field="files",
        )
    if kind == PDF:
        return Prepared(data, PDF, check_pdf(data, name), name)
    image_data, content_type = reencode_image(data, name, heic=kind == HEIC)
    return Prepared(image_data, content_type, 1, name)


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g}MB"


def check_pdf(data: bytes, name: str) -> int:
    """The page count of a harmless PDF; refuses an encrypted, broken or active one (JavaScript, actions
    run on opening, launching programs, embedded files)."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    for active in ACTIVE_PDF_NAMES:
        if active.encode() + b" " in data or active.encode() + b"<" in data or active.encode() + b"(" in data:
            raise AttachmentError(f"PDF文件“{name}”含有脚本或自动执行的动作，不能作为档案材料，已拒绝。")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentError(f"PDF文件“{name}”已加密，请上传未加密的文件。")
        pages = len(reader.pages)
        # Walk every object reachable from the trailer (names inside compressed object streams too).
        seen: set[tuple[int, int]] = set()
        stack: list[Any] = [reader.trailer]
        visited = 0
        while stack:
            obj = stack.pop()
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key in seen:
                    continue
                seen.add(key)
                obj = obj.get_object()
            visited += 1
            if visited > 200_000:
                raise AttachmentError(f"PDF文件“{name}”结构过于复杂，无法检查，已拒绝。")
            if isinstance(obj, DictionaryObject):
                for key in obj:
                    if key in ACTIVE_PDF_NAMES:
                        raise AttachmentError(
                            f"PDF文件“{name}”含有脚本或自动执行的动作，不能作为档案材料，已拒绝。"
                        )
                    if key not in ("/Parent", "/P"):
                        stack.append(obj.raw_get(key))
            elif isinstance(obj, ArrayObject):
                stack.extend(obj)
    except AttachmentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, RecursionError, OSError) as exc:
        raise AttachmentError(f"PDF文件“{name}”已损坏或无法读取，已拒绝。") from exc
    if pages < 1:
        raise AttachmentError(f"PDF文件“{name}”没有页面。")
    if pages > settings.ATTACHMENT_MAX_PAGES:
        raise AttachmentError(f"PDF文件“{name}”有{pages}页，超过{settings.ATTACHMENT_MAX_PAGES}页的上限。")
    return pages


def reencode_image(data: bytes, name: str, *, heic: bool = False) -> tuple[bytes, str]:
    """The image decoded and encoded again: upright by its EXIF orientation, without metadata, at most
    ``MAX_IMAGE_SIDE`` pixels on its longest side. JPEG and HEIC give JPEG, PNG stays PNG. An image declaring
    more than ``ATTACHMENT_MAX_PIXELS`` pixels is refused from its header, before decoding."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if heic:
        from pillow_heif import register_heif_opener

        register_heif_opener()
    limit = settings.ATTACHMENT_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))  # reads the header only
            width, height = image.size
            if width * height > limit or width < 1 or height < 1:
                raise AttachmentError(
                    f"图片“{name}”声明的尺寸为{width}×{height}像素，超过上限，已拒绝（可能是恶意文件）。"
                )
            keep_png = not heic and sniff(data[:16]) == PNG
            image = ImageOps.exif_transpose(image)  # decodes; turns the photo upright
            if image.mode not in ("RGB", "L", "RGBA", "LA") or (not keep_png and image.mode != "L"):
                image = image.convert("RGB")
            if max(image.size) > MAX_IMAGE_SIDE:
                image.thumbnail((MAX_IMAGE_SIDE, MAX_IMAGE_SIDE))
            clean = Image.new(image.mode, image.size)
            clean.paste(image)
            out = io.BytesIO()
            if keep_png:
                clean.save(out, format="PNG", optimize=True)
                return out.getvalue(), PNG
            clean.save(out, format="JPEG", quality=85, optimize=True)
            return out.getvalue(), JPEG
    except AttachmentError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise AttachmentError(f"图片“{name}”尺寸过大，已拒绝（可能是恶意文件）。") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise AttachmentError(f"图片“{name}”已损坏或无法读取，已拒绝。") from exc


def combine(prepared: Sequence[Prepared]) -> Prepared:
    """Several checked files as one PDF, pages in the order given (phone photos of one material)."""
    if len(prepared) == 1:
        return prepared[0]
    from PIL import Image
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for item in prepared:
        if item.content_type == PDF:
            writer.append(PdfReader(io.BytesIO(item.data)))
            continue
        image: Image.Image = Image.open(io.BytesIO(item.data))
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        page = io.BytesIO()
        # 150 dpi: a phone photo of an A4 page prints about A4-sized
        image.save(page, format="PDF", resolution=150.0)
        writer.append(PdfReader(io.BytesIO(page.getvalue())))
    out = io.BytesIO()
    writer.write(out)
    pages = sum(item.page_count for item in prepared)
    if pages > settings.ATTACHMENT_MAX_PAGES:
        raise AttachmentError(
            f"合并后共{pages}页，超过{settings.ATTACHMENT_MAX_PAGES}页的上限。", field="files"
        )
    return Prepared(out.getvalue(), PDF, pages, prepared[0].original_name)


def prepare_uploads(files: Sequence[Any]) -> Prepared:
    """Every uploaded file checked, then combined into one material. Slow (decoding images): call it before
    any transaction."""
    if not files:
        raise AttachmentError("请选择要上传的文件。", field="files")
    total = sum(getattr(f, "size", 0) or 0 for f in files)
    if total > settings.ATTACHMENT_MAX_UPLOAD_BYTES:
        raise AttachmentError(
            f"一次上传的文件合计超过{_mb(settings.ATTACHMENT_MAX_UPLOAD_BYTES)}，请分次上传。", field="files"
        )
    return combine([inspect_upload(f) for f in files])


# --- scope ------------------------------------------------------------------------------------------------


def registration(owner: Model | type[Model] | str) -> Attachable:
    found = attachable(owner)
    if found is None:
        raise AttachmentError("该类记录不能上传档案材料。")
    return found


def may_see_kind(user, reg: Attachable) -> bool:
    return bool(roles_of(user)) and (reg.roles is None or bool(roles_of(user) & reg.roles))


def owners_for_user(reg: Attachable, user):
    """The records of ``reg.model`` this user may see (their organisation in the user's scope)."""
    queryset = reg.model._default_manager.all()
    if not may_see_kind(user, reg):
        return queryset.none()
    return scope_queryset(queryset, user, reg.scope_field) if reg.scope_field else queryset


def owner_for_user(owner_label: str, owner_pk: Any, user) -> Model:
    """The record named by its model's label and key, if it exists and the user may see it; else 404."""
    reg = attachable(owner_label)
    if reg is None:
        raise Http404("没有找到该记录，或您无权查看。")
    try:
        return owners_for_user(reg, user).get(pk=owner_pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该记录，或您无权查看。") from exc


def attachment_for_user(user, pk: Any) -> Attachment:
    """The material if the user may see the record it is filed with; a 404 otherwise (guessed or copied
    URLs of another branch's file reveal nothing)."""
    try:
        attachment = Attachment.objects.select_related("owner_type", "uploaded_by", "voided_by").get(pk=pk)
    except (Attachment.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("没有找到该材料，或您无权查看。") from exc
    reg = attachable(attachment.owner_type.app_label + "." + attachment.owner_type.model)
    if reg is None or not owners_for_user(reg, user).filter(pk=attachment.owner_id).exists():
        raise Http404("没有找到该材料，或您无权查看。")
    return attachment


def materials_of(owner: Model, *, include_void: bool = False) -> list[Attachment]:
    queryset = Attachment.objects.of(owner).select_related("uploaded_by", "voided_by")
    return list(queryset if include_void else queryset.valid())


def materials_by_kind(owners: Iterable[Model]) -> dict[tuple[str, Any, str], int]:
    """(model label, record key, kind) → count of valid materials, for many records of any models in one
    query per model."""
    by_model: dict[type[Model], list[Any]] = {}
    for owner in owners:
        by_model.setdefault(type(owner), []).append(owner.pk)
    counts: dict[tuple[str, Any, str], int] = {}
    for model, pks in by_model.items():
        content_type = ContentType.objects.get_for_model(model)
        rows = Attachment.objects.valid().filter(owner_type=content_type, owner_id__in=pks)
        for owner_id, kind in rows.values_list("owner_id", "kind"):
            key = (model._meta.label_lower, owner_id, kind)
            counts[key] = counts.get(key, 0) + 1
    return counts


# --- writing ----------------------------------------------------------------------------------------------


def attach_files(
    *,
    owner: Model,
    kind: str,
    files: Sequence[Any],
    uploaded_by,
    received_on: date | None = None,
    note: str = "",
) -> Attachment:
    """THE operation that files a material with a record (every door calls it): the user's role and the
    record's scope, the item kind, the app's own check (a stage not reached, R-RC-23), the content checks and
    limits; then the file is stored and its row written. A refusal stores nothing."""
    reg = registration(owner)
    label = reg.kind_label(kind, owner)
    if label is None:
        raise AttachmentError("请选择正确的材料类别。", field="kind")
    if not can_write(uploaded_by) or not owners_for_user(reg, uploaded_by).filter(pk=owner.pk).exists():
        raise AttachmentError("您无权为该记录上传材料。")
    received_on = received_on or timezone.localdate()
    if received_on > timezone.localdate():
        raise AttachmentError("收到日期不能晚于今天。", field="received_on")
    if reg.check_upload is not None:
        reg.check_upload(owner, kind)
    prepared = prepare_uploads(files)  # slow: before the transaction
    storage = attachment_storage()
    name = (
        f"{owner._meta.app_label}/{owner._meta.model_name}/{owner.pk}/{uuid.uuid4().hex}.{prepared.extension}"
    )
    stored = storage.save(name, ContentFile(prepared.data))
    try:
        with transaction.atomic():
            locked = type(owner)._default_manager.select_for_update().get(pk=owner.pk)
            used = (Attachment.objects.of(locked).valid().aggregate(total=Sum("size"))["total"] or 0) + len(
                prepared.data
            )
            if used > settings.ATTACHMENT_MAX_RECORD_BYTES:
                raise AttachmentError(
                    f"该记录的材料合计将超过{_mb(settings.ATTACHMENT_MAX_RECORD_BYTES)}的上限，请压缩后上传。",
                    field="files",
                )
            return Attachment.objects.create(
                owner_type=ContentType.objects.get_for_model(locked),
                owner_id=locked.pk,
                kind=kind,
                kind_label=label,
                original_name=prepared.original_name,
                storage_name=stored,
                content_type=prepared.content_type,
                size=len(prepared.data),
                page_count=prepared.page_count,
                sha256=hashlib.sha256(prepared.data).hexdigest(),
                received_on=received_on,
                note=note.strip()[:200],
                uploaded_by=uploaded_by,
            )
    except BaseException:
        storage.delete(stored)
        raise


def void_attachment(*, attachment: Attachment, by, reason: str) -> Attachment:
    """A wrong upload voided with its reason; the file and the row are kept (never deleted by staff)."""
    reason = reason.strip()
    if not reason:
        raise AttachmentError("作废须写明原因。", field="reason")
    reg = registration(attachment.owner_type.model_class() or attachment.owner_type.model)
    if not can_write(by) or not owners_for_user(reg, by).filter(pk=attachment.owner_id).exists():
        raise AttachmentError("您无权作废该材料。")
    with transaction.atomic():
        locked = Attachment.objects.select_for_update().get(pk=attachment.pk)
        if locked.is_void:
            raise AttachmentError("该材料已作废。")
        locked.void_reason = reason[:200]
        locked.voided_by = by
        locked.voided_at = timezone.now()
        locked.save(update_fields=["void_reason", "voided_by", "voided_at"])
    return locked


def log_attachment_view(
    *, user, attachment: Attachment, request: HttpRequest | None = None
) -> AttachmentView:
    """Record that ``user`` opened a filed material — a member's or a candidate's file is personal data,
    logged at every opening like a full ID number (R-MB-04)."""
    return AttachmentView.objects.create(
        attachment=attachment,
        viewed_by=user,
        ip_address=client_ip(request) if request is not None else None,
        path=request.get_full_path()[:200] if request is not None else "",
    )


def open_file(attachment: Attachment):
    return attachment_storage().open(attachment.storage_name, "rb")


def read_file(attachment: Attachment) -> bytes:
    with open_file(attachment) as handle:
        return handle.read()


# --- printing ---------------------------------------------------------------------------------------------


#: the resolution a scanned page is printed at in the archive bundle
PRINT_DPI = 110
#: … so the longest side of an A4 page's image at PRINT_DPI, in pixels (297 mm)
A4_LONG_MM = 297


def print_long_side(dpi: int = PRINT_DPI) -> int:
    return round(A4_LONG_MM / 25.4 * dpi)


def page_images(attachment: Attachment, *, dpi: int = PRINT_DPI) -> list[tuple[str, bytes]]:
    """The material's pages as images for the archive bundle: (mime type, bytes) per page, an A4 page's worth
    of pixels at ``dpi`` (the bundle prints each on an A4 page). A PDF's pages are rasterised with poppler's
    pdftoppm (the system package the project installs, scripts/bootstrap.sh), the long side of each page at
    ``print_long_side(dpi)`` pixels: an A4 page exactly as at ``dpi``, a page of phone photos combined at
    150 dpi (20 inches tall) no larger. An image larger than that is scaled down (``print_image``); the stored
    file is never changed."""
    data = read_file(attachment)
    long_side = print_long_side(dpi)
    if not attachment.is_pdf:
        return [print_image(data, attachment.content_type, long_side)]
    photos = whole_page_jpegs(data, long_side)
    if photos is not None:  # a scanner's or the phone photos' PDF: each page is one JPEG, printed as an image
        return [print_image(photo, JPEG, long_side) for photo in photos]
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(data)
        subprocess.run(
            [
                "pdftoppm",
                "-scale-to",
                str(long_side),
                "-jpeg",
                "-jpegopt",
                "quality=80",
                str(source),
                str(Path(folder) / "p"),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
        pages = sorted(Path(folder).glob("p-*.jpg"), key=lambda p: int(p.stem.split("-")[-1]))
        return [(JPEG, page.read_bytes()) for page in pages]


def whole_page_jpegs(data: bytes, long_side: int) -> list[bytes] | None:
    """The JPEG of each page when every page of the PDF is exactly one JPEG image covering the whole page and
    nothing else, of at least ``long_side`` pixels (what a scanner writes, and what ``combine`` makes of phone
    photos), else None. Such pages print from their JPEG scaled down to ``long_side`` (``print_image``): the
    image pdftoppm would draw, of the same size, without decoding a 12-megapixel photo at full size. Anything
    else — text, several images, a mask, a rotation, an image not filling the page or smaller than the print,
    CMYK — returns None, and the whole file is rasterised."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError
    from pypdf.generic import ArrayObject, NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        photos = []
        for page in reader.pages:
            if page.get("/Annots") or int(page.get("/Rotate", 0) or 0) % 360 or page.cropbox != page.mediabox:
                return None
            contents = page.get_contents()
            if contents is None or [op for _, op in contents.operations] != [b"q", b"cm", b"Do", b"Q"]:
                return None
            (matrix, _), ((name,), _) = contents.operations[1], contents.operations[2]
            xobject: Any = page["/Resources"]["/XObject"][name].get_object()  # type: ignore[index]
            box = [float(v) for v in page.mediabox]
            a, b, c, d, e, f = (float(v) for v in matrix)
            fills = (
                abs(b) < 1e-6
                and abs(c) < 1e-6
                and abs(e - box[0]) < 0.5
                and abs(f - box[1]) < 0.5
                and abs(a - (box[2] - box[0])) < 0.5
                and abs(d - (box[3] - box[1])) < 0.5
            )
            simple = (
                xobject.get("/Subtype") == "/Image"
                and xobject.get("/Filter") in ("/DCTDecode", ArrayObject([NameObject("/DCTDecode")]))
                and xobject.get("/ColorSpace") in ("/DeviceGray", "/DeviceRGB")
                and "/SMask" not in xobject
                and "/Mask" not in xobject
                and "/Decode" not in xobject
                and max(int(xobject["/Width"]), int(xobject["/Height"])) >= long_side
            )
            if not (fills and simple):
                return None
            photos.append(xobject._data)
        return photos or None
    except (PdfReadError, KeyError, ValueError, TypeError, AttributeError, IndexError):
        return None


def print_image(data: bytes, content_type: str, long_side: int) -> tuple[str, bytes]:
    """An image material as the bundle prints it: as stored when its longest side is at most ``long_side``
    pixels, else scaled down to it (a phone photo of 4032 pixels: the JPEG decoder's own reduction first, then
    a resampling) and encoded as JPEG quality 80 like the rasterised PDF pages (PNG stays PNG)."""
    from PIL import Image

    image: Image.Image = Image.open(io.BytesIO(data))
    if max(image.size) <= long_side:
        return content_type, data
    if content_type == JPEG:
        image.draft(image.mode, (long_side, long_side))  # decode at 1/2, 1/4 … of the size: much faster
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if content_type == PNG:
        image.save(out, format="PNG")
        return PNG, out.getvalue()
    image.convert("RGB" if image.mode not in ("RGB", "L") else image.mode).save(
        out, format="JPEG", quality=80
    )
    return JPEG, out.getvalue()


def scan_document(attachment: Attachment, *, header: str = ""):
    """The material as a ``core.pdf.Document`` of the archive bundle: a heading saying what it is and when
    it was received, then its pages, one per printed page (in the table of contents and the outline). The page
    images are the document's resources (served to WeasyPrint from memory, not written into the HTML)."""
    from core.pdf import Document, resource_url

    key = uuid.uuid4().hex
    resources = {f"scan-{key}-{n}": page for n, page in enumerate(page_images(attachment), start=1)}
    return Document(
        title=f"{attachment.kind_label}（扫描件）",
        template_name="documents/scan.html",
        dated=attachment.received_on,
        header=header,
        context={"attachment": attachment, "pages": [resource_url(name) for name in resources]},
        resources=resources,
    )


def scan_documents(owner: Model, *, kinds: Iterable[str] | None = None, header: str = "") -> list:
    """Every valid material of ``owner`` (of ``kinds``, in that order, when given) as bundle documents."""
    materials = materials_of(owner)
    if kinds is not None:
        order = {kind: i for i, kind in enumerate(kinds)}
        materials = sorted(
            (m for m in materials if m.kind in order), key=lambda m: (order[m.kind], m.received_on, m.pk)
        )
    return [scan_document(m, header=header) for m in materials]


# --- completeness (一人一档, R-RC-23) -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileItem:
    """One item of a person's file: whether the system generated it (a record, a printed document) and
    whether its paper was scanned. ``scan_kind`` is the material kind that holds its scan."""

    label: str
    generated: bool
    scanned: bool
    scan_kind: str = ""
    group: str = ""
    scan_required: bool = False

    @property
    def present(self) -> bool:
        return self.generated or self.scanned

    @property
    def state(self) -> str:
        if self.generated and self.scanned:
            return "系统文书及扫描件"
        if self.generated:
            return "系统文书"
        if self.scanned:
            return "扫描件"
        return "缺"

    @property
    def level(self) -> str:
        if not self.present or (self.scan_required and not self.scanned):
            return "danger"
        return "ok"


@dataclass(frozen=True)
class FileCompleteness:
    items: list[FileItem]
    percent: int

    @property
    def missing(self) -> list[FileItem]:
        return [item for item in self.items if item.level == "danger"]


def file_completeness(items: Iterable[FileItem]) -> FileCompleteness:
    """R-RC-23: how complete a file is — the one home of the percentage every page shows. An item counts when
    it is present (generated or scanned) and, where the rule profile requires its scan, scanned."""
    rows = list(items)
    done = sum(1 for item in rows if item.level == "ok")
    percent = round(100 * done / len(rows)) if rows else 100
    return FileCompleteness(rows, percent)


def member_file(member) -> FileCompleteness:
    """A member's file: the items every app contributes (core.registry.register_file_items)."""
    from core.registry import file_items_for

    return file_completeness(file_items_for(member))
