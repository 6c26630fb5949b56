"""Data and helpers shared by the workspace permission tests."""

import pytest
from django.test import Client

from tests import factories


@pytest.fixture
def member_a(branch_a):
    return factories.make_member(branch_a, name="张三", phone="13900001111")


@pytest.fixture
def member_b(branch_b):
    return factories.make_member(branch_b, name="李四", phone="13822223333")


@pytest.fixture
def as_user():
    def login(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return login


@pytest.fixture
def personas(admin_user, clerk, secretary_a, secretary_b, auditor):
    return {
        "admin": admin_user,
        "clerk": clerk,
        "secretary_a": secretary_a,
        "secretary_b": secretary_b,
        "auditor": auditor,
        "anonymous": None,
    }
