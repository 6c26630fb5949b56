"""The project's translation catalogue (locale/zh_Hans): compiled, current, and in use (issue 18, point 2)."""

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from core.localization import model_name, permission_name

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="msgfmt (the gettext package) is not installed")
def test_the_committed_mo_is_the_po_compiled(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(
        ["msgfmt", "--check-format", "-o", str(compiled), str(CATALOGUE / "django.po")],
        check=True,
        timeout=60,
    )
    assert compiled.read_bytes() == (CATALOGUE / "django.mo").read_bytes(), "run `make messages` and commit"


def test_third_party_texts_read_in_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("Select all") == "全选"
        assert translation.gettext("Locked Out") == "已锁定"
        assert translation.gettext("access attempts") == "登录尝试"
        assert translation.gettext("Changes") == "修改内容"


def test_a_permission_is_named_by_its_action_and_its_models_chinese_name():
    from axes.models import AccessAttempt
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from members.models import Member

    assert permission_name("add_member", Member, "Can add member") == "可以添加 党员"
    assert (
        permission_name("view_accessattempt", AccessAttempt, "Can view access attempt") == "可以查看 登录尝试"
    )
    assert model_name(Member.history.model) == "党员（历史记录）"
    assert model_name(TOTPDevice) == "验证器（两步验证）"
    assert permission_name("special_power", Member, "可以做某事") == "可以做某事"
