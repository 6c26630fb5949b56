from core.exceptions import DomainError


class MemberError(DomainError):
    """A refusal in the member records (R-MB-…)."""
