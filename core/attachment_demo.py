"""Demo data of the scanned materials (core.attachments): a few materials filed with the first records of every
registered model — phone photos combined into one PDF, a scanner's PDF, a single photo — and one voided upload.
Idempotent: a second run finds the demo's materials and adds nothing. Registered by CoreConfig.ready()."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model

from core.attachments import attach_files, void_attachment
from core.exceptions import DomainError
from core.models import Attachment
from core.registry import attachables

DEMO_NOTE = "演示材料"


def handwritten_page(rng, width: int = 620, height: int = 877, *, fmt: str = "JPEG") -> bytes:
    """A page of "handwriting": dark strokes in lines on off-white paper."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (width, height), (246, 243, 232))
    draw = ImageDraw.Draw(image)
    for line in range(22):
        y = 60 + line * 36
        x = 50
        while x < width - 60:
            w = rng.randint(8, 26)
            draw.line(
                [(x, y + rng.randint(-4, 4)), (x + w, y + rng.randint(-4, 4))], fill=(25, 25, 60), width=2
            )
            x += w + rng.randint(3, 10)
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()


class _Upload(io.BytesIO):
    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name
        self.size = len(data)


def generate(*, size: int, rng, stdout=None) -> str:
    if Attachment.objects.filter(note=DEMO_NOTE).exists():
        return "档案扫描材料：已有演示材料"
    clerk = get_user_model().objects.filter(username="clerk").first()
    if clerk is None:
        return "档案扫描材料：没有中心工作人员账号，跳过"
    made = voided = 0
    for reg in attachables.values():
        for record in reg.model._default_manager.order_by("pk")[:2]:
            for kind, _label in reg.kinds_for(record)[:3]:
                photos = [_Upload(handwritten_page(rng), f"IMG_{n}.jpg") for n in range(1 + made % 2)]
                try:
                    material = attach_files(
                        owner=record, kind=kind, files=photos, uploaded_by=clerk, note=DEMO_NOTE
                    )
                except DomainError:
                    continue  # e.g. a stage the candidate has not reached (R-RC-23)
                made += 1
                if made == 3:
                    void_attachment(attachment=material, by=clerk, reason="演示：上传错了，已作废")
                    voided += 1
                break
    return f"档案扫描材料：新增{made}份（其中作废{voided}份）"
