"""The pages of the scanned materials (core/attachments.py): upload to a record, open (streamed, scope-checked,
logged), void. No material has a public URL."""

from __future__ import annotations

from urllib.parse import quote

from django import forms
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from core import attachments
from core.access import staff_required
from core.operations import run_form


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget",
            MultipleFileInput(
                # on a phone the control opens the camera; several photos become one PDF in order
                attrs={"accept": "image/*,application/pdf", "capture": "environment", "multiple": True}
            ),
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label="材料类别")
    # named like the operation's argument, so a refusal about it shows beside it; the form metaclass moves it
    # into base_fields, the uploaded files stay in ``self.files``
    files = MultipleFileField(  # type: ignore[assignment]
        label="文件（拍照或选择文件）",
        help_text="PDF、JPEG、PNG或手机照片（HEIC）；多张照片按选择顺序合并为一份PDF。",
    )
    received_on = forms.DateField(label="收到日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds
        self.fields["received_on"].initial = timezone.localdate()


class VoidForm(forms.Form):
    reason = forms.CharField(label="作废原因", max_length=200, widget=forms.Textarea(attrs={"rows": 3}))


def _back(request, owner, reg) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reg.page(owner) if reg.page else "/"


@staff_required(write=True)
def attachment_upload(request, owner_label: str, owner_pk: int):
    owner = attachments.owner_for_user(owner_label, owner_pk, request.user)
    reg = attachments.registration(owner)
    kinds = reg.kinds_for(owner)
    form = AttachmentForm(
        request.POST or None, request.FILES or None, kinds=kinds, initial={"kind": request.GET.get("kind")}
    )
    created = run_form(
        request,
        form,
        lambda data: attachments.attach_files(owner=owner, uploaded_by=request.user, **data),
        success=lambda a: f"已上传“{a.kind_label}”，共{a.page_count}页。",
    )
    if created is not None:
        return redirect(_back(request, owner, reg))
    context = {"form": form, "owner": owner, "reg": reg, "back": _back(request, owner, reg)}
    return render(request, "core/attachments/upload.html", context)


@staff_required
def attachment_open(request, pk: int):
    """The file, streamed after the scope check; every opening logged (R-MB-04)."""
    attachment = attachments.attachment_for_user(request.user, pk)
    try:
        handle = attachments.open_file(attachment)
    except (FileNotFoundError, OSError) as exc:
        raise Http404("文件不存在。") from exc
    attachments.log_attachment_view(user=request.user, attachment=attachment, request=request)
    name = f"{attachment.kind_label}.{attachments.EXTENSIONS.get(attachment.content_type, 'bin')}"
    response = FileResponse(handle, content_type=attachment.content_type)
    response["Content-Disposition"] = f"inline; filename=\"file\"; filename*=UTF-8''{quote(name)}"
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


@staff_required(write=True)
def attachment_void(request, pk: int):
    attachment = attachments.attachment_for_user(request.user, pk)
    owner = attachments.owner_for_user(
        f"{attachment.owner_type.app_label}.{attachment.owner_type.model}", attachment.owner_id, request.user
    )
    reg = attachments.registration(owner)
    form = VoidForm(request.POST or None)
    done = run_form(
        request,
        form,
        lambda data: attachments.void_attachment(attachment=attachment, by=request.user, **data),
        success=lambda a: f"已作废“{a.kind_label}”，原件仍保留备查。",
    )
    if done is not None:
        return redirect(_back(request, owner, reg))
    context = {"form": form, "attachment": attachment, "back": _back(request, owner, reg)}
    return render(request, "core/attachments/void.html", context)
