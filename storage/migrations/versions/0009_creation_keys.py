"""creation keys: a create delivered twice makes one deal

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 18:00:00.000000

`creation_keys` holds, for a few minutes, what Slack gave with each request that created a
deal (a command's trigger_id, a form's view id and hash) and the deal's number, unique per
workspace: a second delivery of the same request answers with that deal.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('creation_keys',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('number', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_creation_keys_team_id_workspaces')),
    sa.PrimaryKeyConstraint('team_id', 'key', name=op.f('pk_creation_keys'))
    )
    with op.batch_alter_table('creation_keys', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_creation_keys_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('creation_keys', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_creation_keys_created_at'))
    op.drop_table('creation_keys')
