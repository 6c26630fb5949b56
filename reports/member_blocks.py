"""The member-side statistics blocks (issue 8), built from the figures in ``members.analysis``."""

from __future__ import annotations

from members import analysis
from members.models import Meeting
from reports.blocks import Block, ChartFocus, Scope, Table, period_counting_day, register_block
from reports.periods import Period


def composition_tables(c: analysis.Composition) -> list[Table]:
    count = ("项目", "人数")
    return [
        Table("党员总数及类别", count, [("党员总数", c.total), *c.by_status]),
        Table("性别", count, c.by_gender),
        Table("年龄", ("年龄段", "人数"), c.by_age),
        Table("学历", ("学历", "人数"), c.by_education),
        Table("民族", ("民族", "人数"), c.by_ethnicity),
        Table("党龄（自转正之日起计算）", ("党龄", "人数"), c.by_party_age),
        Table("各党组织党员数", ("党组织", "人数"), c.by_branch),
    ]


def members_block(scope: Scope, period: Period) -> Block:
    on = period_counting_day(period)
    c = analysis.composition(org_ids=scope.organization_ids, on=on)
    return Block(
        tables=composition_tables(c),
        note=f"在册党员为当前预备党员和正式党员；年龄、党龄计算至{on:%Y年%-m月%-d日}。",
    )


def flows_table(f: analysis.Flows) -> Table:
    return Table("党员增减变动", ("变动", "人数"), f.as_pairs())


def floating_table(f: analysis.Floating) -> Table:
    return Table("流动党员", ("项目", "人数"), f.as_pairs())


def flows_block(scope: Scope, period: Period) -> Block:
    f = analysis.flows(org_ids=scope.organization_ids, start=period.start, end=period.end)
    return Block(
        tables=[flows_table(f)],
        note="转接以接收日期计；镇内转接在全镇范围内同时计入转入和转出。",
    )


def floating_block(scope: Scope, period: Period) -> Block:
    f = analysis.floating(org_ids=scope.organization_ids, on=period_counting_day(period))
    return Block(tables=[floating_table(f)])


def meeting_tables(rows: list[analysis.BranchMeetings]) -> list[Table]:
    kinds = list(analysis.MEETING_EVERY_MONTHS)
    summary = [(b.branch, b.held_total, b.required_total, b.kinds_short, b.attendance_rate) for b in rows]
    detail = [(b.branch, *(f"{b.held.get(k, 0)}/{b.required[k]}" for k in kinds)) for b in rows]
    by_kind = [
        (
            Meeting.Kind(k).label,
            sum(b.held.get(k, 0) for b in rows),
            sum(b.required[k] for b in rows),
        )
        for k in kinds
    ]
    return [
        Table(
            "各支部三会一课",
            ("党组织", "实开", "应开", "未达标会议类型数", "出席率"),
            summary,
            series=(1, 2),
            percent_columns=(4,),
            # the town's branches: the chart draws those with the most meetings due and not held
            focus=ChartFocus("按类型计应开未开会议", [b.meetings_missed for b in rows]),
        ),
        Table("按会议类型", ("会议类型", "实开", "应开"), by_kind, series=(1, 2)),
        Table(
            "各支部分类型（实开/应开）",
            ("党组织", *(Meeting.Kind(k).label for k in kinds)),
            detail,
            chart="none",
        ),
    ]


def meetings_block(scope: Scope, period: Period) -> Block:
    rows = analysis.meetings(org_ids=scope.organization_ids, start=period.start, end=period.end)
    return Block(
        tables=meeting_tables(rows),
        note="应开：支部党员大会、党课每季度1次，支部委员会、主题党日每月1次，党小组会每个党小组每月1次（R-MB-08）。",
    )


def dues_tables(rows: list[analysis.BranchDues]) -> list[Table]:
    table = [(b.branch, b.expected, b.collected, b.arrears, b.members_in_arrears) for b in rows]
    return [
        Table(
            "党费收缴（元）",
            ("党组织", "应交", "实交", "欠交", "欠交人数"),
            table,
            series=(1, 2),
        ),
        Table("欠交党费（元）", ("党组织", "欠交"), [(r[0], r[3]) for r in table]),
    ]


def dues_block(scope: Scope, period: Period) -> Block:
    rows = analysis.dues(org_ids=scope.organization_ids, start=period.start, end=period.end)
    return Block(
        tables=dues_tables(rows),
        note="应交 = 统计期内已开始的各月（自入党当月起）按党费标准应交的金额（未核定当年基数的按上年基数暂计）；实交为所属月份在统计期内的交纳记录，不含自愿多交（R-MB-07、R-MB-13）。",
    )


def register() -> None:
    register_block("members", "党员队伍", members_block, order=10)
    register_block("flows", "党员增减", flows_block, order=12)
    register_block("floating", "流动党员", floating_block, order=14)
    register_block("meetings", "三会一课", meetings_block, order=20)
    register_block("dues", "党费收缴", dues_block, order=30)
