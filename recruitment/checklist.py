"""One person, one file (一人一档, R-RC-23): the documents each stage must have before it advances.

The transition guards (recruitment.guards) refuse an advance while a document is missing; this list is what
the candidate page shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from recruitment.models import Candidate, Stage


@dataclass(frozen=True)
class Item:
    label: str
    related: str  # related name on Candidate
    rule: str
    kind: str  # the record form (recruitment.forms.RECORD_FORMS), "" when recorded elsewhere


CHECKLIST: dict[str, tuple[Item, ...]] = {
    Stage.APPLICANT: (
        Item("入党申请书", "stage_changes", "R-RC-01", ""),
        Item("谈话记录", "talks", "R-RC-02", "talk"),
        Item("推荐记录", "recommendations", "R-RC-03", "recommendation"),
    ),
    Stage.ACTIVIST: (
        Item("培养联系人", "contacts", "R-RC-04", "contact"),
        Item("思想汇报", "thoughtreports", "R-RC-05", "thought-report"),
        Item("培养考察记录", "assessments", "R-RC-06", "assessment"),
    ),
    Stage.TARGET: (
        Item("入党介绍人", "introducers", "R-RC-09", "introducer"),
        Item("政治审查结论", "politicalreviews", "R-RC-10", "political-review"),
        Item("集中培训", "trainings", "R-RC-11", "training"),
        Item("公示", "publicnotices", "R-RC-12", "public-notice"),
        Item("预审及入党志愿书", "prereviews", "R-RC-13", "pre-review"),
        Item("支部大会决议", "votes", "R-RC-14", ""),
        Item("上级党委谈话", "uppertalks", "R-RC-15", "upper-talk"),
    ),
    Stage.PROBATIONARY: (
        Item("入党宣誓", "oaths", "R-RC-18", "oath"),
        Item("思想汇报", "thoughtreports", "R-RC-05", "thought-report"),
        Item("转正申请书", "conversionapplications", "R-RC-19", "conversion-application"),
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
