"""The recruitment file's printed documents, rendered from real records (issue 7; R-RC-02 … R-RC-23)."""

from datetime import date

import pytest
from django.urls import reverse

from core.models import CenterProfile, NumberSequence
from core.pdf import render_document
from members.documents import member_archive_pdf
from members.models import Member
from recruitment import documents, records, stages, votes
from recruitment.document_numbers import CENTER_DOCUMENT_SERIES
from recruitment.models import (
    Approval,
    CandidateVote,
    ConversionApplication,
    Oath,
    PublicNotice,
    StageChange,
    ThoughtReport,
    UpperTalk,
)
from tests import factories
from tests.factories import recruitment as b
from tests.jobs.inline import job_file
from tests.pdfutils import (
    body_start,
    has_cjk_font,
    pdf_compact_text,
    pdf_outline,
    pdf_page_count,
    pdf_page_texts,
    pdf_text,
    toc_entries,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(db):
    profile = CenterProfile.current()
    profile.name = "青山镇党员服务转化中心"
    profile.committee_name = "中共青山镇委员会"
    profile.address = "青山镇人民路88号"
    profile.save()
    # Numbers start afresh in this test's transaction, whatever a reused test database has committed.
    NumberSequence.objects.filter(series=CENTER_DOCUMENT_SERIES).delete()
    return profile


@pytest.fixture
def joined(profile, branch_a, town, clerk):
    """林晓雨: applied 2024-03-04, activist 2024-04-10, target 2025-04-10, a branch meeting without quorum on
    2025-06-20, admitted on 2025-06-27 (approved 2025-07-10), converted on 2026-06-29 (approved 2026-08-03)."""
    c = b.target(branch_a, name="林晓雨")
    present = b.voters(branch_a, 3)
    b.pre_meeting_file(c, meeting_on=date(2025, 6, 20))
    failed = b.meeting(branch_a, date(2025, 6, 20), present=present)
    votes.vote_record(
        meeting=failed, candidate=c, proposal="admit", yes=3, no=0, abstain=0, recorded_by=clerk
    )

    full = list(Member.objects.filter(organization=branch_a, status=Member.Status.FULL).order_by("pk"))
    away = full[-1]  # hands in a written "yes" before the meeting
    meeting = votes.meeting_create(
        organization=branch_a, held_on=date(2025, 6, 27), present=full[:-1], host="王建华", recorded_by=clerk
    )
    admit = votes.vote_record(
        meeting=meeting, candidate=c, proposal="admit", yes=4, no=1, abstain=0,
        written={away: "yes"}, recorded_by=clerk,
    )  # fmt: skip
    b.add(UpperTalk(candidate=c, talked_on=date(2025, 7, 1), talker="镇党委组织委员"))
    records.approval_record(
        vote=admit, organization=town, decided_on=date(2025, 7, 10), approved=True, recorded_by=clerk,
        filed_on=date(2025, 7, 20),
    )  # fmt: skip
    stages.transition(
        candidate=c, action="admit", decided_on=date(2025, 7, 10), decided_by="镇党委", recorded_by=clerk
    )
    c.refresh_from_db()
    b.add(Oath(candidate=c, taken_on=date(2025, 7, 15)))
    for day in (date(2025, 8, 15), date(2025, 11, 15), date(2026, 2, 15), date(2026, 5, 15)):
        b.add(ThoughtReport(candidate=c, submitted_on=day))
    b.add(ConversionApplication(candidate=c, submitted_on=date(2026, 6, 19)))
    meeting = b.meeting(branch_a, date(2026, 6, 29), present=[*full, c.member])
    convert = votes.vote_record(
        meeting=meeting, candidate=c, proposal="convert", yes=6, no=0, abstain=0, recorded_by=clerk
    )
    records.approval_record(
        vote=convert, organization=town, decided_on=date(2026, 8, 3), approved=True, recorded_by=clerk
    )
    stages.transition(
        candidate=c, action="convert", decided_on=date(2026, 8, 3), decided_by="镇党委", recorded_by=clerk
    )
    c.refresh_from_db()
    return c


def _text(document) -> str:
    return pdf_compact_text(render_document(document))


def _table_rows(pdf: bytes) -> list[str]:
    """Each laid-out line without spaces: a table row reads "到会党员表决4票1票0票"."""
    return ["".join(line.split()) for line in pdf_text(pdf, layout=True).splitlines()]


def _vote(candidate, proposal, *, passed=True) -> CandidateVote:
    return candidate.votes.get(proposal=proposal, passed=passed)


def test_numbers_are_issued_when_records_are_created_gap_free_per_year(joined):
    numbers = [row.number for row in documents.file_records(joined)]

    assert numbers == [
        "党服转〔2024〕001号",  # talk
        "党服转〔2024〕002号",  # activist filing report
        "党服转〔2025〕001号",  # target filing report
        "党服转〔2025〕002号",  # political review
        "党服转〔2025〕003号",  # public notice
        "党服转〔2025〕004号",  # pre-review
        "党服转〔2025〕005号",  # the meeting without quorum
        "党服转〔2025〕006号",  # admission resolution
        "党服转〔2025〕007号",  # approval
        "党服转〔2026〕001号",  # conversion resolution
        "党服转〔2026〕002号",  # approval of conversion
    ]
    assert (
        not StageChange.objects.filter(candidate=joined, action="admit").exclude(document_number="").exists()
    )


def test_talk_record_prints_talker_date_and_the_one_month_deadline_R_RC_02(joined):
    pdf = render_document(documents.talk_record(joined.talks.get()))
    text = pdf_compact_text(pdf)

    assert "入党申请人谈话记录" in text
    assert text.count("党服转〔2024〕001号") >= 2  # page header and under the title
    assert "青山镇党员服务转化中心" in text  # page header
    assert "林晓雨" in text and "支部书记" in text
    assert "2024年3月4日" in text
    assert (
        "即2024年4月7日前" in text and "按期谈话" in text
    )  # 4 April 2024 is Qingming: next working day (R-GN-02)
    assert "东村党支部" in text
    assert has_cjk_font(pdf)
    assert pdf_page_count(pdf) == 1


def test_filing_reports_name_the_decision_and_go_to_the_town_committee_R_RC_03_R_RC_07(joined):
    activist = joined.stage_changes.get(action="make_activist")
    target = joined.stage_changes.get(action="make_target")

    first = _text(documents.filing_report(activist))
    second = _text(documents.filing_report(target))

    assert "确定入党积极分子备案报告" in first
    assert "确定林晓雨同志为入党积极分子" in first
    assert "党服转〔2024〕002号" in first
    assert "中共青山镇委员会：" in first
    assert "党员推荐（2024年3月4日）" in first  # R-RC-03: how they were recommended
    assert "党支部委员会于2024年4月10日研究" in first
    assert "确定发展对象备案报告" in second
    assert "确定林晓雨同志为发展对象" in second
    assert "党服转〔2025〕001号" in second
    assert "于2024年4月10日被确定为入党积极分子" in second  # R-RC-07: a year as activist
    assert "于2025年4月10日研究" in second
    assert "中共东村党支部" in second


def test_political_review_prints_the_conclusion_and_its_one_year_validity_R_RC_10(joined):
    text = _text(documents.political_review(joined.politicalreviews.get()))

    assert "发展对象政治审查结论" in text
    assert "党服转〔2025〕002号" in text
    assert "政治历史清白" in text
    assert "政治审查合格" in text
    assert "自2025年5月20日起一年内有效（至2026年5月20日）" in text


def test_public_notice_prints_the_notice_period_and_where_to_object_R_RC_12(joined):
    text = _text(documents.public_notice(joined.publicnotices.get()))

    assert "发展对象公示" in text
    assert "拟将林晓雨同志作为中共预备党员发展对象" in text
    assert "党服转〔2025〕003号" in text
    assert "公示时间：2025年5月31日至2025年6月7日" in text
    assert "青山镇人民路88号" in text
    assert "公示期满，未收到反映的问题" in text


def test_public_notice_with_an_unresolved_objection_says_so_R_RC_12(profile, branch_a):
    c = b.target(branch_a, name="钱立")
    notice = b.add(
        PublicNotice(
            candidate=c,
            starts_on=date(2025, 5, 5),
            ends_on=date(2025, 5, 12),
            objections="反映其拖欠村集体承包款",
        )
    )

    text = _text(documents.public_notice(notice))

    assert "反映其拖欠村集体承包款" in text
    assert "反映的问题尚未查清，不能提交支部大会讨论" in text


def test_pre_review_prints_its_opinion_and_the_application_form_number_R_RC_13(joined):
    review = joined.prereviews.get()

    text = _text(documents.pre_review(review))

    assert review.form_number == "入党志愿书〔2025〕001号"
    assert "发展对象预审意见" in text
    assert "党服转〔2025〕004号" in text
    assert "经2025年6月10日预审" in text
    assert "同意提交支部党员大会讨论" in text
    assert "编号入党志愿书〔2025〕001号" in text
    assert "中共青山镇委员会" in text


def test_admission_resolution_prints_every_vote_count_and_the_resolution_R_RC_14(joined):
    pdf = render_document(documents.branch_resolution(_vote(joined, "admit")))
    text = pdf_compact_text(pdf)

    assert "接收预备党员的支部大会决议" in text
    assert "对接收林晓雨同志为中共预备党员进行单独讨论和表决" in text
    assert "党服转〔2025〕006号" in text
    assert "东村党支部于2025年6月27日召开支部党员大会，由王建华主持" in text
    assert "应到会有表决权的正式党员6人" in text
    assert "实到会有表决权的正式党员5人（超过应到会人数的半数，符合规定）" in text
    rows = _table_rows(pdf)
    assert "因故缺席提交书面意见1份" in rows
    assert "表决情况赞成反对弃权" in rows
    assert "到会党员表决4票1票0票" in rows  # yes, no, abstain in the room
    assert "书面意见1票0票0票" in rows
    assert "合计5票1票0票" in rows
    assert "赞成票5票，超过应到会有表决权的正式党员6人的半数" in text
    assert "预备期一年，自2025年6月27日至2026年6月27日" in text
    assert has_cjk_font(pdf)


def test_a_meeting_without_quorum_prints_a_resolution_not_passed_R_RC_14(joined):
    text = _text(documents.branch_resolution(_vote(joined, "admit", passed=False)))

    assert "党服转〔2025〕005号" in text
    assert "应到会有表决权的正式党员6人" in text
    assert "实到会有表决权的正式党员3人（未超过应到会人数的半数，不能表决）" in text
    assert "未获通过" in text
    assert "同意接收" not in text


def test_approval_opinion_prints_the_committee_decision_and_probation_R_RC_16(joined):
    approval = Approval.objects.get(vote=_vote(joined, "admit"))

    text = _text(documents.approval_opinion(approval))

    assert "接收预备党员审批意见" in text
    assert "党服转〔2025〕007号" in text
    assert "东村党支部：" in text
    assert "决议（党服转〔2025〕006号，应到会有表决权的正式党员6人，实到5人，赞成5票）收悉" in text
    assert "中共某某镇委员会2025年7月10日审查，同意接收林晓雨同志为中共预备党员" in text
    assert "自2025年6月27日至2026年6月27日" in text
    assert "已于2025年7月20日报上级党委组织部门备案" in text


def test_conversion_resolution_and_approval_count_membership_from_the_end_of_probation_R_RC_20(joined):
    vote = _vote(joined, "convert")

    resolution_pdf = render_document(documents.branch_resolution(vote))
    resolution = pdf_compact_text(resolution_pdf)
    approval = _text(documents.approval_opinion(vote.approval))

    assert "预备党员转正的支部大会决议" in resolution
    assert "党服转〔2026〕001号" in resolution
    assert "应到会有表决权的正式党员6人" in resolution  # the probationary member in the room does not count
    assert "合计6票0票0票" in _table_rows(resolution_pdf)
    assert "党龄自2026年6月27日算起" in resolution  # R-MB-03
    assert "预备党员转正审批意见" in approval
    assert "党服转〔2026〕002号" in approval
    assert "同意林晓雨同志转为中共正式党员，党龄自2026年6月27日算起" in approval


def test_archive_checklist_lists_each_required_document_and_the_numbered_ones_R_RC_23(joined):
    pdf = render_document(documents.archive_checklist(joined))
    text = pdf_compact_text(pdf)

    assert "发展党员档案材料目录" in text
    assert "林晓雨" in text
    for label in ("入党申请书", "谈话记录", "政治审查结论", "预审及入党志愿书", "支部大会决议", "转正申请书"):
        assert label in text
    assert "缺" not in text  # a complete file
    assert "以上材料齐全" in text
    assert "党服转〔2024〕001号" in text and "党服转〔2026〕002号" in text
    assert has_cjk_font(pdf)


def test_archive_checklist_shows_what_an_open_file_still_lacks_R_RC_23(profile, branch_a):
    c = b.candidate(branch_a, name="孔明亮")

    text = _text(documents.archive_checklist(c))

    assert "谈话记录" in text and "工作细则》第十条缺" in text  # R-RC-02, shown as its regulation
    assert "R-RC-" not in text
    assert "以上材料缺2项" in text  # talk and recommendation


def test_every_recruitment_document_embeds_a_cjk_font(joined):
    for row in documents.file_records(joined):
        pdf = render_document(documents.BUILDERS[row.kind](row.record))
        assert has_cjk_font(pdf), row.kind
        assert row.number in pdf_compact_text(pdf)


# --- the archive bundle ------------------------------------------------------------------------------------


def test_member_bundle_holds_the_recruitment_file_in_order_and_contents_match_pages_R_RC_23(
    joined, admin_user
):
    pdf = member_archive_pdf(joined.member, admin_user)
    pages = pdf_page_texts(pdf)
    toc = toc_entries(pages)
    outline = pdf_outline(pdf)

    titles = [title for title, _ in toc]
    assert titles == [
        "党员基本情况登记表",
        "发展党员档案材料目录",
        "入党申请人谈话记录（党服转〔2024〕001号）",
        "确定入党积极分子备案报告（党服转〔2024〕002号）",
        "确定发展对象备案报告（党服转〔2025〕001号）",
        "发展对象政治审查结论（党服转〔2025〕002号）",
        "发展对象公示（党服转〔2025〕003号）",
        "发展对象预审意见（党服转〔2025〕004号）",
        "接收预备党员的支部大会决议（党服转〔2025〕005号）",
        "接收预备党员的支部大会决议（党服转〔2025〕006号）",
        "接收预备党员审批意见（党服转〔2025〕007号）",
        "预备党员转正的支部大会决议（党服转〔2026〕001号）",
        "预备党员转正审批意见（党服转〔2026〕002号）",
    ]
    for title, page in toc:
        name = title.split("（党服转")[0]
        assert body_start(pages[page - 1]).startswith(name), f"{title} should start on page {page}"
        number = title.partition("（党服转")[2]
        if number:
            assert f"党服转{number[:-1]}" in pages[page - 1].splitlines()[0], f"page {page}'s header"
    assert [e.page for e in outline if e.level == 2] == [page for _, page in toc]
    assert [e.title for e in outline if e.level == 1] == ["目录", "党员基本情况", "发展党员材料"]
    assert has_cjk_font(pdf)


def test_candidate_bundle_gives_a_file_to_someone_not_yet_a_member_R_RC_23(profile, branch_a, secretary_a):
    c = b.target(branch_a, name="杜若")

    pdf = documents.candidate_archive_pdf(c, secretary_a)
    cover = "".join(pdf_page_texts(pdf)[0].split())
    outline = [e.title for e in pdf_outline(pdf)]

    assert "发展党员档案" in cover and "杜若" in cover and "发展对象" in cover
    assert c.id_number not in cover and c.id_number[-4:] in cover  # a secretary sees it masked (R-MB-04)
    assert outline[:3] == ["目录", "发展党员材料", "发展党员档案材料目录"]
    assert "确定发展对象备案报告" in outline


# --- print URLs: the candidate's file's access rules --------------------------------------------------------


def _urls(candidate) -> dict[str, str]:
    urls = {
        row.kind: reverse(f"recruitment_print:{row.kind}", args=[row.record.pk])
        for row in documents.file_records(candidate)
    }
    for kind in ("archive_checklist", "candidate_archive"):
        urls[kind] = reverse(f"recruitment_print:{kind}", args=[candidate.pk])
    return urls


def test_every_recruitment_print_url_is_a_404_for_another_branchs_secretary(client, joined, secretary_b):
    client.force_login(secretary_b)

    for kind, url in _urls(joined).items():
        assert client.get(url).status_code == 404, kind


def test_an_auditor_prints_every_recruitment_document(client, joined, auditor, monkeypatch):
    """Each document prints at its address; the whole file (candidate_archive) is typeset by a job, which its
    address offers as a button (issue 17) and the auditor downloads from 我的任务."""
    client.force_login(auditor)

    for kind, url in _urls(joined).items():
        response = client.get(url)
        assert response.status_code == 200, kind
        if kind == "candidate_archive":
            assert response["Content-Type"].startswith("text/html")
            job_url = reverse("recruitment_print:candidate_archive_job", args=[joined.pk])
            assert f'action="{job_url}"' in response.content.decode()
            pdf = job_file(client, job_url, monkeypatch)
        else:
            assert response["Content-Type"] == "application/pdf", kind
            pdf = response.content
        assert "林晓雨" in pdf_compact_text(pdf), kind


@pytest.mark.parametrize("persona, status", [("secretary_a", 200), ("clerk", 200), ("secretary_b", 404)])
def test_resolution_print_follows_the_candidates_branch_R_RC_14(client, request, joined, persona, status):
    client.force_login(request.getfixturevalue(persona))

    response = client.get(reverse("recruitment_print:branch_resolution", args=[_vote(joined, "admit").pk]))

    assert response.status_code == status


def test_outsider_is_refused_and_anonymous_visitor_sent_to_login(client, joined):
    url = reverse("recruitment_print:candidate_archive", args=[joined.pk])

    assert client.get(url).status_code == 302
    client.force_login(factories.make_user(None))
    assert client.get(url).status_code == 403


def test_a_filing_url_prints_only_filed_decisions(client, joined, admin_user):
    admit = joined.stage_changes.get(action="admit")
    client.force_login(admin_user)

    assert client.get(reverse("recruitment_print:filing_report", args=[admit.pk])).status_code == 404


def test_candidate_page_has_a_print_button_per_document_and_for_the_whole_file(client, joined, secretary_a):
    client.force_login(secretary_a)

    page = client.get(reverse("recruitment:candidate", args=[joined.pk])).content.decode()

    whole_file = reverse("recruitment_print:candidate_archive", args=[joined.pk])
    for url in _urls(joined).values():
        if url != whole_file:
            assert f'href="{url}"' in page
    # The whole file is typeset by a background job (recruitment.tasks): a POST button, then its progress page.
    assert f'action="{reverse("recruitment_print:candidate_archive_job", args=[joined.pk])}"' in page
    assert "打印全部档案" in page
