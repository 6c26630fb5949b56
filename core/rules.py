"""The rule catalogue: every rule ID the code enforces, what it means in a line, and the regulation behind it.

This table is the one home of the rules' wording inside the repository. Code and tests name a rule by its ID
(``R-CV-06``); ``manage.py rules_index`` writes ``docs/rules.md`` from this table and from where the IDs are
named, and ``tests/core/test_rules_index.py`` checks that the two agree. Users are shown ``citation`` (the
regulation to read), never the ID.

Sources: 《中国共产党章程》 (党章); 《中国共产党发展党员工作细则》 (2014, 细则); 《党员服务转化中心工作制度》 (the
center's own regulation, 2009); the center's service-desk regulations 《党员群众服务中心工作制度》 and
《乡镇便民服务中心工作制度》 / 《村级便民服务中心工作制度》; the Civil Code for counting periods; the dues rules of
the Organisation Department (2008).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

XIZE = "《中国共产党发展党员工作细则》"
CENTER = "《党员服务转化中心工作制度》"
SERVICE = "《党员群众服务中心工作制度》"
TOWN_DESK = "《乡镇便民服务中心工作制度》"
VILLAGE_DESK = "《村级便民服务中心工作制度》"
PARTY_CONSTITUTION = "《中国共产党章程》"
CIVIL_CODE = "《中华人民共和国民法典》"
DUES = "中共中央组织部《关于中国共产党党费收缴、使用和管理的规定》"


@dataclass(frozen=True)
class Rule:
    id: str
    meaning: str
    citation: str


RULES: tuple[Rule, ...] = (
    # Counting periods (core/dates.py)
    Rule(
        "R-GN-01",
        "A period starts counting the day after its start; a month or year ends on the matching day (or the "
        "month's last day); a minimum wait is complete on its last day.",
        f"{CIVIL_CODE}第二百零一条、第二百零二条",
    ),
    Rule(
        "R-GN-02",
        "A deadline ending on a weekend or holiday moves to the next working day; a minimum wait does not.",
        f"{CIVIL_CODE}第二百零三条",
    ),
    Rule(
        "R-GN-03",
        "A deadline ends at 24:00 Beijing time of its last day (the immediate-matter limit counts minutes); a "
        "working-day limit starts on the first working day after acceptance.",
        f"{CIVIL_CODE}第二百零三条",
    ),
    # Members
    Rule(
        "R-MB-01",
        "Organisations form one tree under the town committee; a member belongs to exactly one organisation.",
        f"{CENTER}第十条至第十三条、第二十条",
    ),
    Rule(
        "R-MB-02",
        "Membership status and party discipline are dated events, never overwritten; under 留党察看 a member "
        "neither votes nor introduces.",
        f"{PARTY_CONSTITUTION}第七条、第七章（党的纪律）",
    ),
    Rule(
        "R-MB-03",
        "Party age counts from the day probation ends, not from the branch meeting.",
        f"{PARTY_CONSTITUTION}第七条",
    ),
    Rule(
        "R-MB-04",
        "A resident ID number passes its check digit, matches the birth date and belongs to one person only.",
        "GB 11643《公民身份号码》",
    ),
    Rule(
        "R-MB-05",
        "A relation transfer moves the member only when the receiving side accepts a numbered, still valid "
        "introduction letter; letters left unaccepted are flagged.",
        f"{CENTER}第三条、第十二条",
    ),
    Rule(
        "R-MB-06",
        "Floating members: the seven facts kept, contact logged, lost contact flagged, numbered activity "
        "certificates issued.",
        f"{SERVICE}（登记归档制度及定期联系制度）；{CENTER}第十二条",
    ),
    Rule(
        "R-MB-07",
        "Dues are recorded per member and month, and arrears are visible.",
        f"{SERVICE}（登记归档制度及定期联系制度）",
    ),
    Rule(
        "R-MB-08",
        "三会一课 and party day happen at their required frequency with a per-member attendance roll; missing "
        "meetings are flagged per branch.",
        f"{SERVICE}（“三会一课”制度）",
    ),
    Rule(
        "R-MB-09",
        "The annual democratic review of each member is recorded once per member and year.",
        f"{SERVICE}（民主评议党员）",
    ),
    Rule(
        "R-MB-10",
        "A quarterly analysis of member education and management is produced for the committee.",
        f"{SERVICE}（定期分析及汇报制度）",
    ),
    Rule(
        "R-MB-11",
        "10–15 young members or reserve cadres rotate through the center each year, each paired one-to-one "
        "with a center member who mentors 1–2 at a time.",
        f"{CENTER}第十五条至第十八条",
    ),
    Rule(
        "R-MB-12",
        "Pairing aid between members and households in difficulty is recorded with its visits.",
        f"{SERVICE}（党员结对帮扶）",
    ),
    Rule(
        "R-MB-13",
        "Monthly dues are a percentage of a monthly base set per member and year (salaried ≤3000 0.5%, ≤5000 1%, "
        "≤10000 1.5%, above 2% of the whole base; retired ≤5000 0.5%, above 1%; farmers a fixed 0.20–1.00; "
        "students, unemployed, relief 0.20), to the fen rounded half up; reductions need the branch's decision "
        "and the committee's approval; voluntary extra never counts as arrears paid.",
        f"{DUES}（一、党费的交纳）",
    ),
    Rule(
        "R-MB-14",
        "Dues are paid monthly, several months at once in advance or in arrears, possibly by someone on the "
        "member's behalf, each payment with a numbered receipt; until the year's base is set last year's "
        "applies, marked provisional.",
        f"{DUES}（一、党费的交纳；二、党费的收缴）",
    ),
    Rule(
        "R-MB-15",
        "A member who without a proper reason has not paid dues for six consecutive months is flagged to the "
        "branch and the committee, and the branch's handling (proper reason, deadline to pay, removal) is "
        "recorded.",
        f"{PARTY_CONSTITUTION}第九条",
    ),
    # Conversion
    Rule(
        "R-CV-01",
        "The town committee moves a conversion member into the center's branch and the original branch is "
        "remembered.",
        f"{CENTER}第十九条、第二十条",
    ),
    Rule("R-CV-02", "A conversion member starts with 5 points.", f"{CENTER}第二十一条"),
    Rule("R-CV-03", "A task done earns 0.5 points; a task not done costs 0.5.", f"{CENTER}第二十一条"),
    Rule(
        "R-CV-04",
        "Each absence from a center-branch meeting or activity costs 0.5 points.",
        f"{CENTER}第二十二条",
    ),
    Rule(
        "R-CV-05",
        "Points are an append-only ledger with reason, source, who and when; mistakes are reversed, never "
        "edited; the balance is 5 plus the entries.",
        f"{CENTER}第二十一条、第二十二条",
    ),
    Rule(
        "R-CV-06",
        "A balance below 3 sends the case to the town committee, whose decision is recorded.",
        f"{CENTER}第二十三条",
    ),
    Rule(
        "R-CV-07",
        "A balance of 15 or more calls for a democratic review organised by the town committee.",
        f"{CENTER}第二十三条",
    ),
    Rule(
        "R-CV-08",
        "Review participants come from the listed groups, and at most half come from the member's own village.",
        f"{CENTER}第二十四条",
    ),
    Rule(
        "R-CV-09",
        "The review is the mean of the participants' scores out of 100; 80 or more passes.",
        f"{CENTER}第二十五条",
    ),
    Rule(
        "R-CV-10",
        "A passed review returns the member to the original branch; a failed one keeps them in conversion.",
        f"{CENTER}第二十三条",
    ),
    Rule(
        "R-CV-11",
        "Six months of transition follow the return; misconduct then is recorded and referred to the "
        "organisation office and the discipline commission.",
        f"{CENTER}第二十六条",
    ),
    # Recruitment
    Rule(
        "R-RC-01",
        "An applicant is at least 18 on the dated written application.",
        f"{PARTY_CONSTITUTION}第一条；{XIZE}第七条、第八条",
    ),
    Rule(
        "R-RC-02",
        "The branch talks with the applicant within one month of receiving the application.",
        f"{XIZE}第九条",
    ),
    Rule(
        "R-RC-03",
        "An activist is chosen by recommendation and a branch committee decision filed above, after the "
        "profile's minimum time as applicant.",
        f"{XIZE}第十条",
    ),
    Rule("R-RC-04", "Each activist has one or two full members as contacts.", f"{XIZE}第十二条"),
    Rule(
        "R-RC-05",
        "Activists and probationary members hand in a thought report every quarter; missing quarters are "
        "flagged.",
        f"{XIZE}第三章（入党积极分子的确定和培养教育）",
    ),
    Rule(
        "R-RC-06",
        "The branch assesses each activist at least every profile interval (half a year by default).",
        f"{XIZE}第十四条",
    ),
    Rule(
        "R-RC-07",
        "A development target needs at least one year as activist and a branch committee decision filed above.",
        f"{XIZE}第十五条",
    ),
    Rule(
        "R-RC-08",
        "A development target under 28 who is a league member needs the league's recommendation.",
        f"{XIZE}第四章（发展对象的确定和考察）",
    ),
    Rule(
        "R-RC-09",
        "A development target has two full members as introducers, none under 留党察看.",
        f"{PARTY_CONSTITUTION}第五条；{XIZE}第十六条",
    ),
    Rule(
        "R-RC-10",
        "A political review with a written conclusion is required and stays valid for one year.",
        f"{XIZE}第四章（发展对象的确定和考察）",
    ),
    Rule(
        "R-RC-11",
        "Short concentrated training of at least the profile's hours comes before the branch meeting and is "
        "repeated after a year.",
        f"{XIZE}第十九条",
    ),
    Rule(
        "R-RC-12",
        "A public notice of at least the profile's days precedes the branch meeting; objections are resolved "
        "first.",
        f"{XIZE}第五章（预备党员的接收）",
    ),
    Rule(
        "R-RC-13",
        "The upper committee pre-reviews before the branch meeting and then the numbered 志愿书 is issued; a "
        "target leaving within 3 months is not normally admitted.",
        f"{XIZE}第二十一条",
    ),
    Rule(
        "R-RC-14",
        "The admitting branch meeting needs the quorum of voting members, votes on each candidate separately "
        "and passes with yes votes over half of those who should attend.",
        f"{PARTY_CONSTITUTION}第五条；{XIZE}第二十三条、第二十四条",
    ),
    Rule(
        "R-RC-15",
        "A member of the upper committee talks with the candidate before approval.",
        f"{XIZE}第五章（预备党员的接收）",
    ),
    Rule(
        "R-RC-16",
        "Only a committee with approval authority approves, within 3 months of the branch resolution (never "
        "beyond 6); overdue approvals are flagged and the approval is filed above.",
        f"{XIZE}第五章（预备党员的接收）",
    ),
    Rule(
        "R-RC-17",
        "Probation lasts one year from the day the branch meeting passed the resolution.",
        f"{PARTY_CONSTITUTION}第七条；{XIZE}第二十八条",
    ),
    Rule(
        "R-RC-18",
        "The probationary member takes the oath; without it conversion is not processed.",
        f"{PARTY_CONSTITUTION}第六条",
    ),
    Rule(
        "R-RC-19",
        "About a week before probation ends the member applies in writing to become a full member, and is "
        "reminded if not.",
        f"{XIZE}第六章（预备党员的教育考察和转正）",
    ),
    Rule(
        "R-RC-20",
        "Conversion to full membership needs a branch meeting like admission and approval above; membership "
        "then counts from the end of probation.",
        f"{PARTY_CONSTITUTION}第七条；{XIZE}第三十三条至第三十五条",
    ),
    Rule(
        "R-RC-21",
        "Probation may be extended once by 6 to 12 months, or cancelled, each by branch resolution and "
        "approval above.",
        f"{PARTY_CONSTITUTION}第七条；{XIZE}第三十三条",
    ),
    Rule(
        "R-RC-22",
        "For a probationary member transferred in, conversion may be postponed by at most 6 months and still "
        "counts from the end of probation.",
        f"{XIZE}第六章（预备党员的教育考察和转正）",
    ),
    Rule(
        "R-RC-23",
        "One person, one file: a stage cannot advance while a required document of the stage before is "
        "missing.",
        f"{XIZE}（发展党员材料归档）",
    ),
    Rule(
        "R-RC-24",
        "Each organisation has a yearly recruitment plan; admissions beyond it are flagged.",
        f"{XIZE}（发展党员工作计划）",
    ),
    # Service desk
    Rule(
        "R-SV-01",
        "The first staff member who receives a matter is responsible for it, hands it over with the chain "
        "kept, and never turns the person away; every contact is logged.",
        f"{TOWN_DESK}（首问负责制）；{CENTER}第三条",
    ),
    Rule(
        "R-SV-02",
        "Every matter has one of the listed kinds (consultation, immediate, promised, joint, reported up, "
        "petition, supplement, returned).",
        f"{TOWN_DESK}（限时办结制）",
    ),
    Rule(
        "R-SV-03",
        "An immediate matter is done on the spot within 30 minutes of acceptance.",
        f"{TOWN_DESK}（限时办结制）",
    ),
    Rule(
        "R-SV-04",
        "A promised matter's completion date is fixed at acceptance and printed on the acceptance notice; the "
        "clock starts on the formal acceptance date.",
        f"{TOWN_DESK}（限时办结制）",
    ),
    Rule(
        "R-SV-05",
        "Without a legal time limit a matter, a site check or a letter is completed within 10 working days.",
        f"{SERVICE}（限时办结制度）",
    ),
    Rule(
        "R-SV-06",
        "A petition is registered in full, handled within 15 working days and answered on a reply slip.",
        f"{SERVICE}（信访接待制度）",
    ),
    Rule(
        "R-SV-07",
        "Working days follow the State Council's yearly holiday notice, kept as editable data; a year not yet "
        "loaded gives provisional deadlines that are recomputed once it is.",
        "国务院办公厅关于部分节假日安排的通知（逐年）",
    ),
    Rule(
        "R-SV-08",
        "Missing materials are listed once, in writing; the full time limit starts anew when they are complete.",
        f"{SERVICE}（限时办结制度）；{TOWN_DESK}（限时办结制）",
    ),
    Rule(
        "R-SV-09",
        "An unlawful request or one missing its main materials is returned with a written reason.",
        f"{TOWN_DESK}（限时办结制）",
    ),
    Rule(
        "R-SV-10",
        "A matter past its deadline without a recorded reason is overdue and opens an accountability case.",
        f"{SERVICE}（限时办结制度、责任追究制度）",
    ),
    Rule(
        "R-SV-11",
        "An accountability case names one of the listed violations and one or more sanctions from the ladder.",
        f"{SERVICE}（责任追究制度）",
    ),
    Rule(
        "R-SV-12",
        "Complaints about staff are registered, investigated and answered; reports are taken around the clock.",
        f"{SERVICE}（投诉受理制度）；{TOWN_DESK}（24小时受理举报）",
    ),
    Rule(
        "R-SV-13",
        "Visits can be booked, including door-to-door service; urgent holiday matters go to the staff on duty.",
        f"{TOWN_DESK}（预约服务制）",
    ),
    Rule(
        "R-SV-14",
        "Completed matters that must be made public appear on a board anyone can read without signing in.",
        f"{TOWN_DESK}（办结公告制）",
    ),
    Rule(
        "R-SV-15",
        "No fee beyond statutory ones, agent services are free, and any fee is recorded with its legal basis.",
        f"{SERVICE}（责任追究制度）；{VILLAGE_DESK}",
    ),
    Rule(
        "R-SV-16",
        "The service catalogue gives each service's legal basis, conditions, materials, time limit, fees and "
        "kind.",
        f"{VILLAGE_DESK}（一次性告知制度）",
    ),
    Rule(
        "R-SV-17",
        "Every service is recorded (time, person, content, outcome) and each year's records are archived.",
        VILLAGE_DESK,
    ),
)

BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def citation(rule_id: str) -> str:
    """The regulation a user should read for ``rule_id`` (users see this, not the ID)."""
    return BY_ID[rule_id].citation


RULE_ID = re.compile(r"R-[A-Z]{2}-\d{2}")
# One ID, or several joined by 、 / , ， 和 及 — 「（R-SV-07、R-SV-10）」 reads as one citation.
_ID_GROUP = re.compile(r"R-[A-Z]{2}-\d{2}(?:\s*(?:、|/|,|，|和|及|或)\s*R-[A-Z]{2}-\d{2})*")
_BOOK = re.compile(r"^(《[^》]+》)(.*)$")


def citations(rule_ids: list[str]) -> str:
    """Several rules' citations as one: the same regulation named once (「《细则》第九条、第十条」).

    An ID not in the table is left as it is (``tests/core/test_rules_index.py`` fails on it)."""
    parts: list[str] = []
    texts = [BY_ID[rule_id].citation if rule_id in BY_ID else rule_id for rule_id in dict.fromkeys(rule_ids)]
    for text in (segment.strip() for cited in texts for segment in cited.split("；")):
        book = _BOOK.match(text)
        previous = _BOOK.match(parts[-1]) if parts else None
        if book and previous and book.group(1) == previous.group(1) and book.group(2) and previous.group(2):
            if book.group(2) not in previous.group(2):
                parts[-1] = f"{parts[-1]}、{book.group(2)}"
        elif text not in parts:
            parts.append(text)
    return "；".join(parts)


def cite(text: str) -> str:
    """Text for a user: every rule ID in it (「请勿重复登记（R-RC-04）」) replaced by the regulation to read
    (「请勿重复登记（《中国共产党发展党员工作细则》第五条）」).

    Messages, refusals and labels are written with rule IDs — the code's and the logs' language — and pass
    through here where they reach a person: a refusal where it becomes form errors (core.operations.run_form,
    ``add_refusal``), the messages and form errors of every page (the ``cite`` template filter in
    ``templates/base.html`` and ``templates/includes/form.html``), the admin's, the 工作台 cards, import
    reports (members.importing) and a failed job's message (core.jobs.error_text)."""
    if not isinstance(text, str) or "R-" not in text:
        return text
    return _ID_GROUP.sub(lambda m: citations(RULE_ID.findall(m.group(0))), text)
