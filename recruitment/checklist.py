"""One person, one file (一人一档, R-RC-23): the documents each stage must have before it advances.

The transition guards (recruitment.guards) refuse an advance while a document is missing; this list is what
the candidate page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.attachments import FileCompleteness, FileItem, file_completeness, materials_by_kind
from recruitment.exceptions import RecruitmentError
from recruitment.models import Candidate, Stage


@dataclass(frozen=True)
class Item:
    label: str
    related: str  # related name on Candidate
    rule: str
    kind: str  # the record form (recruitment.forms.RECORD_FORMS), "" when recorded elsewhere
    scan: str = ""  # the scanned material's kind (SCAN_KINDS) that holds its paper


CHECKLIST: dict[str, tuple[Item, ...]] = {
    Stage.APPLICANT: (
        Item("入党申请书", "stage_changes", "R-RC-01", "", "application"),
        Item("谈话记录", "talks", "R-RC-02", "talk", "talk"),
        Item("推荐记录", "recommendations", "R-RC-03", "recommendation", "recommendation"),
    ),
    Stage.ACTIVIST: (
        Item("培养联系人", "contacts", "R-RC-04", "contact"),
        Item("思想汇报", "thoughtreports", "R-RC-05", "thought-report", "thought-report"),
        Item("培养考察记录", "assessments", "R-RC-06", "assessment", "assessment"),
    ),
    Stage.TARGET: (
        Item("入党介绍人", "introducers", "R-RC-09", "introducer", "introducer"),
        Item("政治审查结论", "politicalreviews", "R-RC-10", "political-review", "political-review"),
        Item("集中培训", "trainings", "R-RC-11", "training", "training"),
        Item("公示", "publicnotices", "R-RC-12", "public-notice", "public-notice"),
        Item("预审及入党志愿书", "prereviews", "R-RC-13", "pre-review", "volunteer-form"),
        Item("支部大会决议", "votes", "R-RC-14", "", "resolution"),
        Item("上级党委谈话", "uppertalks", "R-RC-15", "upper-talk", "approval"),
    ),
    Stage.PROBATIONARY: (
        Item("入党宣誓", "oaths", "R-RC-18", "oath", "oath"),
        Item("思想汇报", "thoughtreports", "R-RC-05", "thought-report", "thought-report"),
        Item(
            "转正申请书",
            "conversionapplications",
            "R-RC-19",
            "conversion-application",
            "conversion-application",
        ),
    ),
}


def checklist(candidate: Candidate) -> list[dict]:
    """Per stage reached so far: each document and whether the file holds it."""
    order = [Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY]
    reached = {c.to_state for c in candidate.stage_changes.all()}
    sections = []
    for stage in order:
        if stage not in reached:
            continue
        items = [
            {"item": item, "present": getattr(candidate, item.related).exists()} for item in CHECKLIST[stage]
        ]
        sections.append({"stage": Stage(stage).label, "items": items})
    return sections


STAGE_ORDER = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)


@dataclass(frozen=True)
class ScanKind:
    """A paper material of the file that may be scanned and filed (core.attachments): from which stage on,
    and whether it is handwritten or signed (its scan is required when the rule profile says so)."""

    code: str
    label: str
    stage: str
    paper: bool


SCAN_KINDS: tuple[ScanKind, ...] = (
    ScanKind("application", "入党申请书", Stage.APPLICANT, True),
    ScanKind("talk", "谈话记录", Stage.APPLICANT, True),
    ScanKind("recommendation", "推荐材料", Stage.APPLICANT, False),
    ScanKind("thought-report", "思想汇报", Stage.ACTIVIST, True),
    ScanKind("assessment", "培养考察材料", Stage.ACTIVIST, False),
    ScanKind("introducer", "入党介绍人意见", Stage.TARGET, True),
    ScanKind("political-review", "政治审查材料（函调证明等）", Stage.TARGET, True),
    ScanKind("training", "集中培训材料", Stage.TARGET, False),
    ScanKind("public-notice", "公示材料", Stage.TARGET, False),
    ScanKind("pre-review", "预审意见", Stage.TARGET, False),
    ScanKind("volunteer-form", "入党志愿书", Stage.TARGET, True),
    ScanKind("resolution", "支部大会决议及会议记录", Stage.TARGET, True),
    ScanKind("approval", "上级党委审批意见", Stage.TARGET, True),
    ScanKind("oath", "入党宣誓材料", Stage.PROBATIONARY, False),
    ScanKind("conversion-application", "转正申请书", Stage.PROBATIONARY, True),
)
SCAN_KIND_BY_CODE = {kind.code: kind for kind in SCAN_KINDS}


def reached_stages(candidate: Candidate) -> set[str]:
    return {c.to_state for c in candidate.stage_changes.all()}


def check_scan_upload(candidate, kind: str) -> None:
    """R-RC-23: a material is filed for a stage the candidate has reached, never ahead of it."""
    scan = SCAN_KIND_BY_CODE.get(kind)
    if scan is None:
        raise RecruitmentError("请选择正确的材料类别。", field="kind")
    if scan.stage not in reached_stages(candidate):
        raise RecruitmentError(
            f"{candidate.name}尚未进入“{Stage(scan.stage).label}”阶段，不能上传“{scan.label}”（R-RC-23）。",
            rule="R-RC-23",
            field="kind",
        )


def scan_required_for(stage: str, profile) -> list[ScanKind]:
    """R-RC-23: the handwritten or signed materials of ``stage`` whose scan the file must hold before the
    candidate advances — none unless the rule profile requires scans (default off: the printed document is
    enough)."""
    if not profile.recruitment_scans_required:
        return []
    codes = {item.scan for item in CHECKLIST.get(stage, ())}
    return [kind for kind in SCAN_KINDS if kind.code in codes and kind.paper and kind.stage == stage]


def candidate_file(candidate: Candidate, profile=None) -> FileCompleteness:
    """R-RC-23: each item of the stages reached — generated by the system, scanned, or both — and the
    percentage complete (core.attachments.file_completeness)."""
    from core.profile import rule_profile

    profile = profile or rule_profile()
    scans = materials_by_kind([candidate])
    key = candidate._meta.label_lower
    reached = reached_stages(candidate)
    items = []
    for stage in STAGE_ORDER:
        if stage not in reached:
            continue
        required = {kind.code for kind in scan_required_for(stage, profile)}
        for item in CHECKLIST[stage]:
            items.append(
                FileItem(
                    label=item.label,
                    generated=getattr(candidate, item.related).exists(),
                    scanned=bool(scans.get((key, candidate.pk, item.scan))),
                    scan_kind=item.scan,
                    group=Stage(stage).label,
                    scan_required=item.scan in required,
                )
            )
    return file_completeness(items)


def member_file_items(member) -> list[FileItem]:
    """A member's file holds the recruitment file of how they joined, when they joined through this system
    (registered with core.registry.register_file_items)."""
    candidate = Candidate.objects.filter(member=member).first()
    return candidate_file(candidate).items if candidate else []
