"""The rule profile in force at a moment (RULES.md "Rule profile")."""

from datetime import datetime

from django.utils import timezone

from core.models import RuleProfile


def rule_profile_versions() -> list[RuleProfile]:
    """Every saved version, newest first (the order ``rule_profile`` picks in): one query, for a page that asks
    which version was in force at many moments (``rule_profile(at, versions=…)``, and
    ``conversion.models.enrolment_profile_value``)."""
    return list(RuleProfile.objects.order_by("-effective_from", "-pk"))


def rule_profile(at: datetime | None = None, *, versions: list[RuleProfile] | None = None) -> RuleProfile:
    """The version of the settings in force at ``at`` (now by default); from ``versions``
    (``rule_profile_versions()``) when given, without a query.

    Before the first saved version the 细则 defaults were in force: an unsaved RuleProfile carries them, so a
    later change never reaches back to decisions made before it.
    """
    at = at or timezone.now()
    if versions is not None:
        profile = next((v for v in versions if v.effective_from <= at), None)
    else:
        profile = (
            RuleProfile.objects.filter(effective_from__lte=at).order_by("-effective_from", "-pk").first()
        )
    return profile or RuleProfile(effective_from=at, note="细则默认值")
