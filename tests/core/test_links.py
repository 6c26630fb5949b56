"""core.links: one reverse() per page gives the same links as one per row."""

from django.urls import reverse

from core.links import url_per_pk


def test_url_per_pk_equals_reverse_for_every_id():
    url = url_per_pk("recruitment:candidate")
    for pk in (1, 7, 10, 2_147_483, 2_147_483_647, 9_000_000_000):
        assert url(pk) == reverse("recruitment:candidate", args=[pk])
