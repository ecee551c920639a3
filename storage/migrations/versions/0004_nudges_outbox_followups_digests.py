"""nudges outbox followups digests

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-27 13:58:36.256647
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('apscheduler_jobs',
    sa.Column('id', sa.Unicode(length=191), nullable=False),
    sa.Column('next_run_time', sa.Float(precision=25), nullable=True),
    sa.Column('job_state', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_apscheduler_jobs'))
    )
    with op.batch_alter_table('apscheduler_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_apscheduler_jobs_next_run_time'), ['next_run_time'], unique=False)

    op.create_table('digest_snapshots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('manager_id', sa.String(length=32), nullable=False),
    sa.Column('week', sa.String(length=10), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('amount_minor', sa.BigInteger(), nullable=False),
    sa.Column('weighted_minor', sa.BigInteger(), nullable=False),
    sa.Column('taken_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_digest_snapshots_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_digest_snapshots')),
    sa.UniqueConstraint('team_id', 'manager_id', 'week', name=op.f('uq_digest_snapshots_team_id_manager_id_week'))
    )
    op.create_table('outbox',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('recipient', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('period', sa.String(length=48), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('uncertain', sa.Boolean(), nullable=False),
    sa.Column('first_attempt_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('ts', sa.String(length=32), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_outbox_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('team_id', 'recipient', 'kind', 'period', name=op.f('uq_outbox_team_id_recipient_kind_period'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_due', ['status', 'due_at'], unique=False)
        batch_op.create_index('ix_outbox_period', ['team_id', 'kind', 'period'], unique=False)

    op.create_table('followup_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('process_id', sa.Integer(), nullable=False),
    sa.Column('trigger', sa.String(length=8), nullable=False),
    sa.Column('stage_id', sa.Integer(), nullable=True),
    sa.Column('days', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('created_by', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('scanned_until', sa.DateTime(timezone=True), nullable=False),
    sa.Column('removed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['process_id'], ['sales_processes.id'], name=op.f('fk_followup_rules_process_id_sales_processes')),
    sa.ForeignKeyConstraint(['stage_id'], ['stages.id'], name=op.f('fk_followup_rules_stage_id_stages')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_followup_rules_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followup_rules'))
    )
    with op.batch_alter_table('followup_rules', schema=None) as batch_op:
        batch_op.create_index('ix_followup_rules_team', ['team_id', 'removed_at'], unique=False)

    op.create_table('followups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=False),
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_by', sa.String(length=32), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_followups_opportunity_id_opportunities')),
    sa.ForeignKeyConstraint(['rule_id'], ['followup_rules.id'], name=op.f('fk_followups_rule_id_followup_rules')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_followups_team_id_workspaces')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_followups')),
    sa.UniqueConstraint('rule_id', 'opportunity_id', name=op.f('uq_followups_rule_id_opportunity_id'))
    )
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.create_index('ix_followups_due', ['team_id', 'status', 'due_on'], unique=False)

    op.create_table('nudge_marks',
    sa.Column('opportunity_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('nudged_on', sa.Date(), nullable=False),
    sa.Column('stay_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('close_date', sa.Date(), nullable=True),
    sa.Column('next_step_date', sa.Date(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['opportunity_id'], ['opportunities.id'], name=op.f('fk_nudge_marks_opportunity_id_opportunities')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_nudge_marks_team_id_workspaces')),
    sa.PrimaryKeyConstraint('opportunity_id', name=op.f('pk_nudge_marks'))
    )
    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.add_column(sa.Column('digest_enabled', sa.Boolean(), server_default=sa.text('true'), nullable=False))
        batch_op.add_column(sa.Column('digest_channel', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('digest_weekday', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('digest_minute', sa.Integer(), server_default=sa.text('510'), nullable=False))

    # The nudge scan's indexes hold open deals' dates only (see storage.models.open_only).
    op.create_index('ix_opportunities_stuck', 'opportunities', ['team_id', 'stage_id', sa.text("(CASE WHEN (status = 'open') THEN stage_entered_at END)")], unique=False)
    op.create_index('ix_opportunities_slipped', 'opportunities', ['team_id', sa.text("(CASE WHEN (status = 'open') THEN close_date END)")], unique=False)
    op.create_index('ix_opportunities_next_step', 'opportunities', ['team_id', sa.text("(CASE WHEN (status = 'open') THEN next_step_date END)")], unique=False)



def downgrade() -> None:
    op.drop_index('ix_opportunities_next_step', table_name='opportunities')
    op.drop_index('ix_opportunities_slipped', table_name='opportunities')
    op.drop_index('ix_opportunities_stuck', table_name='opportunities')

    with op.batch_alter_table('members', schema=None) as batch_op:
        batch_op.drop_column('digest_minute')
        batch_op.drop_column('digest_weekday')
        batch_op.drop_column('digest_channel')
        batch_op.drop_column('digest_enabled')

    op.drop_table('nudge_marks')
    with op.batch_alter_table('followups', schema=None) as batch_op:
        batch_op.drop_index('ix_followups_due')

    op.drop_table('followups')
    with op.batch_alter_table('followup_rules', schema=None) as batch_op:
        batch_op.drop_index('ix_followup_rules_team')

    op.drop_table('followup_rules')
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_period')
        batch_op.drop_index('ix_outbox_due')

    op.drop_table('outbox')
    op.drop_table('digest_snapshots')
    with op.batch_alter_table('apscheduler_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_apscheduler_jobs_next_run_time'))

    op.drop_table('apscheduler_jobs')
