"""targets and board indexes

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 13:42:23.410254
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('targets',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('scope', sa.String(length=8), nullable=False),
    sa.Column('subject', sa.String(length=32), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('set_by', sa.String(length=32), nullable=False),
    sa.Column('set_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_targets_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_targets')),
    sa.UniqueConstraint('team_id', 'scope', 'subject', 'month', name=op.f('uq_targets_team_id_scope_subject_month'))
    )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_index('ix_opportunities_board', ['team_id', 'status', 'stage_id', 'amount_minor', 'probability_override'], unique=False)
        batch_op.create_index('ix_opportunities_forecast', ['team_id', 'status', 'close_date', 'amount_minor', 'stage_id', 'probability_override'], unique=False)
        batch_op.create_index('ix_opportunities_owner_close', ['team_id', 'owner_id', 'status', 'close_date'], unique=False)




def downgrade() -> None:

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_owner_close')
        batch_op.drop_index('ix_opportunities_forecast')
        batch_op.drop_index('ix_opportunities_board')

    op.drop_table('targets')

