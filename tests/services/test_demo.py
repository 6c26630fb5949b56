"""The service desk's demo-data generator is idempotent and registered (core.registry.register_demo)."""

import random

from core.registry import demo_generators
from services.demo import generate_demo
from services.models import Matter, Service


def test_demo_generator_is_registered_and_idempotent(clerk):
    assert any(g is generate_demo for _, g in demo_generators)
    generate_demo(size=200, rng=random.Random(1))
    matters, services = Matter.objects.count(), Service.objects.count()
    assert matters >= 10 and services == 6
    assert "已存在" in generate_demo(size=200, rng=random.Random(2))
    assert (Matter.objects.count(), Service.objects.count()) == (matters, services)
