"""Demo data: a few candidates per branch at different stages, through the real operations. Idempotent."""

from __future__ import annotations

from datetime import date

from core.dates import add_months, local_today
from core.idnumbers import make_id_number
from core.models import Organization
from recruitment import records, stages
from recruitment.models import Candidate, Recommendation, Talk

_SURNAMES = "王李张刘陈杨赵黄周吴"
_GIVEN = ["晓明", "丽华", "建国", "秀英", "志强", "海燕", "文杰", "春梅"]


def generate(*, size: int, rng, stdout=None) -> str:
    today = local_today()
    branches = list(Organization.objects.branches().filter(is_active=True).order_by("pk")[:6])
    created = 0
    for b_index, branch in enumerate(branches):
        for k in range(3):
            # Fixed per branch and slot, so a second run finds the same ID numbers and adds nothing.
            born = date(1990 + (b_index * 3 + k) % 15, 1 + k, 10 + b_index)
            id_number = make_id_number("320199", born, 900 + b_index * 10 + k)
            if Candidate.objects.filter(id_number=id_number).exists():
                continue
            applied_on = add_months(today, -(2 + 6 * k))
            candidate = records.candidate_create(
                recorded_by=None,
                name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                gender=rng.choice("MF"),
                birth_date=born,
                id_number=id_number,
                organization=branch,
                applied_on=applied_on,
                is_league_member=k == 0,
            )
            created += 1
            if k == 0:
                continue
            talk_on = add_months(applied_on, 0).replace(day=min(applied_on.day + 5, 28))
            records.record_add(
                record=Talk(candidate=candidate, talked_on=talk_on, talker="支部书记"), recorded_by=None
            )
            records.record_add(
                record=Recommendation(
                    candidate=candidate, purpose="activist", kind="members", recommended_on=talk_on
                ),
                recorded_by=None,
            )
            stages.transition(
                candidate=candidate,
                action="make_activist",
                decided_on=add_months(applied_on, 1),
                decided_by="党支部委员会",
                recorded_by=None,
            )
    return f"发展党员：新增{created}名入党申请人/积极分子"
