"""The rule profile in force at a moment (RULES.md "Rule profile")."""

from datetime import datetime

from django.utils import timezone

from core.models import RuleProfile


def rule_profile(at: datetime | None = None) -> RuleProfile:
    """The version of the settings in force at ``at`` (now by default); the 细则 defaults if none was saved."""
    at = at or timezone.now()
    profile = RuleProfile.objects.filter(effective_from__lte=at).order_by("-effective_from", "-pk").first()
    if profile is None:
        profile = RuleProfile.objects.order_by("effective_from", "pk").first()
    return profile or RuleProfile.objects.create(
        effective_from=datetime(2000, 1, 1, tzinfo=timezone.get_current_timezone()), note="细则默认值"
    )
