"""Forecast categories: how sure the owner is that a deal signs in its month.

Every open deal is in one: `commit` (« engagé »), `best-case` (« meilleur cas »), `pipeline` or
`omit` (« exclu »). Its default comes from its stage: the category an admin set on the stage,
else the stage's probability (≥ 85 % commit, ≥ 40 % best-case, else pipeline). The owner may
override it on the deal. Calls, the roll-up and accuracy sum deals by this category.
"""

from __future__ import annotations

import enum

from commands.i18n import t
from storage.text import fold


class Category(enum.StrEnum):
    COMMIT = "commit"
    BEST_CASE = "best-case"
    PIPELINE = "pipeline"
    OMIT = "omit"


# A stage's probability from which its deals are, by default, commit or best-case.
COMMIT_FROM = 85
BEST_CASE_FROM = 40

ORDER = (Category.COMMIT, Category.BEST_CASE, Category.PIPELINE, Category.OMIT)

# What people type, folded (storage.text.fold), in either language.
_TYPED = {
    "commit": Category.COMMIT,
    "engage": Category.COMMIT,
    "engagement": Category.COMMIT,
    "best-case": Category.BEST_CASE,
    "best case": Category.BEST_CASE,
    "bestcase": Category.BEST_CASE,
    "meilleur cas": Category.BEST_CASE,
    "meilleur-cas": Category.BEST_CASE,
    "pipeline": Category.PIPELINE,
    "pipe": Category.PIPELINE,
    "omit": Category.OMIT,
    "omitted": Category.OMIT,
    "exclu": Category.OMIT,
    "exclure": Category.OMIT,
}


def default_category(probability: int) -> Category:
    """The category of a stage without one set, by its probability."""
    if probability >= COMMIT_FROM:
        return Category.COMMIT
    if probability >= BEST_CASE_FROM:
        return Category.BEST_CASE
    return Category.PIPELINE


def category_of(*, own: str | None, stage_category: str | None, stage_probability: int) -> Category:
    """A deal's category: its owner's choice, else its stage's, else by the stage's probability."""
    for chosen in (own, stage_category):
        if chosen:
            return Category(chosen)
    return default_category(stage_probability)


def parse_category(text: str) -> Category | None:
    """A category as typed in French or English ("engagé", "best case", "Exclu"), or None."""
    return _TYPED.get(fold(text).strip(" .«»\"'"))


def label(lang: str, category: Category) -> str:
    """The category's name in the reader's language."""
    return t(lang, f"category.{category.value}")
