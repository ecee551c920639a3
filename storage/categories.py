"""The forecast category of a deal, in SQL: for sums by category over many deals.

The same rule as `commands.deals.category.category_of` (which owns it and passes the
thresholds): the deal's own category, else its stage's, else by the stage's probability. The
statement must join `Stage` on `Opportunity.stage_id`.
"""

from __future__ import annotations

from sqlalchemy import case, func, literal
from sqlalchemy.sql.elements import ColumnElement

from storage.models import Opportunity, Stage


def category_sql(*, commit_from: int, best_case_from: int) -> ColumnElement[str]:
    """`commit`, `best-case`, `pipeline` or `omit` for each deal row (Stage joined)."""
    by_probability = case(
        (Stage.probability >= commit_from, literal("commit")),
        (Stage.probability >= best_case_from, literal("best-case")),
        else_=literal("pipeline"),
    )
    return func.coalesce(Opportunity.forecast_category, Stage.forecast_category, by_probability)
