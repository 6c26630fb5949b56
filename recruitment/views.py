"""Pages of the recruitment pipeline: thin views calling recruitment.records / stages / votes."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Case, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from core.access import Role, get_object_for_user, roles_of, scope_queryset, staff_required
from core.dates import local_today
from core.links import url_per_pk
from core.models import Organization
from core.operations import run_form
from core.rules import citation
from recruitment import dashboard, forms, records, stages, urgency, votes
from recruitment.checklist import candidate_file, checklist
from recruitment.dashboard import candidate_flags
from recruitment.models import Approval, BranchMeeting, Candidate, CandidateVote, Stage
from recruitment.rules import approval_overdue_q, plan_figures, probation_end
from recruitment.timeline import candidate_events

BOARD_STAGES = [Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY]


def _candidates(user):
    return scope_queryset(Candidate.objects.select_related("organization", "member"), user)


def _candidate(request, pk, *, with_file=False):
    queryset = (
        Candidate.objects.with_file()
        if with_file
        else Candidate.objects.select_related("organization", "member")
    )
    return get_object_for_user(queryset, request.user, pk=pk)


def _branches(user):
    return scope_queryset(Organization.objects.branches(), user, "pk")


BOARD_CARDS = 20  # the most urgent cards of each column; "查看全部" lists the rest
STAGE_PAGE_SIZE = 25


def _filter_form(request, *, search=True):
    return forms.CandidateFilterForm(
        request.GET or None, organizations=_branches(request.user), search=search
    )


@staff_required
def board(request):
    """The pipeline board: a column per stage with how many candidates it holds and how many are overdue, and
    its most urgent cards with the next step and when (recruitment.urgency)."""
    form = _filter_form(request, search=False)
    candidates, flag = _flagged(request, form.filter(_candidates(request.user)))
    columns = urgency.board_columns(candidates, BOARD_STAGES, on=local_today(), per_stage=BOARD_CARDS)
    _link(card for column in columns for card in column.cards)
    # the branch list as a list: one plain query (a form widget would read it through a server-side cursor)
    branches = list(form.fields["org"].queryset)
    context = {
        "columns": columns,
        "form": form,
        "branches": branches,
        "per_column": BOARD_CARDS,
        "flag": flag,
        "flag_label": dashboard.LABELS.get(flag or "", ""),
    }
    return render(request, "recruitment/board.html", context)


def _link(cards) -> None:
    """Each card's link to the candidate's page, from one reverse() for the page (core.links)."""
    url = url_per_pk("recruitment:candidate")
    for card in cards:
        card.url = url(card.candidate.pk)


def _flagged(request, candidates):
    """``?flag=`` from a 工作台 counter: only the candidates that counter counts (recruitment.dashboard)."""
    flag = request.GET.get("flag", "")
    if flag not in dashboard.LABELS:
        return candidates, None
    found = dashboard.flagged(flag, user=request.user, candidates=candidates, today=local_today())
    return found, flag


@staff_required
def stage_list(request, stage):
    """Every candidate of a stage, most urgent first, paginated; filter by branch, search by name or ID number."""
    if stage not in BOARD_STAGES:
        raise Http404("没有这个发展阶段。")
    form = _filter_form(request)
    filtered, flag = _flagged(request, form.filter(_candidates(request.user)))
    candidates = urgency.StageList(filtered, stage, on=local_today(), shared={})
    page = Paginator(candidates, STAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    _link(page.object_list)
    context = {
        "stage": Stage(stage),
        "form": form,
        "page_obj": page,
        "flag": flag,
        "flag_label": dashboard.LABELS.get(flag or "", ""),
    }
    return render(request, "recruitment/stage_list.html", context)


@staff_required(write=True)
def candidate_create(request):
    form = forms.CandidateForm(request.POST or None, organizations=_branches(request.user))
    candidate = run_form(
        request,
        form,
        lambda data: records.candidate_create(recorded_by=request.user, **data),
        success=lambda candidate: f"已登记入党申请人{candidate.name}。",
    )
    if candidate is not None:
        return redirect("recruitment:candidate", pk=candidate.pk)
    return render(request, "recruitment/form.html", {"form": form, "title": "登记入党申请人"})


@staff_required
def candidate_detail(request, pk):
    candidate = _candidate(request, pk, with_file=True)
    today = local_today()
    shared: dict = {}
    context = {
        "candidate": candidate,
        "steps": stages.next_steps(candidate, today, shared=shared),
        "reminders": stages.reminders(candidate, today, shared=shared),
        "checklist": checklist(candidate),
        "file": candidate_file(candidate),
        "standing": candidate_flags(candidate, today),
        "probation_ends_on": probation_end(candidate) if candidate.stage == Stage.PROBATIONARY else None,
        "events": candidate_events(candidate),
        # R-RC-16: each resolution awaiting approval, flagged once its deadline is over (rules.approval_overdue).
        "pending_votes": CandidateVote.objects.filter(candidate=candidate)
        .awaiting_approval()
        .annotate(overdue=Case(When(approval_overdue_q(today), then=True), default=False)),
        "unfiled_approvals": Approval.objects.filter(
            vote__candidate=candidate,
            vote__proposal=CandidateVote.Proposal.ADMIT,
            approved=True,
            filed_on__isnull=True,
        ),
        "record_kinds": [(k, f[0]._meta.model._meta.verbose_name) for k, f in forms.RECORD_FORMS.items()],
        "side_exits": [t for t in stages.transitions_from(candidate.stage) if t.action in stages.SIDE_EXITS],
        "today": today,
    }
    return render(request, "recruitment/candidate.html", context)


@staff_required(write=True)
def record_add(request, pk, kind):
    candidate = _candidate(request, pk)
    if kind not in forms.RECORD_FORMS:
        raise Http404
    form = forms.record_form(kind, candidate, request.POST or None)
    record = run_form(
        request,
        form,
        lambda data: records.record_add(record=_unsaved(form, candidate), recorded_by=request.user),
        success=lambda record: f"已记录{candidate.name}的{record._meta.verbose_name}。",
    )
    if record is not None:
        return redirect("recruitment:candidate", pk=candidate.pk)
    title = (
        f"{candidate.name} · {form._meta.model._meta.verbose_name}（{citation(forms.RECORD_FORMS[kind][1])}）"
    )
    return render(request, "recruitment/form.html", {"form": form, "title": title, "candidate": candidate})


def _unsaved(form, candidate: Candidate):
    """The file record a record form describes, for ``candidate``; records.record_add checks and saves it."""
    record = form.save(commit=False)
    record.candidate = candidate
    return record


@staff_required(write=True)
def transition(request, pk, action):
    candidate = _candidate(request, pk)
    if action not in stages.TRANSITIONS:
        raise Http404
    t = stages.TRANSITIONS[action]
    form = forms.TransitionForm(
        request.POST or None, initial={"decided_on": local_today(), "decided_by": t.extra["default_body"]}
    )
    change = run_form(
        request,
        form,
        lambda data: stages.transition(candidate=candidate, action=action, recorded_by=request.user, **data),
        success=lambda change: f"已为{candidate.name}办理“{t.label}”，现为{Stage(change.to_state).label}。",
    )
    if change is not None:
        return redirect("recruitment:candidate", pk=candidate.pk)
    confirm = f"“{t.label}”后发展程序即告结束，确定办理吗？" if action in stages.SIDE_EXITS else ""
    return render(
        request,
        "recruitment/form.html",
        {"form": form, "title": f"{candidate.name} · {t.label}", "candidate": candidate, "confirm": confirm},
    )


@staff_required(write=True)
def transfer(request, pk):
    candidate = _candidate(request, pk)
    form = forms.TransferForm(request.POST or None)
    form.fields["to_organization"].queryset = Organization.objects.branches().exclude(
        pk=candidate.organization_id
    )
    moved = run_form(
        request,
        form,
        lambda data: records.candidate_transfer(candidate=candidate, recorded_by=request.user, **data),
        success=lambda moved: f"{candidate.name}已转接到{moved.to_organization}，阶段和培养时间保留。",
    )
    if moved is not None:
        return redirect("recruitment:board")
    return render(
        request,
        "recruitment/form.html",
        {"form": form, "title": f"{candidate.name} · 转接", "candidate": candidate},
    )


@staff_required(write=True)
def meeting_create(request, pk):
    """A branch meeting held for this candidate (and others of the branch); then the candidate's vote."""
    candidate = _candidate(request, pk)
    form = forms.MeetingForm(request.POST or None, organization=candidate.organization)
    meeting = run_form(
        request,
        form,
        lambda data: votes.meeting_create(
            organization=candidate.organization, recorded_by=request.user, **data
        ),
        success=lambda meeting: (
            f"已登记{meeting.held_on:%Y年%-m月%-d日}的支部大会，请录入{candidate.name}的表决结果。"
        ),
    )
    if meeting is not None:
        return redirect("recruitment:vote_add", meeting_pk=meeting.pk, pk=candidate.pk)
    return render(
        request,
        "recruitment/form.html",
        {
            "form": form,
            "title": f"{candidate.organization} · 召开支部大会",
            "candidate": candidate,
        },
    )


@staff_required(write=True)
def vote_add(request, meeting_pk, pk):
    candidate = _candidate(request, pk)
    meeting = get_object_for_user(BranchMeeting.objects.all(), request.user, pk=meeting_pk)
    form = forms.VoteForm(request.POST or None, meeting=meeting)
    vote = run_form(
        request,
        form,
        lambda data: votes.vote_record(
            meeting=meeting,
            candidate=candidate,
            proposal=data["proposal"],
            yes=data["yes"],
            no=data["no"],
            abstain=data["abstain"],
            written=form.written_opinions(),
            extension_months=data["extension_months"],
            recorded_by=request.user,
        ),
        success=_vote_result,
    )
    if vote is not None:
        return redirect("recruitment:candidate", pk=candidate.pk)
    title = f"{meeting} · {candidate.name}单独表决"
    return render(request, "recruitment/form.html", {"form": form, "title": title, "candidate": candidate})


def _vote_result(vote: CandidateVote) -> str:
    verdict = "通过" if vote.passed else "未通过"
    return (
        f"表决结果：应到会有表决权党员{vote.voters_expected}人，实到{vote.voters_present}人，"
        f"赞成{vote.yes + vote.written_yes}票，{verdict}。"
    )


@staff_required(write=True)
def approval_add(request, vote_pk):
    vote = get_object_for_user(
        CandidateVote.objects.select_related("meeting", "candidate"),
        request.user,
        "candidate__organization",
        pk=vote_pk,
    )
    form = forms.ApprovalForm(request.POST or None)
    form.fields["organization"].queryset = Organization.objects.filter(has_approval_authority=True)
    approval = run_form(
        request,
        form,
        lambda data: records.approval_record(vote=vote, recorded_by=request.user, **data),
        success="已记录上级党委审批意见。",
    )
    if approval is not None:
        return redirect("recruitment:candidate", pk=vote.candidate_id)
    title = f"{vote.candidate.name} · {vote.get_proposal_display()} · 上级党委审批"
    return render(
        request, "recruitment/form.html", {"form": form, "title": title, "candidate": vote.candidate}
    )


@staff_required(write=True)
def approval_filing(request, approval_pk):
    """R-RC-16: the date the new probationary member was filed with the organisation department above."""
    approval = get_object_for_user(
        Approval.objects.select_related("vote__candidate"),
        request.user,
        "vote__candidate__organization",
        pk=approval_pk,
    )
    candidate = approval.vote.candidate
    form = forms.FilingForm(request.POST or None)
    filed = run_form(
        request,
        form,
        lambda data: records.approval_file(approval=approval, **data),
        success=lambda filed: f"已记录备案日期：{filed.filed_on:%Y年%-m月%-d日}。",
    )
    if filed is not None:
        return redirect("recruitment:candidate", pk=candidate.pk)
    title = f"{candidate.name} · 报上级组织部门备案"
    return render(request, "recruitment/form.html", {"form": form, "title": title, "candidate": candidate})


PLAN_EDITORS = {Role.ADMIN, Role.CLERK}


@staff_required
def plans(request):
    """R-RC-24: each organisation's annual plan against its admissions, over-plan flagged. Administrators and
    clerks set plans; branch secretaries see their own."""
    try:
        year = int(request.GET.get("year") or local_today().year)
    except ValueError:
        raise Http404 from None
    if not forms.PLAN_YEARS[0] <= year <= forms.PLAN_YEARS[1]:  # no plan outside the years a plan can have
        raise Http404("年份超出范围。")
    figures = plan_figures(year=year)
    rows = [
        {"organization": org, "figure": figures.get(org.pk)}
        for org in _branches(request.user).order_by("code")
        if org.pk in figures or org.is_active
    ]
    context = {
        "year": year,
        "rows": rows,
        "years": range(year - 2, year + 2),
        "can_edit_plans": bool(roles_of(request.user) & PLAN_EDITORS),
    }
    return render(request, "recruitment/plans.html", context)


@staff_required(roles=PLAN_EDITORS, write=True)
def plan_edit(request):
    today = local_today()
    initial = {"year": request.GET.get("year") or today.year, "organization": request.GET.get("org")}
    form = forms.PlanForm(request.POST or None, initial=initial)
    plan = run_form(
        request, form, lambda data: records.plan_save(**data), success=lambda plan: f"已保存{plan}。"
    )
    if plan is not None:
        return redirect(f"{reverse('recruitment:plans')}?year={plan.year}")
    return render(request, "recruitment/form.html", {"form": form, "title": "年度发展计划"})
