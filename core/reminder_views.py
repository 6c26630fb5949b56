"""我的提醒: each person's reminders (links to the records, mark read) and their choice of kinds and channels."""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST, require_safe

from core import reminders, sms
from core.access import staff_required
from core.models import Reminder
from core.operations import flash_form_errors, run_form
from core.registry import reminder_kinds, reminder_sources

PAGE = 50


@require_safe
@staff_required
def reminder_list(request):
    mine = Reminder.objects.filter(user=request.user)
    if request.GET.get("show") != "all":
        mine = mine.filter(read_at__isnull=True)
    page = Paginator(mine, PAGE).get_page(request.GET.get("page"))
    labels = {kind: source.label for kind, source in reminder_sources.items()}
    rows = [(reminder, labels.get(reminder.kind, reminder.kind)) for reminder in page]
    return render(
        request,
        "core/reminders/list.html",
        {"page": page, "rows": rows, "show_all": request.GET.get("show") == "all"},
    )


@require_POST
@staff_required
def reminder_read(request, pk: int | None = None):
    """Mark one of the visitor's reminders read (``pk``; another person's is a 404), or all of them."""
    if pk is not None:
        get_object_or_404(Reminder, pk=pk, user=request.user)
    form = forms.Form(request.POST)
    done = run_form(
        request,
        form,
        lambda data: reminders.mark_read(user=request.user, pk=pk),
        success="已标为已读。" if pk else "已全部标为已读。",
    )
    if done is None:
        flash_form_errors(request, form)
    return redirect("core:reminders")


class PreferencesForm(forms.Form):
    """One row per kind: receive it, by email, by text message."""

    def __init__(self, *args, user, preferences, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for source in reminder_kinds():
            if not reminders.receives(user, source):
                continue
            pref = preferences[source.kind]
            names = []
            for attr, label in (("enabled", "接收"), ("by_email", "邮件"), ("by_sms", "短信")):
                name = f"{source.kind}:{attr}"
                self.fields[name] = forms.BooleanField(
                    label=label, required=False, initial=getattr(pref, attr)
                )
                names.append(self[name])
            self.rows.append((source, names))

    def choices(self) -> dict[str, dict[str, bool]]:
        out: dict[str, dict[str, bool]] = {}
        for name, value in self.cleaned_data.items():
            kind, attr = name.rsplit(":", 1)
            out.setdefault(kind, {})[attr] = value
        return out


@staff_required
def reminder_preferences(request):
    preferences = reminders.preferences_of(request.user)
    if request.method == "POST":
        form = PreferencesForm(request.POST, user=request.user, preferences=preferences)
        if (
            run_form(
                request,
                form,
                lambda data: reminders.save_preferences(user=request.user, choices=form.choices()),
                success="提醒设置已保存。",
            )
            is not None
        ):
            return redirect("core:reminder_preferences")
    else:
        form = PreferencesForm(user=request.user, preferences=preferences)
    profile = getattr(request.user, "staff_profile", None)
    context = {
        "form": form,
        "email_enabled": reminders.email_enabled(),
        "sms_enabled": sms.configured(),
        "email": request.user.email,
        "phone": profile.phone if profile else "",
    }
    return render(request, "core/reminders/preferences.html", context)
