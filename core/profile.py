"""The rule profile in force at a moment (RULES.md "Rule profile")."""

from datetime import datetime

from django.utils import timezone

from core.models import RuleProfile


def rule_profile(at: datetime | None = None) -> RuleProfile:
    """The version of the settings in force at ``at`` (now by default).

    Before the first saved version the 细则 defaults were in force: an unsaved RuleProfile carries them, so a
    later change never reaches back to decisions made before it.
    """
    at = at or timezone.now()
    profile = RuleProfile.objects.filter(effective_from__lte=at).order_by("-effective_from", "-pk").first()
    return profile or RuleProfile(effective_from=at, note="细则默认值")
