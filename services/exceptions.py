from core.exceptions import DomainError


class ServiceDeskError(DomainError):
    """A refusal at the service desk (R-SV-…)."""
