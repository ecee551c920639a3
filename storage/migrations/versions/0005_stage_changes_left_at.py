"""stage_changes.left_at and the stats indexes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-27 16:40:00.000000

Each stay row (created, stage, status, process) gets the time its stay ended: the time of the
deal's next such row, in (changed_at, id) order, as `storage.stays` keeps it from now on.
Backfilled by one `UPDATE … FROM` over a window (PostgreSQL, and SQLite ≥ 3.33), then indexed:
building the indexes after the update keeps the update from maintaining them row by row.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Frozen here: the migration must not change when the application's list does.
_STAY_KINDS = "('created', 'stage', 'status', 'process')"

_BACKFILL = f"""
UPDATE stage_changes SET left_at = later.left_at
FROM (
    SELECT id, lead(changed_at) OVER (
        PARTITION BY opportunity_id ORDER BY changed_at, id
    ) AS left_at
    FROM stage_changes
    WHERE kind IN {_STAY_KINDS}
) AS later
WHERE stage_changes.id = later.id AND later.left_at IS NOT NULL
"""


def upgrade() -> None:
    op.add_column('stage_changes', sa.Column('left_at', sa.DateTime(timezone=True), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        # One big sort for the window; the default 4 MB would spill it to disk in many runs.
        op.execute("SET LOCAL work_mem = '256MB'")
    op.execute(_BACKFILL)
    columns = ['kind', 'left_at', 'to_stage_id', 'changed_at', 'from_value', 'to_value',
               'from_stage_id']
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stage_changes_stays', ['team_id', *columns, 'opportunity_id'], unique=False
        )
        batch_op.create_index(
            'ix_stage_changes_deal_stays', ['opportunity_id', *columns, 'team_id'], unique=False
        )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_index(
            'ix_opportunities_stats',
            ['team_id', 'owner_id', 'updated_at', 'process_id', 'status', 'created_at',
             'closed_at', 'amount_minor', 'stage_id', 'id', 'origin', 'product'],
            unique=False,
        )
    if bind.dialect.name == 'postgresql':
        # Every stay row was rewritten: fresh statistics for the planner (autovacuum would
        # take a while on millions of rows).
        op.execute('ANALYZE stage_changes')


def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_stats')
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_changes_deal_stays')
        batch_op.drop_index('ix_stage_changes_stays')
        batch_op.drop_column('left_at')
