from core.exceptions import DomainError


class ConversionError(DomainError):
    """A refusal in conversion management (R-CV-…)."""


class LedgerImmutableError(ConversionError):
    """R-CV-05: ledger entries are never updated or deleted; a wrong entry is corrected by a reversing entry."""

    def __init__(
        self, message: str = "积分分录只能追加，不能修改或删除；如有错误请录入冲正分录（R-CV-05）。"
    ):
        super().__init__(message, rule="R-CV-05")
