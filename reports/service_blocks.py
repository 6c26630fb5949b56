"""Service-desk statistics (便民服务, issue 8) on the statistics page: the figures of
``services.statistics.desk_report`` (the same computation as the desk's monthly page) for the chosen period.

The desk serves the public at the center and its records hold citizens' personal data (services/access.py):
the block counts the whole town for administrators, clerks and auditors, and shows a branch secretary only a
note, like the desk pages, which a secretary cannot open.
"""

from __future__ import annotations

from reports.blocks import Block, Scope, Table
from reports.periods import Period
from services.statistics import desk_report

SECRETARY_NOTE = "便民服务由党员服务转化中心办理，统计数据仅向镇党委、中心工作人员和审计人员提供。"


def services_block(scope: Scope, period: Period) -> Block:
    if not scope.is_town:
        return Block(tables=[], note=SECRETARY_NOTE)
    r = desk_report(start=period.start, end=period.end)
    return Block(
        tables=[
            Table("按办件类型（登记）", ("办件类型", "件数"), r.by_kind),
            Table("按服务事项（登记）", ("服务事项", "件数"), r.by_service),
            Table(
                "按期办结（R-SV-05、R-SV-10）",
                ("办结情况", "办结（有期限）", "按期办结", "按期办结率", "平均用时（工作日）"),
                [("本期办结", r.completed, r.on_time, r.on_time_fraction, r.average_working_days)],
                series=(1, 2),
                percent_columns=(3,),
            ),
            Table("超期责任追究（按责任人）", ("责任人", "件数"), r.overdue_by_staff),
            Table(
                "投诉（R-SV-12）",
                ("项目", "件数"),
                [
                    ("本期受理投诉", r.complaints_received),
                    ("其中已答复", r.complaints_replied),
                    ("其中尚未答复", r.complaints_open),
                ],
            ),
        ],
        note="登记数按登记日期，办结数按办结日期统计；平均用时为自起算日次日至办结日的工作日数（R-SV-07）。",
    )
