"""Import/export of organisations and members with Chinese column headers (django-import-export).

Used by the admin and by members.importing (the staff pages). Rules kept here:
* members are keyed on the ID number (R-MB-04): re-importing an unchanged file changes nothing;
* a new member gets its first dated status event (R-MB-02); an import never changes the status or the
  organisation of an existing member — those go through members.status / members.transfers (R-MB-05);
* every row is validated like a form (Member.clean: checksum, birth date, placement — R-MB-01, R-MB-04);
* members are imported by members.member_import (set-based, all or nothing), also from the admin
  (MemberResource.import_data); organisations row by row by django-import-export;
* duplicate ID numbers (organisation codes) inside one file are refused;
* exported text that a spreadsheet would run as a formula (= + - @ tab) is escaped with a leading ';
* ID numbers and phones are masked for roles that do not see them in full (core.access.sees_full_id_numbers).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from core import jobs
from core.exports import FORMULA_STARTS, escape_formula
from core.idnumbers import mask_id_number, mask_phone, normalize_id_number
from core.models import Organization
from core.phones import phone_problem
from core.spreadsheets import ChineseDateWidget
from core.text import normalize_code
from members.models import Member


class TextWidget(widgets.Widget):
    """Text cells: numbers typed into Excel come back as text, an escaping apostrophe is removed."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        text = str(value).strip()
        if text.startswith("'") and text[1:2] in FORMULA_STARTS:
            text = text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class PhoneWidget(TextWidget):
    """A phone column: a mobile or a landline with its area code (core.phones); a 7-digit number is refused."""

    def clean(self, value, row=None, **kwargs):
        text = normalize_code(super().clean(value, row, **kwargs))
        problem = phone_problem(text)
        if problem:
            raise ValueError(problem)
        return text


class IdNumberWidget(TextWidget):
    def clean(self, value, row=None, **kwargs):
        return normalize_id_number(super().clean(value, row, **kwargs))


class ChoiceLabelWidget(widgets.Widget):
    """Choices by their Chinese label (男 / 正式党员 …); the stored value is accepted too."""

    def __init__(self, choices, *, required: bool = True):
        self.by_label = {str(label): value for value, label in choices}
        self.labels = {value: str(label) for value, label in choices}
        self.required = required
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError("不能为空")
            return ""
        if text in self.by_label:
            return self.by_label[text]
        if text in self.labels:
            return text
        raise ValueError(f"“{text}”不是有效的选项，应为：{'、'.join(self.by_label)}")

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if text in ("是", "1", "True", "TRUE", "true"):
            return True
        if text in ("", "否", "0", "False", "FALSE", "false"):
            return False
        raise ValueError(f"“{text}”应填“是”或“否”")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class MoneyWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if value in (None, ""):
            return Decimal("2.00")
        try:
            amount = Decimal(str(value).strip()).quantize(Decimal("0.01"))
        except InvalidOperation as exc:
            raise ValueError(f"“{value}”不是有效的金额") from exc
        if amount < 0:
            raise ValueError("金额不能为负数")
        return amount

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{value:.2f}"


class OrganizationWidget(widgets.ForeignKeyWidget):
    """An organisation by its name (or code), with a Chinese reason when it does not exist."""

    def __init__(self, *, kinds: tuple[str, ...], required: bool = True):
        self.kinds = kinds
        self.required = required
        super().__init__(Organization, "name")

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError("不能为空")
            return None
        found = list(Organization.objects.filter(kind__in=self.kinds, name=text)[:2]) or list(
            Organization.objects.filter(kind__in=self.kinds, code=text)[:2]
        )
        return self._one(text, found)

    def pick(self, value, lookup: dict):
        """Like clean, from organisations fetched beforehand for a whole file ({"name": {...}, "code": {...}},
        lists in the default ordering): the set-based import (members.member_import) asks no query per row."""
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError("不能为空")
            return None

        def matching(by):
            return [o for o in lookup.get(by, {}).get(text, ()) if o.kind in self.kinds][:2]

        return self._one(text, matching("name") or matching("code"))

    def _one(self, text, found):
        if not found:
            raise ValueError(f"找不到党组织“{text}”，请先导入或建立该组织")
        if len(found) > 1:
            raise ValueError(f"有多个名为“{text}”的党组织，请改填组织代码")
        return found[0]

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class ChineseResourceMixin:
    """Shared behaviour: Chinese header checks, duplicate detection, formula escaping, Chinese errors."""

    key_column: str = ""
    required_columns: tuple[str, ...] = ()

    def __init__(self, **kwargs):
        self.user = kwargs.pop("user", None)
        super().__init__(**kwargs)
        self._seen_keys: dict[str, int] = {}

    def before_import(self, dataset, **kwargs):
        """Wrong headers or an empty file stop the whole import with a Chinese reason."""
        headers = [str(h or "").strip() for h in (dataset.headers or [])]
        if not headers or len(dataset) == 0:
            raise ValueError("文件中没有数据行，请使用导出的模板填写后再导入。")
        known = {field.column_name for field in self.get_import_fields()}
        unknown = [h for h in headers if h not in known]
        missing = [c for c in self.required_columns if c not in headers]
        problems = []
        if missing:
            problems.append(f"缺少列：{'、'.join(missing)}")
        if unknown:
            problems.append(f"无法识别的列：{'、'.join(unknown)}")
        if len(set(headers)) != len(headers):
            problems.append("有重复的列名")
        if problems:
            raise ValueError("表头不正确（" + "；".join(problems) + "），请使用导出的模板。")
        dataset.headers = headers
        self._seen_keys = {}
        self._rows = len(dataset)
        jobs.progress(0, self._rows, "逐行检查")

    def after_import_row(self, row, row_result, **kwargs):
        """How far a background import got (core.jobs.progress; nothing in a request)."""
        super().after_import_row(row, row_result, **kwargs)
        jobs.progress(kwargs.get("row_number", 0), getattr(self, "_rows", None), "逐行检查")

    def before_import_row(self, row, **kwargs):
        key = normalize_id_number(str(row.get(self.key_column) or ""))
        number = kwargs.get("row_number", 0) + 1
        if key:
            if key in self._seen_keys:
                raise ValidationError(
                    f"{self.key_column}“{key}”与第{self._seen_keys[key]}行重复，同一文件中只能出现一次"
                )
            self._seen_keys[key] = number

    def export_field(self, field, instance, **kwargs):
        return escape_formula(super().export_field(field, instance, **kwargs))

    template_example: dict[str, str] = {}  # one filled-in row of the template, by column header

    def template_notes(self) -> list[tuple[str, str, str]]:
        """The template's note sheet: each column, whether it must be filled and how (from its widget)."""
        notes = []
        for f in self.get_import_fields():
            widget = f.widget
            if isinstance(widget, ChineseDateWidget):
                how = "日期，写成2026年3月12日、2026-03-12或2026/3/12，也可用Excel日期格式"
            elif isinstance(widget, ChoiceLabelWidget):
                how = "填写其中之一：" + "、".join(widget.by_label)
            elif isinstance(widget, YesNoWidget):
                how = "填写“是”或“否”，空白视为“否”"
            elif isinstance(widget, OrganizationWidget):
                how = "党组织全称（与系统中一致），同名时填组织代码"
            elif isinstance(widget, PhoneWidget):
                how = "以1开头的11位手机号码，或带区号的固定电话（如0512-65123456）"
            elif isinstance(widget, IdNumberWidget):
                how = "18位公民身份号码，末位X大写；按号码识别同一人，重复导入不会重复建档"
            elif isinstance(widget, MoneyWidget):
                how = "金额（元），如2.00；空白按2.00元"
            elif isinstance(widget, widgets.IntegerWidget):
                how = "整数"
            else:
                how = "文字"
            required = "必填" if f.column_name in self.required_columns else "选填"
            notes.append((f.column_name, required, how))
        return notes


class OrganizationResource(ChineseResourceMixin, resources.ModelResource):
    key_column = "组织代码"
    required_columns = ("组织代码", "组织名称", "组织类型")
    template_example = {
        "组织代码": "D0101",
        "组织名称": "东村党支部",
        "简称": "东村",
        "组织类型": "党支部",
        "组织类别": "村（社区）",
        "上级组织": "中共某某镇委员会",
        "所在村（社区）": "东村",
        "是中心党支部": "否",
        "有审批预备党员权限": "否",
        "书记": "王建国",
        "联系电话": "0512-65123456",
        "在用": "是",
        "排序": "10",
    }

    code = fields.Field("code", "组织代码", widget=TextWidget())
    name = fields.Field("name", "组织名称", widget=TextWidget())
    short_name = fields.Field("short_name", "简称", widget=TextWidget())
    kind = fields.Field("kind", "组织类型", widget=ChoiceLabelWidget(Organization.Kind.choices))
    category = fields.Field("category", "组织类别", widget=ChoiceLabelWidget(Organization.Category.choices))
    parent = fields.Field(
        "parent",
        "上级组织",
        widget=OrganizationWidget(
            kinds=(
                Organization.Kind.TOWN_COMMITTEE,
                Organization.Kind.GENERAL_BRANCH,
                Organization.Kind.BRANCH,
            ),
            required=False,
        ),
    )
    village = fields.Field("village", "所在村（社区）", widget=TextWidget())
    is_center = fields.Field("is_center", "是中心党支部", widget=YesNoWidget())
    has_approval_authority = fields.Field(
        "has_approval_authority", "有审批预备党员权限", widget=YesNoWidget()
    )
    secretary_name = fields.Field("secretary_name", "书记", widget=TextWidget())
    phone = fields.Field("phone", "联系电话", widget=PhoneWidget())
    is_active = fields.Field("is_active", "在用", widget=YesNoWidget())
    sort_order = fields.Field("sort_order", "排序", widget=widgets.IntegerWidget())

    class Meta:
        model = Organization
        import_id_fields = ("code",)
        fields = (
            "code",
            "name",
            "short_name",
            "kind",
            "category",
            "parent",
            "village",
            "is_center",
            "has_approval_authority",
            "secretary_name",
            "phone",
            "is_active",
            "sort_order",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def get_queryset(self):
        return Organization.objects.select_related("parent").order_by("pk")


class MemberResource(ChineseResourceMixin, resources.ModelResource):
    """Members keyed on the ID number. ``MemberResource(mask=True)`` exports masked ID numbers and phones."""

    key_column = "公民身份号码"
    required_columns = ("姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "党员状态")
    template_example = {
        "姓名": "王建国",
        "性别": "男",
        "民族": "汉族",
        "出生日期": "1985年3月12日",
        "公民身份号码": "320102198503120012",
        "学历": "高中/中专",
        "联系电话": "13812345678",
        "家庭住址": "东村3组12号",
        "户籍所在村（社区）": "东村",
        "工作单位及职务": "东村村民委员会 委员",
        "所在党组织": "东村党支部",
        "所在党小组": "",
        "党员状态": "正式党员",
        "入党日期": "2010年7月1日",
        "转正日期": "2011年7月1日",
        "每月应交党费（元）": "2.00",
        "后备干部": "否",
        "备注": "",
    }

    name = fields.Field("name", "姓名", widget=TextWidget())
    gender = fields.Field("gender", "性别", widget=ChoiceLabelWidget(Member.Gender.choices))
    ethnicity = fields.Field("ethnicity", "民族", widget=TextWidget())
    birth_date = fields.Field("birth_date", "出生日期", widget=ChineseDateWidget(required=True))
    id_number = fields.Field("id_number", "公民身份号码", widget=IdNumberWidget())
    education = fields.Field(
        "education", "学历", widget=ChoiceLabelWidget(Member.Education.choices, required=False)
    )
    phone = fields.Field("phone", "联系电话", widget=PhoneWidget())
    address = fields.Field("address", "家庭住址", widget=TextWidget())
    village = fields.Field("village", "户籍所在村（社区）", widget=TextWidget())
    work_unit = fields.Field("work_unit", "工作单位及职务", widget=TextWidget())
    organization = fields.Field(
        "organization",
        "所在党组织",
        widget=OrganizationWidget(kinds=(Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH)),
    )
    party_group = fields.Field(
        "party_group",
        "所在党小组",
        widget=OrganizationWidget(kinds=(Organization.Kind.PARTY_GROUP,), required=False),
    )
    status = fields.Field("status", "党员状态", widget=ChoiceLabelWidget(Member.Status.choices))
    joined_on = fields.Field("joined_on", "入党日期", widget=ChineseDateWidget())
    full_member_on = fields.Field("full_member_on", "转正日期", widget=ChineseDateWidget())
    monthly_dues = fields.Field("monthly_dues", "每月应交党费（元）", widget=MoneyWidget())
    is_reserve_cadre = fields.Field("is_reserve_cadre", "后备干部", widget=YesNoWidget())
    notes = fields.Field("notes", "备注", widget=TextWidget())

    class Meta:
        model = Member
        import_id_fields = ("id_number",)
        fields = (
            "name",
            "gender",
            "ethnicity",
            "birth_date",
            "id_number",
            "education",
            "phone",
            "address",
            "village",
            "work_unit",
            "organization",
            "party_group",
            "status",
            "joined_on",
            "full_member_on",
            "monthly_dues",
            "is_reserve_cadre",
            "notes",
        )
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
        use_transactions = True

    def __init__(self, **kwargs):
        self.mask = kwargs.pop("mask", False)
        super().__init__(**kwargs)

    def get_queryset(self):
        return Member.objects.select_related("organization", "party_group").order_by("organization_id", "pk")

    def export_field(self, field, instance, **kwargs):
        if self.mask and field.attribute == "id_number":
            return mask_id_number(instance.id_number)
        if self.mask and field.attribute == "phone":
            return mask_phone(instance.phone)
        return super().export_field(field, instance, **kwargs)

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """Every import of members through django-import-export — the admin's — is the set-based import the
        staff-side function members.importing.import_members runs (members.member_import): the same checks and
        Chinese row errors, all or nothing, in bulk. Returns import-export's Result for the admin's pages."""
        from members.member_import import import_export_result, import_member_dataset

        outcome = import_member_dataset(dataset, user=kwargs.get("user") or self.user, dry_run=dry_run)
        return import_export_result(outcome, dataset)

    @staticmethod
    def check_unchanged_placement(stored: dict, instance) -> None:
        """R-MB-02 / R-MB-05: the stored status and organisation of an existing member stay as they are."""
        problems = {}
        if stored["status"] != instance.status:
            problems["status"] = "已在册党员的状态不能通过导入修改，请办理党员状态变动（R-MB-02）"
        if stored["organization_id"] != instance.organization_id:
            problems["organization"] = "已在册党员的所在党组织不能通过导入修改，请办理组织关系转接（R-MB-05）"
        if problems:
            raise ValidationError(problems)
