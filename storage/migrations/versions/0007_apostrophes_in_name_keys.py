"""one apostrophe in name keys

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 17:00:00.000000

`storage.text.fold` now straightens the curly apostrophes (’ ‘ ʼ) that Slack on a Mac and phones
type, so "Appel d’offres" and "Appel d'offres" are one name. The keys stored before were folded
without that: recompute the keys of the names that hold one, for processes, accounts and lost
reasons. When two rows of a workspace now fold alike ("L'Oréal" and "L’Oréal" as two accounts),
the one already keyed that way keeps the key and the other keeps its old key: merging accounts
is not a migration's call, and the unique key must hold.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: the migration must not change when the application's folding does.
_CURLY = "\u2019\u2018\u02bc"
_TABLES = (
    ('sales_processes', 'name', 'name_key'),
    ('accounts', 'name', 'name_key'),
    ('lost_reasons', 'label', 'label_key'),
)


def _fold_before(text: str) -> str:
    decomposed = unicodedata.normalize('NFKD', text.casefold())
    bare = ''.join(c for c in decomposed if not unicodedata.combining(c))
    return ' '.join(bare.split())


def _fold_after(text: str) -> str:
    return _fold_before(text.translate(str.maketrans(_CURLY, "'" * len(_CURLY))))


def _rekey(fold: Callable[[str], str]) -> None:
    connection = op.get_bind()
    for name, text_column, key_column in _TABLES:
        table = sa.table(
            name, sa.column('id'), sa.column('team_id'), sa.column(text_column),
            sa.column(key_column),
        )
        text, key = table.c[text_column], table.c[key_column]
        has_curly = sa.or_(*(text.contains(c, autoescape=True) for c in _CURLY))
        rows = connection.execute(
            sa.select(table.c.id, table.c.team_id, text, key).where(has_curly).order_by(table.c.id)
        ).all()
        for row_id, team_id, value, old_key in rows:
            new_key = fold(value)
            if new_key == old_key:
                continue
            taken = connection.execute(
                sa.select(table.c.id).where(table.c.team_id == team_id, key == new_key)
            ).first()
            if taken is None:
                connection.execute(
                    sa.update(table).where(table.c.id == row_id).values({key_column: new_key})
                )


def upgrade() -> None:
    _rekey(_fold_after)


def downgrade() -> None:
    _rekey(_fold_before)
