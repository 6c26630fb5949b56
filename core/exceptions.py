class DomainError(Exception):
    """Base of every domain refusal. The message is Chinese, names the rule and says what to do.

    ``field`` names the operation's keyword argument the refusal is about (``due_on``, ``reason``); a form
    whose field has that name shows the message beside it (core.operations.run_form), otherwise at the top.
    """

    def __init__(
        self,
        message: str,
        *,
        rule: str | None = None,
        problems: list[str] | None = None,
        field: str | None = None,
    ):
        self.rule = rule
        self.problems = problems or [message]
        self.field = field
        super().__init__(message)

    @property
    def message(self) -> str:
        return str(self)
