"""The auditor's pages: for any record, who changed what and when; who viewed full ID numbers.

Read-only, for auditors (纪委) and town administrators.
"""

from urllib.parse import urlencode

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_safe

from core import audit
from core.access import Role, staff_required
from core.models import IdNumberView
from core.registry import id_number_holder, id_number_holders

auditor_required = staff_required(roles={Role.AUDITOR, Role.ADMIN})


class RecordLookupForm(forms.Form):
    model = forms.ChoiceField(label="记录类型")
    pk = forms.CharField(label="记录编号（ID）", max_length=40)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["model"].choices = [
            (audit.model_label(m), f"{m._meta.app_config.verbose_name} · {m._meta.verbose_name}")
            for m in audit.tracked_models()
        ]


@require_safe
@auditor_required
def audit_index(request):
    form = RecordLookupForm(request.GET or None)
    if form.is_valid():
        return redirect("core:audit_record", form.cleaned_data["model"], form.cleaned_data["pk"])
    models = [
        (audit.model_label(m), m._meta.app_config.verbose_name, m._meta.verbose_name)
        for m in audit.tracked_models()
    ]
    return render(request, "core/audit/index.html", {"form": form, "models": models})


@require_safe
@auditor_required
def model_changes(request, model_label: str):
    model = _tracked_model_or_404(model_label)
    entries = audit.recent_changes(model, viewer=request.user)
    return render(
        request,
        "core/audit/model_changes.html",
        {"model_name": model._meta.verbose_name, "model_label": model_label, "entries": entries},
    )


@require_safe
@auditor_required
def record_history(request, model_label: str, pk: str):
    model = _tracked_model_or_404(model_label)
    key = audit.parse_pk(model, pk)
    entries = audit.record_history(model, key, viewer=request.user) if key is not None else []
    if not entries:
        raise Http404("没有找到该记录的历史。")
    current = model._base_manager.filter(pk=key).first()
    if current is not None and id_number_holder(model) is not None:
        # The history shows the ID number in full to the roles that see full numbers (R-MB-04).
        audit.log_full_id_number_shown(request=request, person=current)
    return render(
        request,
        "core/audit/record_history.html",
        {
            "model_name": model._meta.verbose_name,
            "model_label": model_label,
            "pk": key,
            "current": current,
            "entries": entries,
        },
    )


@require_safe
@auditor_required
def id_number_views(request):
    """Every viewing of a full ID number — of members and of recruitment candidates — newest first;
    ``?user=`` and each holder's parameter (``?member=``, ``?candidate=``) narrow it to one viewer or person."""
    views = (
        IdNumberView.objects.select_related("viewed_by", "subject_type")
        .prefetch_related("subject")
        .order_by("-viewed_at", "-pk")
    )
    filters = {}
    for param, lookup in [("user", None)] + [(h.param, h.model) for h in id_number_holders.values()]:
        value = request.GET.get(param, "")
        if not (value.isascii() and value.isdigit()):
            continue
        if lookup is None:
            views = views.filter(viewed_by_id=int(value))
        else:
            views = views.filter(
                subject_type=ContentType.objects.get_for_model(lookup), subject_id=int(value)
            )
        filters[param] = value
    page = Paginator(views, 100).get_page(request.GET.get("page"))
    return render(request, "core/audit/id_number_views.html", {"page": page, "filters": urlencode(filters)})


def _tracked_model_or_404(model_label: str):
    model = audit.tracked_model(model_label)
    if model is None:
        raise Http404("该类型的记录没有变更历史。")
    return model
