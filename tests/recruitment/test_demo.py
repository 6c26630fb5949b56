import random

import pytest

from recruitment import demo
from recruitment.models import Candidate, Stage

pytestmark = pytest.mark.django_db


def test_demo_data_is_idempotent_and_uses_the_real_operations(branch_a, branch_b):
    demo.generate(size=10, rng=random.Random(1))
    count = Candidate.objects.count()
    assert count == 6
    assert Candidate.objects.filter(stage=Stage.ACTIVIST).count() == 4
    demo.generate(size=10, rng=random.Random(2))
    assert Candidate.objects.count() == count
