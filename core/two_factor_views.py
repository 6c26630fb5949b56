"""The two-factor pages: verify a code, set up an authenticator (QR code made here, no outside service),
see recovery codes once; and the password change that a first sign-in requires (core/two_factor.py)."""

from __future__ import annotations

import base64

import segno
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from core import sign_ins, two_factor

RECOVERY_SESSION_KEY = "two_factor_new_recovery_codes"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=16,
        help_text="验证器应用显示的6位数字；手机不在身边时，可输入一个恢复码（每个只能用一次）。",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:dashboard")


@login_required
def two_factor_verify(request):
    if two_factor.is_verified(request):
        return redirect(_next(request))
    if not two_factor.has_authenticator(request.user) and not two_factor.user_has_device(request.user):
        return redirect(f"{reverse('core:two_factor_enrol')}?next={_next(request)}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = two_factor.match_code(request.user, form.cleaned_data["code"])
        if device is not None:
            two_factor.verify(request, device)
            sign_ins.record("otp_success", request=request, user=request.user)
            return redirect(_next(request))
        sign_ins.record("otp_failure", request=request, user=request.user)
        form.add_error("code", "验证码不正确、已使用或已过期；连续输错后需稍等片刻再试。")
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


@login_required
def two_factor_enrol(request):
    if two_factor.has_authenticator(request.user):
        return redirect(f"{reverse('core:two_factor_verify')}?next={_next(request)}")
    device = two_factor.pending_authenticator(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = two_factor.confirm_authenticator(device, "".join(form.cleaned_data["code"].split()))
        if codes is not None:
            two_factor.verify(request, device)
            sign_ins.record("otp_enrolled", request=request, user=request.user)
            request.session[RECOVERY_SESSION_KEY] = codes
            return redirect(f"{reverse('core:two_factor_recovery')}?next={_next(request)}")
        sign_ins.record("otp_failure", request=request, user=request.user)
        form.add_error("code", "验证码不正确，请确认手机时间准确后，输入验证器当前显示的6位数字。")
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "next": _next(request),
        "qr": segno.make(device.config_url, error="m").svg_data_uri(scale=4),
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@login_required
def two_factor_recovery(request):
    """The new recovery codes, shown once; a verified user may replace them."""
    if not two_factor.is_verified(request):
        return redirect(f"{reverse('core:two_factor_verify')}?next={request.get_full_path()}")
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if request.method == "POST":
        codes = two_factor.new_recovery_codes(request.user)
        messages.success(request, "已生成新的恢复码，原有恢复码作废。")
    return render(request, "registration/two_factor_recovery.html", {"codes": codes, "next": _next(request)})


class PasswordChange(PasswordChangeView):
    """Django's password change, which also lifts a first-sign-in requirement (core.PasswordChangeRequired)."""

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "first": bool(self.request.session.get("must_change_password")),
        }

    def form_valid(self, form):
        response = super().form_valid(form)
        two_factor.password_changed(self.request, self.request.user)
        sign_ins.record("password_changed", request=self.request, user=self.request.user)
        return response
