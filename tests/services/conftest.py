import pytest

from services.models import Service


@pytest.fixture
def service(db):
    return Service.objects.create(
        name="党员组织关系转接", materials=["介绍信", "党员证明材料", "身份证复印件"], limit_working_days=None
    )
