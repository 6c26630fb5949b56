class DomainError(Exception):
    """Base of every domain refusal. The message is Chinese, names the rule and says what to do."""

    def __init__(self, message: str, *, rule: str | None = None, problems: list[str] | None = None):
        self.rule = rule
        self.problems = problems or [message]
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)
