"""On a 375 px phone, a branch secretary photographs a handwritten application and files it with the
candidate (一人一档, R-RC-23): the upload control asks for the camera, two photos become one PDF, the file page
shows it and the percentage. Writes artifacts/screenshots/attachment-upload-phone.png and
attachment-filed-phone.png."""

import pytest

from core.access import Role
from core.models import Attachment
from tests import factories
from tests.conftest import PHONE
from tests.factories import files
from tests.factories import recruitment as rf
from tests.two_factor import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_secretary_files_phone_photos_of_an_application_from_a_phone(
    browser, live_server, screenshot_dir, tmp_path
):
    branch = factories.make_branch("东村党支部", village="东村", code="EAST")
    factories.make_user(Role.SECRETARY, organization=branch, username="east_secretary", first_name="王书记")
    candidate = rf.candidate(branch, name="赵小明")
    photos = []
    for n in (1, 2):
        path = tmp_path / f"IMG_000{n}.jpg"
        path.write_bytes(files.phone_photo(300, 200, orientation=6))
        photos.append(str(path))

    context = browser.new_context(viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True)
    page = context.new_page()
    sign_in(page, live_server.url, "east_secretary", "Test-pass-2026")
    page.goto(f"{live_server.url}/recruitment/{candidate.pk}/")
    page.click("#attachment-upload-link")
    control = page.locator("input[type=file][name=files]")
    assert control.get_attribute("capture") == "environment"
    assert control.get_attribute("accept") == "image/*,application/pdf"
    assert control.get_attribute("multiple") is not None
    page.select_option("select[name=kind]", "application")
    control.set_input_files(photos)
    page.screenshot(path=screenshot_dir / "attachment-upload-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    with page.expect_navigation():
        page.click("#attachment-upload button[type=submit]")

    assert "已上传“入党申请书”，共2页" in page.content()
    assert page.locator("#attachments").get_by_text("入党申请书").first.is_visible()
    assert "系统文书及扫描件" in page.locator("#file-completeness").inner_text()
    page.locator("#attachments").scroll_into_view_if_needed()
    page.screenshot(path=screenshot_dir / "attachment-filed-phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    material = Attachment.objects.get()
    assert material.content_type == "application/pdf" and material.page_count == 2
    context.close()
