"""Chinese for what Django and the third-party apps name in English: app names, historical models, permissions.

The translations of the third-party apps' own texts (django-axes, django-otp, import-export, simple-history,
gaps in Django's admin) are in the project's catalogue, ``locale/zh_Hans/LC_MESSAGES/django.po`` (compiled to
``django.mo`` beside it, committed; ``make messages`` compiles it again). What no catalogue can reach is here:

* the apps whose ``verbose_name`` is a plain English string (「Axes」, 「Otp」) get a Chinese one at start-up;
* a simple-history model is named 「党员（历史记录）」, not 「historical 党员」 (its name is built from an
  untranslated English prefix);
* a permission's name is stored in the database as 「Can add access attempt」 when ``migrate`` creates it:
  after every ``migrate`` (``post_migrate``) the names are rewritten as 「可以添加 登录尝试」.

``tests/smoke/test_admin_in_chinese.py`` renders every admin page as the administrator and fails on an English
word.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.db.models import Model
from django.utils import timezone, translation

# Apps whose verbose_name is English and not translatable (their AppConfig sets a plain string).
APP_NAMES = {
    "axes": "登录保护（失败锁定）",
    "otp_totp": "两步验证：验证器",
    "otp_static": "两步验证：恢复码",
    "procrastinate": "后台任务队列",
    "import_export": "导入导出",
    "simple_history": "修改历史",
}

# Third-party models whose names are plain English strings (no catalogue can translate them).
MODEL_NAMES = {
    "otp_totp.totpdevice": "验证器（两步验证）",
    "otp_static.staticdevice": "恢复码组（两步验证）",
    "otp_static.statictoken": "恢复码",
    "procrastinate.procrastinatejob": "后台任务",
    "procrastinate.procrastinateevent": "后台任务事件",
    "procrastinate.procrastinateworker": "后台任务进程",
    "procrastinate.procrastinateperiodicdefer": "定时任务触发记录",
}

ACTIONS = {"add": "可以添加", "change": "可以修改", "delete": "可以删除", "view": "可以查看"}
_LATIN = re.compile(r"[A-Za-z]")


def name_apps_in_chinese() -> None:
    """Called from ``CoreConfig.ready``: the installed third-party apps' names in Chinese, and django-axes'
    records described in Chinese with the time in Beijing (its own ``__str__`` reads 「Access Log for admin @
    2026-12-01 02:00:00+00:00」 on the admin's pages)."""
    for label, name in APP_NAMES.items():
        if label in apps.app_configs:
            apps.get_app_config(label).verbose_name = name
    if "axes" in apps.app_configs:
        from axes.models import AccessAttempt, AccessFailureLog, AccessLog

        AccessAttempt.__str__ = lambda self: (
            f"{self.username or '未知用户'} 的登录尝试（{_local(self.attempt_time)}）"
        )
        AccessFailureLog.__str__ = lambda self: (
            f"{self.username or '未知用户'} 登录失败（{_local(self.attempt_time)}，{self.ip_address or '未知地址'}）"
        )
        AccessLog.__str__ = lambda self: (
            f"{self.username or '未知用户'} 的登录记录（{_local(self.attempt_time)}）"
        )


def _local(moment) -> str:
    return f"{timezone.localtime(moment):%Y年%-m月%-d日 %H:%M}" if moment else "—"


def model_name(model: type[Model]) -> str:
    """The model's name as users read it, in Chinese (the project's catalogue translates third-party ones)."""
    if model._meta.label_lower in MODEL_NAMES:
        return MODEL_NAMES[model._meta.label_lower]
    with translation.override("zh-hans"):
        history_of = getattr(model, "instance_type", None)
        if history_of is not None and model.__name__.startswith("Historical"):
            owner = history_of._meta.auto_created  # the history of a many-to-many field's rows
            if owner:
                field = next(f for f in owner._meta.many_to_many if f.remote_field.through is history_of)
                return f"{owner._meta.verbose_name}的{field.verbose_name}（历史记录）"
            return f"{history_of._meta.verbose_name}（历史记录）"
        return str(model._meta.verbose_name)


def permission_label(permission) -> str:
    """A permission in a list to choose from: 「发展党员 · 可以查看 支部大会（历史记录）」."""
    app = (
        apps.get_app_config(permission.content_type.app_label)
        if permission.content_type.app_label in apps.app_configs
        else None
    )
    return f"{app.verbose_name if app else permission.content_type.app_label} · {permission.name}"


def permission_name(codename: str, model: type[Model] | None, current: str) -> str:
    """「可以添加 党员」 for Django's four default permissions; another permission keeps its own name unless it
    is English (then its codename's action and the model name)."""
    action, _, _rest = codename.partition("_")
    if model is not None and action in ACTIONS:
        return f"{ACTIONS[action]} {model_name(model)}"[:255]
    return current


def rename_permissions(sender=None, **kwargs) -> int:
    """``post_migrate`` receiver (and callable by hand): every permission's name in Chinese; returns how many
    names changed. Runs after ``django.contrib.auth`` created the permissions for ``sender``'s models."""
    from django.contrib.auth.models import Permission

    changed = []
    for permission in Permission.objects.select_related("content_type"):
        model = permission.content_type.model_class()
        name = permission_name(permission.codename, model, permission.name)
        if name != permission.name:
            permission.name = name
            changed.append(permission)
    Permission.objects.bulk_update(changed, ["name"], batch_size=500)
    return len(changed)


def rename_after_migrate(sender, **kwargs) -> None:
    """Once per ``migrate``, after the last app's permissions were created (as core.permissions does)."""
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is with_models[-1]:
        rename_permissions()
