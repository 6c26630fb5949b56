"""The candidate's history, for the candidate page and the member page (core.registry timeline)."""

from __future__ import annotations

from django.urls import reverse

from core.people import person_name
from core.registry import TimelineEvent
from recruitment.models import Candidate

_RECORDS = (
    ("talks", "talked_on", "入党谈话", lambda r: f"谈话人：{r.talker}"),
    (
        "recommendations",
        "recommended_on",
        "推荐",
        lambda r: f"{r.get_kind_display()}，{r.get_purpose_display()}",
    ),
    ("contacts", "assigned_on", "确定培养联系人", lambda r: r.member.name),
    ("thoughtreports", "submitted_on", "思想汇报", lambda r: r.summary),
    ("assessments", "assessed_on", "培养考察", lambda r: r.conclusion[:60]),
    ("introducers", "assigned_on", "确定入党介绍人", lambda r: r.member.name),
    ("politicalreviews", "concluded_on", "政治审查结论", lambda r: "合格" if r.passed else "不合格"),
    ("trainings", "finished_on", "集中培训结业", lambda r: f"{r.course}，{r.hours}学时"),
    ("publicnotices", "starts_on", "公示", lambda r: f"至{r.ends_on:%Y-%m-%d}"),
    (
        "prereviews",
        "reviewed_on",
        "上级党委预审",
        lambda r: r.form_number or ("合格" if r.passed else "不合格"),
    ),
    ("uppertalks", "talked_on", "上级党委谈话", lambda r: f"谈话人：{r.talker}"),
    ("oaths", "taken_on", "入党宣誓", lambda r: r.place),
    ("conversionapplications", "submitted_on", "递交转正申请", lambda r: ""),
    ("postponements", "decided_on", "推迟讨论转正", lambda r: f"{r.months}个月：{r.reason}"),
    ("candidatetransfers", "transferred_on", "转接", lambda r: f"{r.from_organization}→{r.to_organization}"),
)


def candidate_events(candidate: Candidate) -> list[TimelineEvent]:
    url = reverse("recruitment:candidate", args=[candidate.pk])
    events = [
        TimelineEvent(
            when=c.decided_on,
            title=c.get_to_state_display() if c.action != "extend" else "延长预备期",
            detail=f"{c.decided_by}{'：' + c.note if c.note else ''}（录入：{person_name(c.by)}）",
            url=url,
            source="发展党员",
        )
        for c in candidate.stage_changes.all()
    ]
    for related, field, title, detail in _RECORDS:
        for record in getattr(candidate, related).all():
            events.append(
                TimelineEvent(
                    when=getattr(record, field),
                    title=title,
                    detail=detail(record),
                    url=url,
                    source="发展党员",
                )
            )
    for vote in candidate.votes.all():
        verdict = "通过" if vote.passed else "未通过"
        events.append(
            TimelineEvent(
                when=vote.meeting.held_on,
                title=f"支部大会表决：{vote.get_proposal_display()}（{verdict}）",
                detail=f"应到{vote.voters_expected}人，实到{vote.voters_present}人，赞成{vote.yes + vote.written_yes}票",
                url=url,
                source="发展党员",
                level="info" if vote.passed else "warning",
            )
        )
        approval = getattr(vote, "approval", None)
        if approval:
            events.append(
                TimelineEvent(
                    when=approval.decided_on,
                    title=f"{approval.organization}{'批准' if approval.approved else '不批准'}{vote.get_proposal_display()}",
                    detail="超过3个月审批：" + approval.late_reason if approval.is_late else "",
                    url=url,
                    source="发展党员",
                    level="warning" if approval.is_late else "info",
                )
            )
    return sorted(events, key=lambda e: e.when)


def member_timeline(member, user) -> list[TimelineEvent]:
    """Registered with core.registry: the recruitment history of a member who came through the pipeline."""
    candidate = Candidate.objects.filter(member=member).first()
    return candidate_events(candidate) if candidate else []
