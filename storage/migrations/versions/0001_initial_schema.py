"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-27 13:22:22.680172
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    
    op.create_table('workspaces',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('opportunity_seq', sa.Integer(), nullable=False),
    sa.Column('announce_channel', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_workspaces'))
    )
    op.create_table('accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_accounts_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_accounts')),
    sa.UniqueConstraint('team_id', 'name_key', name=op.f('uq_accounts_team_id_name_key'))
    )
    op.create_table('members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('manager_id', sa.String(length=32), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('profile_checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('nudges_enabled', sa.Boolean(), nullable=False),
    sa.Column('nudge_minute', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_members_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_members')),
    sa.UniqueConstraint('team_id', 'user_id', name=op.f('uq_members_team_id_user_id'))
    )
    op.create_table('sales_processes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('name_key', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_sales_processes_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sales_processes')),
    sa.UniqueConstraint('team_id', 'name_key', name=op.f('uq_sales_processes_team_id_name_key'))
    )
    op.create_table('stages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('probability', sa.Integer(), nullable=False),
    sa.Column('stuck_after_days', sa.Integer(), nullable=True),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['process_id'], ['sales_processes.id'], name=op.f('fk_stages_process_id_sales_processes')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_stages_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stages'))
    )
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.create_index('ix_stages_process', ['process_id', 'position'], unique=False)

    op.create_table('opportunities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('close_date', sa.Date(), nullable=False),
    sa.Column('owner_id', sa.String(length=32), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('lost_reason', sa.String(length=500), nullable=True),
    sa.Column('origin', sa.String(length=100), nullable=True),
    sa.Column('product', sa.String(length=100), nullable=True),
    sa.Column('next_step', sa.String(length=300), nullable=True),
    sa.Column('next_step_date', sa.Date(), nullable=True),
    sa.Column('probability_override', sa.Integer(), nullable=True),
    sa.Column('need_expressed', sa.Boolean(), nullable=False),
    sa.Column('can_answer', sa.Boolean(), nullable=False),
    sa.Column('blockers_lifted', sa.Boolean(), nullable=False),
    sa.Column('meeting_planned', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('stage_entered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['accounts.id'], name=op.f('fk_opportunities_account_id_accounts')),
    sa.ForeignKeyConstraint(['process_id'], ['sales_processes.id'], name=op.f('fk_opportunities_process_id_sales_processes')),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_opportunities_stage_id_stages')),
    sa.ForeignKeyConstraint(['team_id', 'owner_id'], ['members.team_id', 'members.user_id'], name='fk_opportunities_owner_members'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_opportunities_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opportunities')),
    sa.UniqueConstraint('team_id', 'number', name=op.f('uq_opportunities_team_id_number'))
    )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.create_index('ix_opportunities_account', ['account_id'], unique=False)
        batch_op.create_index('ix_opportunities_owner_open', ['team_id', 'owner_id', 'status', 'stage_id'], unique=False)

    op.create_table('stage_changes',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('changed_by', sa.String(length=32), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_stage_id', sa.Integer(), nullable=True),
    sa.Column('to_stage_id', sa.Integer(), nullable=True),
    sa.Column('from_value', sa.Text(), nullable=True),
    sa.Column('to_value', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['from_stage_id'], ['stages.id'], name=op.f('fk_stage_changes_from_stage_id_stages')),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_stage_changes_opportunity_id_opportunities')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_stage_changes_team_id_workspaces')),
    sa.ForeignKeyConstraint(['to_stage_id'], ['stages.id'], name=op.f('fk_stage_changes_to_stage_id_stages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stage_changes'))
    )
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.create_index('ix_stage_changes_opportunity', ['opportunity_id', 'changed_at'], unique=False)
        batch_op.create_index('ix_stage_changes_team_kind', ['team_id', 'kind', 'changed_at'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_changes_team_kind')
        batch_op.drop_index('ix_stage_changes_opportunity')

    op.drop_table('stage_changes')
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_owner_open')
        batch_op.drop_index('ix_opportunities_account')

    op.drop_table('opportunities')
    with op.batch_alter_table('stages', schema=None) as batch_op:
        batch_op.drop_index('ix_stages_process')

    op.drop_table('stages')
    op.drop_table('sales_processes')
    op.drop_table('members')
    op.drop_table('accounts')
    op.drop_table('workspaces')
    
