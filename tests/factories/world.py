"""One small town with a record behind every object URL of every app, and the arguments of each URL.

Used by the URL-guessing test (a branch secretary of branch B tries branch A's objects) and the hostile-form
sweep (every staff form fed garbage). Everything that belongs to a branch belongs to branch A (东村); the
transfer letter goes to branch C, so branch B has no part in anything.

``URL_ARGS`` maps every URL name of the project (admin aside) to a function of the world giving its keyword
arguments — one set, or a list of sets where the URL has a slug naming a form (``record_add``'s kinds, a
matter's actions). The tests compare its keys with the URLconf, so a new URL fails until it is added here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.urls import URLPattern, URLResolver, get_resolver

import services.views
from conversion.enrolment import case_enrol
from conversion.ledger import task_assign
from conversion.models import CommitteeReferral, ConversionCase, ReviewParticipant
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
from conversion.transition import discipline_referral_record, observation_record
from core.access import Role
from core.models import Organization
from members.aid import aid_household_create, aid_pair, aid_visit_record
from members.dues import dues_base_set, dues_lapse_handle, dues_record
from members.floating import floating_log_contact
from members.models import AnnualReview, Discipline, Member
from members.status import discipline_record
from members.training import pairing_create, rotation_enroll
from members.transfers import transfer_start
from recruitment import records, stages, votes
from recruitment.forms import RECORD_FORMS
from recruitment.models import Candidate, CandidateVote, PoliticalReview, PreReview, PublicNotice, UpperTalk
from reports.blocks import registered_blocks
from services import desk
from services.accountability import mark_overdue
from services.contact import appointment_book, complaint_register
from services.models import Service
from tests.factories import members as factories
from tests.factories import recruitment as b
from tests.factories.conversion import bring_to, record_tasks
from tests.factories.members import make_certificate, make_floating, make_meeting
from tests.factories.services import at


@dataclass
class World:
    town: Organization
    center: Organization
    branch_a: Organization
    branch_b: Organization
    branch_c: Organization
    admin: object
    clerk: object
    secretary_a: object
    secretary_b: object
    auditor: object
    # members (branch A)
    member: Member
    floating_member: Member
    certificate: object
    transfer: object
    discipline: Discipline
    meeting: object
    # recruitment (branch A)
    candidate: Candidate
    recruitment_meeting: object
    vote: CandidateVote
    approval: object
    filing: object
    # conversion (original branch A)
    case: ConversionCase  # in conversion, with an open task and a referral below 3 points
    referral: CommitteeReferral
    task: object
    entry: object
    review_case: ConversionCase  # at 15 points with a scheduled review
    review: object
    returned_case: ConversionCase  # reviewed, passed, back in branch A, in its transition period
    returned_review: object
    # service desk (not scoped by branch: the desk roles see every matter)
    matter: object
    complaint: object
    appointment: object
    accountability_case: object
    # a scanned material of branch A's candidate (core.attachments), opened once
    attachment: object = None
    year: int = 2026


def build_world() -> World:
    town = factories.town_committee()
    center = factories.center_branch()
    branch_a = factories.make_branch("东村党支部", village="东村", code="EAST")
    branch_b = factories.make_branch("西村党支部", village="西村", code="WEST")
    branch_c = factories.make_branch("南村党支部", village="南村", code="SOUTH")
    admin = factories.make_user(Role.ADMIN, username="world_admin", is_superuser=True)
    clerk = factories.make_user(Role.CLERK, username="world_clerk")
    secretary_a = factories.make_user(Role.SECRETARY, organization=branch_a, username="world_secretary_a")
    secretary_b = factories.make_user(Role.SECRETARY, organization=branch_b, username="world_secretary_b")
    auditor = factories.make_user(Role.AUDITOR, username="world_auditor")

    member = factories.make_member(branch_a, name="甲党员")
    floating_member = factories.make_member(branch_a, name="甲流动")
    certificate = make_certificate(
        make_floating(floating_member), issued_on=date(2026, 3, 2), issued_by=clerk
    )
    transfer = transfer_start(
        member=factories.make_member(branch_a, name="甲转出"),
        direction="internal",
        to_organization=branch_c,
        issued_on=date(2026, 11, 2),
        created_by=clerk,
    )
    discipline = discipline_record(
        member=factories.make_member(branch_a, name="甲处分"),
        kind=Discipline.Kind.PROBATION,
        decided_on=date(2026, 6, 1),
        decided_by="镇纪委",
        reason="违反组织纪律",
        recorded_by=clerk,
    )
    meeting = make_meeting(branch_a, held_on=date(2026, 4, 1), recorded_by=clerk, absent={member: "外出"})
    # The member-side records the admin lists (R-MB-06, 07, 09, 11, 12): one of each, in branch A.
    dues_base_set(member=member, year=2026, category="retired", base=Decimal("4000"), set_on=date(2026, 1, 4),
                  set_by=clerk)  # fmt: skip
    dues_record(member=member, month=date(2026, 1, 1), amount=Decimal("20.00"), paid_on=date(2026, 1, 5),
                recorded_by=clerk)  # fmt: skip
    dues_lapse_handle(member=member, kind="reason", handled_on=date(2026, 1, 5), reason_until=date(2026, 3, 31),
                      note="外出务工，已联系", recorded_by=clerk)  # fmt: skip
    floating_log_contact(
        floating=floating_member.floating, contacted_on=date(2026, 4, 2), method="phone", reached=True,
        note="近况良好", recorded_by=clerk,
    )  # fmt: skip
    AnnualReview.objects.create(member=member, year=2025, result=AnnualReview.Result.QUALIFIED)
    pairing = aid_pair(
        member=member,
        household=aid_household_create(head_name="甲困难户", village="东村", difficulty="因病致贫"),
        started_on=date(2026, 1, 10),
    )
    aid_visit_record(pairing=pairing, visited_on=date(2026, 2, 1), content="送去慰问品", recorded_by=clerk)
    trainee = factories.make_member(branch_a, name="甲轮训", is_reserve_cadre=True)
    rotation = rotation_enroll(member=trainee, year=2026, started_on=date(2026, 3, 1))
    pairing_create(mentor=factories.make_member(center, name="中心带教"), rotation=rotation,
                   started_on=date(2026, 3, 1))  # fmt: skip
    records.plan_save(organization=branch_a, year=2026, quota=3)

    candidate = b.target(branch_a, name="甲申请人")
    b.pre_meeting_file(candidate, meeting_on=date(2025, 6, 27))
    full = list(Member.objects.filter(organization=branch_a, status=Member.Status.FULL))
    recruitment_meeting = votes.meeting_create(
        organization=branch_a, held_on=date(2025, 6, 27), present=full, recorded_by=clerk
    )
    vote = votes.vote_record(
        meeting=recruitment_meeting,
        candidate=candidate,
        proposal="admit",
        yes=len(full),
        no=0,
        abstain=0,
        recorded_by=clerk,
    )
    b.add(UpperTalk(candidate=candidate, talked_on=date(2025, 7, 1), talker="镇党委组织委员"))
    approval = records.approval_record(
        vote=vote, organization=town, decided_on=date(2025, 7, 10), approved=True, recorded_by=clerk
    )
    stages.transition(
        candidate=candidate,
        action="admit",
        decided_on=date(2025, 7, 10),
        decided_by="镇党委",
        recorded_by=clerk,
    )
    candidate.refresh_from_db()
    filing = candidate.stage_changes.get(action="make_target")

    case = case_enrol(
        member=factories.make_member(branch_a, name="甲转化", village="东村"),
        opened_on=date(2026, 3, 2),
        reason="镇党委决定",
        decided_by=clerk,
    )
    case = record_tasks(case, completed=False, count=5, by=clerk)  # 2.5: below 3, referred (R-CV-06)
    referral = CommitteeReferral.objects.filter(case=case).get()
    task = task_assign(
        case=case,
        title="义务保洁",
        assigned_on=date(2026, 3, 2),
        due_on=date(2026, 12, 20),
        assigned_by=clerk,
    )
    entry = case.entries.order_by("pk").last()

    review_case = case_enrol(
        member=factories.make_member(branch_a, name="甲评议", village="东村"),
        opened_on=date(2026, 3, 2),
        reason="镇党委决定",
        decided_by=clerk,
    )
    review_case = bring_to(review_case, Decimal("15"), by=clerk)
    review = review_schedule(case=review_case, scheduled_on=date(2026, 6, 1), scheduled_by=clerk)

    returned_case = case_enrol(
        member=factories.make_member(branch_a, name="甲返回", village="东村"),
        opened_on=date(2026, 3, 2),
        reason="镇党委决定",
        decided_by=clerk,
    )
    returned_case = bring_to(returned_case, Decimal("15"), by=clerk)
    returned_review = review_schedule(case=returned_case, scheduled_on=date(2026, 6, 1), scheduled_by=clerk)
    people = review_set_roster(
        review=returned_review,
        participants=[ParticipantData("周文", ReviewParticipant.Category.CENTER_STAFF, "青山镇")],
        recorded_by=clerk,
    )
    review_record_scores(review=returned_review, scores={people[0].pk: Decimal("90")}, recorded_by=clerk)
    review_conclude(review=returned_review, concluded_on=date(2026, 6, 2), concluded_by=clerk)
    returned_case.refresh_from_db()
    observation = observation_record(
        case=returned_case, observed_on=date(2026, 8, 15), note="酒后滋事", misconduct=True, recorded_by=clerk
    )
    discipline_referral_record(
        case=returned_case, referred_on=date(2026, 8, 20), matter="过渡期违纪", observation=observation,
        recorded_by=clerk,
    )  # fmt: skip

    service = Service.objects.create(name="开具党员证明", materials=["身份证复印件"], window="一号窗口")
    matter = desk.matter_register(
        kind="promised",
        applicant_name="甲办事人",
        applicant_phone="13812345678",
        request="开具证明",
        service=service,
        first_contact=clerk,
        at=at(2026, 11, 2),
    )
    overdue = desk.matter_register(
        kind="promised", applicant_name="乙办事人", request="迁户口", first_contact=clerk, at=at(2026, 8, 3)
    )
    mark_overdue(now=at(2026, 11, 1))
    overdue.refresh_from_db()
    complaint = complaint_register(complainant_name="丙投诉人", content="态度不好", received_by=clerk)
    appointment = appointment_book(
        name="丁预约人",
        phone="13900001111",
        topic="咨询转接",
        scheduled_at=at(2026, 12, 1, 9),
        booked_by=clerk,
    )

    from core.attachments import attach_files, log_attachment_view
    from tests.factories import files

    attachment = attach_files(
        owner=candidate,
        kind="application",
        files=[files.upload(files.image_bytes(), "入党申请书.jpg")],
        uploaded_by=secretary_a,
    )
    log_attachment_view(user=secretary_a, attachment=attachment)

    return World(
        attachment=attachment,
        town=town, center=center, branch_a=branch_a, branch_b=branch_b, branch_c=branch_c,
        admin=admin, clerk=clerk, secretary_a=secretary_a, secretary_b=secretary_b, auditor=auditor,
        member=member, floating_member=floating_member, certificate=certificate, transfer=transfer,
        discipline=discipline, meeting=meeting,
        candidate=candidate, recruitment_meeting=recruitment_meeting, vote=vote, approval=approval,
        filing=filing,
        case=case, referral=referral, task=task, entry=entry, review_case=review_case, review=review,
        returned_case=returned_case, returned_review=returned_review,
        matter=matter, complaint=complaint, appointment=appointment,
        accountability_case=overdue.accountability_case,
    )  # fmt: skip


def matter_actions() -> list[str]:
    """The actions services.views.matter_action handles (its MATTER_ACTIONS), so that a new action is swept too."""
    return list(services.views.MATTER_ACTIONS)


def _each(**choices) -> Callable[[World], list[dict]]:
    """One set of arguments per value of a slug (``_each(kind=[...], pk=lambda w: …)``)."""

    def make(world: World) -> list[dict]:
        (slug, values), *rest = choices.items()
        fixed = {name: get(world) for name, get in rest}
        return [{slug: value, **fixed} for value in values]

    return make


URL_ARGS: dict[str, Callable[[World], dict | list[dict]]] = {
    "login": lambda w: {},
    "logout": lambda w: {},
    "password_change": lambda w: {},
    "password_change_done": lambda w: {},
    "core:dashboard": lambda w: {},
    "core:two_factor_verify": lambda w: {},
    "core:two_factor_enrol": lambda w: {},
    "core:two_factor_recovery": lambda w: {},
    "core:health": lambda w: {},
    "core:audit_index": lambda w: {},
    "core:audit_id_number_views": lambda w: {},
    "core:audit_model": lambda w: {"model_label": "members.member"},
    "core:audit_record": lambda w: {"model_label": "members.member", "pk": str(w.member.pk)},
    "core:task_index": lambda w: {},
    "core:attachment_upload": lambda w: [
        {"owner_label": record._meta.label_lower, "owner_pk": record.pk}
        for record in (w.candidate, w.member, w.meeting, w.case, w.matter)
    ],
    "core:attachment_open": lambda w: {"pk": w.attachment.pk},
    "core:attachment_void": lambda w: {"pk": w.attachment.pk},
    "core:task_run_now": lambda w: {"name": "services.mark_overdue"},
    "core:task_retry": lambda w: {"pk": _failed_task_run().pk},
    "core:reminders": lambda w: {},
    "core:reminders_read": lambda w: {},
    "core:reminder_read": lambda w: {"pk": _reminder(w.admin).pk},
    "core:reminder_preferences": lambda w: {},
    "core:my_jobs": lambda w: {},
    "core:my_job": lambda w: {"pk": _admins_job(w).pk},
    "core:my_job_status": lambda w: {"pk": _admins_job(w).pk},
    "core:my_job_file": lambda w: {"pk": _admins_job(w).pk},
    "members:list": lambda w: {},
    "members:export": lambda w: {},
    "members:import": lambda w: {},
    "members:detail": lambda w: {"pk": w.member.pk},
    "members:dues": lambda w: {"pk": w.member.pk},
    "members:dues_reduction": lambda w: {"pk": w.member.pk},
    "members:dues_lapse": lambda w: {"pk": w.member.pk},
    "members:dues_statement_xlsx": lambda w: {"pk": w.member.pk, "year": 2026},
    "members:dues_six_months": lambda w: {},
    "members:branch_dues": lambda w: {"pk": w.branch_a.pk},
    "members:branch_dues_bases": lambda w: {"pk": w.branch_a.pk},
    "members:branch_dues_import": lambda w: {"pk": w.branch_a.pk},
    "members:branch_dues_template": lambda w: {"pk": w.branch_a.pk, "year": 2026},
    "members:branch_dues_sheet_xlsx": lambda w: {"pk": w.branch_a.pk, "year": 2026, "month": 1},
    "members:contact": lambda w: {"pk": w.floating_member.pk},
    "members:transfer": lambda w: {"pk": w.member.pk},
    "members:status_change": lambda w: {"pk": w.member.pk},
    "members:floating_register": lambda w: {"pk": w.member.pk},
    "members:floating_return": lambda w: {"pk": w.floating_member.pk},
    "members:certificate_issue": lambda w: {"pk": w.floating_member.pk},
    "members:certificate_revoke": lambda w: {"pk": w.certificate.pk},
    "members:discipline_create": lambda w: {"pk": w.member.pk},
    "members:discipline_restore": lambda w: {"pk": w.discipline.pk},
    "members:transfers": lambda w: {},
    "members:transfer_cancel": lambda w: {"pk": w.transfer.pk},
    "members:transfer_accept": lambda w: {"pk": w.transfer.pk},
    "members:meetings": lambda w: {},
    "members:meeting_create": lambda w: {},
    "members:meeting": lambda w: {"pk": w.meeting.pk},
    "members:organizations": lambda w: {},
    "members:organization": lambda w: {"pk": w.branch_a.pk},
    "members_print:introduction_letter": lambda w: {"pk": w.transfer.pk},
    "members_print:floating_certificate": lambda w: {"pk": w.certificate.pk},
    "members_print:meeting_minutes": lambda w: {"pk": w.meeting.pk},
    "members_print:member_archive": lambda w: {"pk": w.member.pk},
    "members_print:dues_sheet": lambda w: {"pk": w.branch_a.pk, "year": 2026, "month": 1},
    "members_print:dues_statement": lambda w: {"pk": w.member.pk, "year": 2026},
    "members_print:member_archive_job": lambda w: {"pk": w.member.pk},
    "conversion:case_list": lambda w: {},
    "conversion:case_enrol": lambda w: {},
    "conversion:case_detail": lambda w: {"pk": w.case.pk},
    "conversion:task_add": lambda w: {"pk": w.case.pk},
    "conversion:task_close": lambda w: {"pk": w.case.pk, "task_pk": w.task.pk},
    "conversion:entry_reverse": lambda w: {"pk": w.case.pk, "entry_pk": w.entry.pk},
    "conversion:referral_decide": lambda w: {"pk": w.case.pk, "referral_pk": w.referral.pk},
    "conversion:review_schedule": lambda w: {"pk": w.case.pk},
    "conversion:review_roster": lambda w: {"pk": w.review_case.pk, "review_pk": w.review.pk},
    "conversion:review_scores": lambda w: {"pk": w.review_case.pk, "review_pk": w.review.pk},
    "conversion:review_conclude": lambda w: {"pk": w.review_case.pk, "review_pk": w.review.pk},
    "conversion:observation_add": lambda w: {"pk": w.returned_case.pk},
    "conversion:discipline_referral_add": lambda w: {"pk": w.returned_case.pk},
    "conversion:case_close": lambda w: {"pk": w.case.pk},
    "conversion_print:enrolment_decision": lambda w: {"pk": w.case.pk},
    "conversion_print:ledger_statement": lambda w: {"pk": w.case.pk},
    "conversion_print:review_sheet": lambda w: {"pk": w.returned_case.pk, "review_pk": w.returned_review.pk},
    "conversion_print:review_result": lambda w: {"pk": w.returned_case.pk, "review_pk": w.returned_review.pk},
    "conversion_print:return_letter": lambda w: {"pk": w.returned_case.pk},
    "conversion_print:transition_record": lambda w: {"pk": w.returned_case.pk},
    "recruitment:board": lambda w: {},
    "recruitment:stage_list": lambda w: {"stage": w.candidate.stage},
    "recruitment:candidate_create": lambda w: {},
    "recruitment:plans": lambda w: {},
    "recruitment:plan_edit": lambda w: {},
    "recruitment:candidate": lambda w: {"pk": w.candidate.pk},
    "recruitment:record_add": _each(kind=list(RECORD_FORMS), pk=lambda w: w.candidate.pk),
    "recruitment:transition": _each(action=list(stages.TRANSITIONS), pk=lambda w: w.candidate.pk),
    "recruitment:transfer": lambda w: {"pk": w.candidate.pk},
    "recruitment:meeting_create": lambda w: {"pk": w.candidate.pk},
    "recruitment:vote_add": lambda w: {"meeting_pk": w.recruitment_meeting.pk, "pk": w.candidate.pk},
    "recruitment:approval_add": lambda w: {"vote_pk": w.vote.pk},
    "recruitment:approval_filing": lambda w: {"approval_pk": w.approval.pk},
    "recruitment_print:talk_record": lambda w: {"pk": w.candidate.talks.get().pk},
    "recruitment_print:filing_report": lambda w: {"pk": w.filing.pk},
    "recruitment_print:political_review": lambda w: {
        "pk": PoliticalReview.objects.get(candidate=w.candidate).pk
    },
    "recruitment_print:public_notice": lambda w: {"pk": PublicNotice.objects.get(candidate=w.candidate).pk},
    "recruitment_print:pre_review": lambda w: {"pk": PreReview.objects.get(candidate=w.candidate).pk},
    "recruitment_print:branch_resolution": lambda w: {"pk": w.vote.pk},
    "recruitment_print:approval_opinion": lambda w: {"pk": w.approval.pk},
    "recruitment_print:archive_checklist": lambda w: {"pk": w.candidate.pk},
    "recruitment_print:candidate_archive": lambda w: {"pk": w.candidate.pk},
    "recruitment_print:candidate_archive_job": lambda w: {"pk": w.candidate.pk},
    "services:queue": lambda w: {},
    "services:intake": lambda w: {},
    "services:matter": lambda w: {"pk": w.matter.pk},
    "services:matter_action": _each(action=matter_actions(), pk=lambda w: w.matter.pk),
    "services:complaints": lambda w: {},
    "services:complaint_new": lambda w: {},
    "services:complaint": lambda w: {"pk": w.complaint.pk},
    "services:appointments": lambda w: {},
    "services:appointment_new": lambda w: {},
    "services:appointment_close": lambda w: {"pk": w.appointment.pk},
    "services:cases": lambda w: {},
    "services:case": lambda w: {"pk": w.accountability_case.pk},
    "services:stats": lambda w: {},
    "services:records": lambda w: {},
    "services:records_csv": lambda w: {"year": w.year},
    "services:records_job": lambda w: {"year": w.year},
    "services:records_archive": lambda w: {"year": w.year},
    "services:public_catalog": lambda w: {},
    "services:public_board": lambda w: {},
    "services:public_lookup": lambda w: {},
    "services_print:acceptance_notice": lambda w: {"pk": w.matter.pk},
    "services_print:supplement_notice": lambda w: {"pk": w.matter.pk},
    "services_print:return_notice": lambda w: {"pk": w.matter.pk},
    "services_print:petition_reply": lambda w: {"pk": w.matter.pk},
    "services_print:completion_notice": lambda w: {"pk": w.matter.pk},
    "services_print:accountability_decision": lambda w: {"pk": w.accountability_case.pk},
    "reports:statistics": lambda w: {},
    "reports:analysis_pdf": lambda w: {},
    "reports:analysis_job": lambda w: {},
    "reports:block_xlsx": lambda w: [{"key": spec.key} for spec in registered_blocks()],
}


def url_names(resolver=None, namespace: str = "") -> set[str]:
    """Every named URL of the project, admin and the benchmark's floor view aside."""
    found = set()
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "bench"):
                continue
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace
            found |= url_names(entry, inner or namespace)
        elif isinstance(entry, URLPattern) and entry.name:
            found.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return found


def _failed_task_run():
    from core.models import TaskRun

    return TaskRun.objects.get_or_create(
        task_name="members.mark_lost_contact", label="标记失联流动党员", state=TaskRun.State.FAILED
    )[0]


def _reminder(user):
    from datetime import date

    from core.models import Reminder

    return Reminder.objects.get_or_create(
        user=user,
        kind="core.calendar",
        subject="core.calendaryear:2027",
        occasion=date(2026, 11, 1),
        defaults={"text": "2027年节假日安排尚未载入", "url": "/admin/"},
    )[0]


def _admins_job(world):
    """A job the administrator started, with a file: another user's 我的任务 pages are a 404."""
    from datetime import timedelta

    from django.core.files.base import ContentFile
    from django.utils import timezone

    from core.models import TaskRun

    run, created = TaskRun.objects.get_or_create(
        task_name="members.archive_pdf",
        label=f"生成党员档案：{world.member.name}",
        requested_by=world.admin,
        state=TaskRun.State.SUCCEEDED,
        defaults={"summary": f"{world.member.name}的档案已生成。", "output_name": "archive.pdf"},
    )
    if created:
        run.expires_at = timezone.now() + timedelta(days=7)
        run.output.save(f"{run.pk}-archive.pdf", ContentFile(world.member.id_number.encode()))
    return run


def url_kwargs(world: World, name: str) -> list[dict]:
    made = URL_ARGS[name](world)
    return made if isinstance(made, list) else [made]
