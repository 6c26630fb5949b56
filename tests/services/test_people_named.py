"""People are named, not their login or role (issue 18, point 3): the hand-over receivers are the colleagues
who can act on a matter, by name and window; the chain and the printed notices name the people (R-SV-01)."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from core.access import Role
from core.models import StaffProfile
from core.pdf import render_document
from core.people import person_name, person_with_post
from services import desk, documents
from services.exceptions import ServiceDeskError
from services.forms import HandoverForm
from tests import factories
from tests.factories.services import register
from tests.pdfutils import pdf_compact_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_staff(db):
    wang = factories.make_user(Role.CLERK, username="wangli", first_name="丽", last_name="王")
    StaffProfile.objects.filter(user=wang).update(window="2号窗口")
    wang = User.objects.get(pk=wang.pk)  # as a form's choice would be: the profile read afresh
    zhou = factories.make_user(Role.ADMIN, username="zhou", first_name="周海涛")
    auditor = factories.make_user(Role.AUDITOR, username="jiwei", first_name="钱纪检")
    secretary = factories.make_user(Role.SECRETARY, username="shuji", first_name="孙书记")
    return wang, zhou, auditor, secretary


def test_a_name_is_family_name_first_without_a_space_and_the_system_is_named_too():
    assert person_name(User(username="wl", first_name="丽", last_name="王")) == "王丽"
    assert person_name(User(username="wl", first_name="王丽")) == "王丽"
    assert person_name(User(username="jd", first_name="John", last_name="Doe")) == "John Doe"
    assert person_name(User(username="nobody")) == "nobody"
    assert person_name(None) == "系统（自动）"


def test_the_receivers_are_the_colleagues_who_can_act_by_name_and_window_not_the_auditor_R_SV_01(desk_staff):
    wang, zhou, auditor, secretary = desk_staff
    labels = [label for value, label in HandoverForm().fields["to_user"].choices if value]
    assert "王丽（2号窗口）" in labels
    assert "周海涛（镇党委管理员）" in labels
    assert all("钱纪检" not in label and "孙书记" not in label for label in labels)
    assert all(user.username not in " ".join(labels) for user in desk_staff)
    assert person_with_post(auditor) == "钱纪检（审计监督（纪委））"


def test_a_hand_over_to_someone_who_cannot_act_is_refused_and_changes_nothing_R_SV_01(clerk, desk_staff):
    wang, zhou, auditor, secretary = desk_staff
    matter = register(clerk)
    for receiver in (auditor, secretary):
        with pytest.raises(ServiceDeskError, match="不能办理办件"):
            desk.matter_handover(matter=matter, by=clerk, to_user=receiver, reason="请协助")
    matter.refresh_from_db()
    assert matter.handler == clerk and not matter.handovers.exists()


def test_the_chain_and_the_notices_name_the_people_R_SV_01(client, clerk, desk_staff):
    wang, zhou, *_ = desk_staff
    clerk.first_name, clerk.last_name = "敏", "李"
    clerk.save()
    matter = register(clerk)
    desk.matter_handover(matter=matter, by=clerk, to_user=wang, reason="属社保窗口")
    desk.matter_handover(matter=matter, by=wang, to_user=zhou, reason="需领导签批")
    client.force_login(clerk)
    html = client.get(reverse("services:matter", args=[matter.pk])).content.decode()
    assert "李敏 → 王丽（2号窗口）" in html and "王丽 → 周海涛" in html
    assert "clerk_persona" not in html and "wangli" not in html
    accepted = pdf_compact_text(render_document(documents.acceptance_notice(matter)))
    assert "首问责任人李敏" in accepted
    desk.matter_request_supplement(matter=matter, items=["身份证复印件"], by=zhou)
    told = pdf_compact_text(render_document(documents.supplement_notice(matter)))
    assert "告知人：周海涛" in told


def test_an_account_is_made_with_the_persons_name(client, admin_user):
    client.force_login(admin_user)
    data = {"username": "newclerk", "password1": "Xy-secret-2026", "password2": "Xy-secret-2026"}
    data["usable_password"] = "true"
    refused = client.post(reverse("admin:auth_user_add"), data)
    assert refused.status_code == 200 and "请填写姓名" in refused.content.decode()
    assert not User.objects.filter(username="newclerk").exists()
    made = client.post(reverse("admin:auth_user_add"), {**data, "last_name": "周", "first_name": "小红"})
    assert made.status_code == 302
    assert person_name(User.objects.get(username="newclerk")) == "周小红"
