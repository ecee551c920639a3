"""lost reasons and snooze

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 13:33:37.525278
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table('lost_reasons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=75), nullable=False),
    sa.Column('label_key', sa.String(length=75), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_lost_reasons_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lost_reasons')),
    sa.UniqueConstraint('team_id', 'label_key', name=op.f('uq_lost_reasons_team_id_label_key'))
    )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('snoozed_until', sa.Date(), nullable=True))




def downgrade() -> None:

    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_column('snoozed_until')

    op.drop_table('lost_reasons')

