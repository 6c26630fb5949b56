"""The printed quarterly analysis (R-MB-10) as PDF, through ``core.pdf`` like every other center document:
the shared print stylesheet (A4, CJK serif body), the header with the center's name and the quarter, the
footer 「第 1 页 共 N 页」, no database and no network while WeasyPrint runs. The SVG bar charts are drawn
on the server (``reports.charts``) and inlined in the fragment.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from core.pdf import Document, render_document
from members.analysis import QuarterlyAnalysis
from members.models import Meeting, Member

NAMED_SHORT_BRANCHES = (
    8  # more branches short of meetings than this: the text gives their number, the table names them
)


@dataclass(frozen=True)
class BranchLine:
    """One row of 附表3: a branch's members, meetings and dues side by side."""

    name: str
    members: int | str
    held: int
    required: int
    kinds_short: int
    attendance: str
    expected: Decimal | str
    collected: Decimal | str
    arrears: Decimal | str
    in_arrears: int | str


def _percent(part: int, whole: int) -> str:
    return f"{part * 100 / whole:.1f}%" if whole else "—"


def _composition(analysis: QuarterlyAnalysis) -> list[tuple[str, int, list[tuple[str, int, str]]]]:
    """附表2: each breakdown of the members on the roll as (heading, rows, [(item, count, share)])."""
    c = analysis.composition
    sections = [
        ("党员类别", c.by_status),
        ("性别", c.by_gender),
        ("年龄", c.by_age),
        ("学历", c.by_education),
        ("民族", c.by_ethnicity),
        ("党龄", c.by_party_age),
    ]
    return [
        (heading, len(pairs), [(label, n, _percent(n, c.total)) for label, n in pairs])
        for heading, pairs in sections
        if pairs
    ]


def _status_phrase(analysis: QuarterlyAnalysis) -> str:
    """正式党员576名，预备党员27名 — full members first, as a report counts them."""
    counts = dict(analysis.composition.by_status)
    order = [Member.Status.FULL.label, Member.Status.PROBATIONARY.label]
    return "，".join(f"{label}{counts[label]}名" for label in order if label in counts)


def _branch_lines(analysis: QuarterlyAnalysis) -> list[BranchLine]:
    """附表3: per branch, members on the roll (composition), meetings held / due and attendance (meetings)
    and dues (dues), joined by the branch's name; a total line last."""
    members = dict(analysis.composition.by_branch)
    dues = {d.branch: d for d in analysis.dues}
    lines = []
    for b in analysis.meetings:
        d = dues.get(b.branch)
        lines.append(
            BranchLine(
                b.branch,
                members.get(b.branch, 0),
                b.held_total,
                b.required_total,
                b.kinds_short,
                _percent(b.present, b.on_roll),
                d.expected if d else "—",
                d.collected if d else "—",
                d.arrears if d else "—",
                d.members_in_arrears if d else "—",
            )
        )
    present = sum(b.present for b in analysis.meetings)
    on_roll = sum(b.on_roll for b in analysis.meetings)
    lines.append(
        BranchLine(
            "合计",
            analysis.composition.total,
            analysis.meetings_held,
            analysis.meetings_required,
            sum(b.kinds_short for b in analysis.meetings),
            _percent(present, on_roll),
            analysis.dues_expected,
            analysis.dues_collected,
            analysis.dues_arrears,
            analysis.members_in_arrears,
        )
    )
    return lines


def _meeting_kinds(analysis: QuarterlyAnalysis) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """附表4: held / due of each kind of meeting per branch, and the total line."""
    kinds = list(analysis.meetings[0].required) if analysis.meetings else []
    rows = [(b.branch, [f"{b.held.get(k, 0)}/{b.required[k]}" for k in kinds]) for b in analysis.meetings]
    total = [
        f"{sum(b.held.get(k, 0) for b in analysis.meetings)}/{sum(b.required[k] for b in analysis.meetings)}"
        for k in kinds
    ]
    return [Meeting.Kind(k).label for k in kinds], [*rows, ("合计", total)]


def _short_sentence(analysis: QuarterlyAnalysis) -> str:
    short = analysis.branches_short
    if not short:
        return "各党组织均按规定召开会议。"
    if len(short) > NAMED_SHORT_BRANCHES:
        return f"未按规定召开会议的党组织{len(short)}个（见附表4）。"
    return f"未按规定召开会议的党组织：{'、'.join(short)}。"


def analysis_document(analysis: QuarterlyAnalysis) -> Document:
    """R-MB-10: the analysis as a ``core.pdf.Document``, laid out as the committee files it: the text, then the
    tables (附表1–4: changes and floating members, composition, each branch's meetings and dues, meetings by
    kind) filling the pages; the page header shows the quarter (no number)."""
    quarter = f"{analysis.year}年第{analysis.quarter}季度"
    title = f"{quarter}党员教育管理情况分析"
    kinds, kind_rows = _meeting_kinds(analysis)
    flows, floating = analysis.flows.as_pairs(), analysis.floating.as_pairs()
    changes = [
        (*(flows[i] if i < len(flows) else ("", "")), *(floating[i] if i < len(floating) else ("", "")))
        for i in range(max(len(flows), len(floating)))
    ]
    return Document(
        title=title,
        template_name="documents/reports/quarterly_analysis.html",
        context={
            "a": analysis,
            "status_phrase": _status_phrase(analysis),
            "short_sentence": _short_sentence(analysis),
            "composition": _composition(analysis),
            "changes": changes,
            "branches": _branch_lines(analysis),
            "kinds": kinds,
            "kind_rows": kind_rows,
        },
        dated=analysis.generated_on,
        header=f"{quarter}（{analysis.scope_name}）",
        filename=f"{title}-{analysis.scope_name}",
    )


def analysis_pdf(analysis: QuarterlyAnalysis) -> bytes:
    """The printed analysis; call outside any transaction (core.pdf refuses otherwise)."""
    return render_document(analysis_document(analysis))
