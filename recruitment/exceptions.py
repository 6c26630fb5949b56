from core.exceptions import DomainError


class RecruitmentError(DomainError):
    """A refusal in the recruitment pipeline (R-RC-…): Chinese message, rule ID, what to do."""
