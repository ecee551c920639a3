"""members.locale: the reader's own Slack locale

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 17:35:00.000000

The locale Slack gives in `users.info` (`en-GB`, `fr-CA`…), kept so dates and numbers are
formatted the way the reader writes them, not only in their language's main country. Null until
the profile is next read from Slack (at most a week): the language's formats apply meanwhile.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('members', sa.Column('locale', sa.String(length=16), nullable=True))


def downgrade() -> None:
    # A plain DROP COLUMN (SQLite 3.35+): a batch copy of `members` would trip the foreign keys
    # of the tables that point at it.
    op.drop_column('members', 'locale')
