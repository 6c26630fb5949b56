"""The period a statistics page counts: a year, a quarter or a month."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from core.dates import local_today, month_bounds, quarter_bounds, quarter_of

FIRST_YEAR = 2000


@dataclass(frozen=True)
class Period:
    """``kind`` is "year", "quarter" or "month"; ``number`` is the quarter (1–4) or month (1–12)."""

    kind: str
    year: int
    number: int = 0

    @property
    def bounds(self) -> tuple[date, date]:
        if self.kind == "quarter":
            return quarter_bounds(self.year, self.number)
        if self.kind == "month":
            return month_bounds(self.year, self.number)
        return date(self.year, 1, 1), date(self.year, 12, 31)

    @property
    def start(self) -> date:
        return self.bounds[0]

    @property
    def end(self) -> date:
        return self.bounds[1]

    @property
    def part(self) -> str:
        """The value of the ``part`` query parameter: "year", "q1"…"q4", "m1"…"m12"."""
        return {"quarter": f"q{self.number}", "month": f"m{self.number}"}.get(self.kind, "year")

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}年第{'一二三四'[self.number - 1]}季度"
        if self.kind == "month":
            return f"{self.year}年{self.number}月"
        return f"{self.year}年"

    @property
    def slug(self) -> str:
        return f"{self.year}-{self.part}"

    @property
    def quarter(self) -> int:
        """The quarter a printed quarterly analysis uses: this quarter, or the one the period starts in."""
        return quarter_of(self.start)

    @classmethod
    def current_quarter(cls, today: date | None = None) -> Period:
        today = today or local_today()
        return cls("quarter", today.year, quarter_of(today))

    @classmethod
    def from_query(cls, params, today: date | None = None) -> Period:
        """Read ``year`` and ``part`` from a query dict; anything missing or malformed gives this quarter."""
        default = cls.current_quarter(today)
        try:
            year = int(params.get("year", default.year))
        except (TypeError, ValueError):
            return default
        if not FIRST_YEAR <= year <= default.year + 1:
            return default
        part = params.get("part", default.part if year == default.year else "year")
        if part == "year":
            return cls("year", year)
        kind = {"q": "quarter", "m": "month"}.get(part[:1])
        try:
            number = int(part[1:])
        except ValueError:
            return default
        if kind == "quarter" and 1 <= number <= 4 or kind == "month" and 1 <= number <= 12:
            return cls(kind, year, number)
        return default


PART_CHOICES: list[tuple[str, str]] = (
    [("year", "全年")]
    + [(f"q{q}", f"第{'一二三四'[q - 1]}季度") for q in range(1, 5)]
    + [(f"m{m}", f"{m}月") for m in range(1, 13)]
)
