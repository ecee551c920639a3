"""running totals for the whole workspace's stats

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-27 20:10:00.000000

Five tables of grouped counts (`storage.tallies` keeps them from now on), filled here from the
deals and their history by one INSERT … SELECT … GROUP BY each; an index that finds the
funnel's backward moves per pair of stages; and a rep's open-deals index widened to cover the
coaching table.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_MONTHS = ['created_month', 'closed_month']
_OWNER_OPEN = ['team_id', 'owner_id', 'status', 'stage_id', 'stage_entered_at', 'created_at',
               'closed_at']


def _table(name: str, keys: list[sa.Column[Any]], measures: list[sa.Column[Any]]) -> None:
    op.create_table(
        name,
        *keys,
        *measures,
        sa.PrimaryKeyConstraint(*(c.name for c in keys), name=op.f(f'pk_{name}')),
    )


def _month_keys() -> list[sa.Column[Any]]:
    return [
        sa.Column('status', sa.String(length=8), nullable=False),
        *(sa.Column(m, sa.String(length=7), nullable=False) for m in _MONTHS),
    ]


def _fill(dialect: str) -> list[str]:
    """The backfill, frozen here (the application's `tallies.rebuild` may change)."""
    if dialect == 'sqlite':
        def month(c: str) -> str:
            return f"substr({c}, 1, 7)"

        def seconds(c: str) -> str:
            # Whole seconds, the fraction dropped (SQLite would round it to milliseconds).
            return f"CAST(strftime('%s', substr({c}, 1, 19)) AS INTEGER)"
    else:
        def month(c: str) -> str:
            return f"to_char(timezone('UTC', {c}), 'YYYY-MM')"

        def seconds(c: str) -> str:
            return f"CAST(floor(extract(epoch FROM {c})) AS BIGINT)"
    created, closed = month('created_at'), f"coalesce({month('closed_at')}, '')"
    cycle = (
        f"CASE WHEN status = 'won' AND closed_at IS NOT NULL "
        f"THEN {seconds('closed_at')} - {seconds('created_at')} ELSE 0 END"
    )
    length = f"({seconds('left_at')} - {seconds('changed_at')})"
    return [
        f"""INSERT INTO owner_tallies
        SELECT team_id, process_id, owner_id, status, {created}, {closed},
               count(*), sum(amount_minor), sum({cycle})
        FROM opportunities GROUP BY 1, 2, 3, 4, 5, 6""",
        f"""INSERT INTO segment_tallies
        SELECT team_id, process_id, coalesce(origin, ''), coalesce(product, ''), status,
               {created}, {closed}, count(*), sum(amount_minor)
        FROM opportunities GROUP BY 1, 2, 3, 4, 5, 6, 7""",
        f"""INSERT INTO stage_tallies
        SELECT team_id, process_id, stage_id, status, {created}, {closed}, count(*)
        FROM opportunities GROUP BY 1, 2, 3, 4, 5, 6""",
        f"""INSERT INTO stay_tallies
        SELECT team_id, to_stage_id, {month('left_at')}, CAST({length} / 86400 AS INTEGER),
               count(*), sum({length})
        FROM stage_changes
        WHERE kind IN ('created', 'stage', 'status') AND left_at IS NOT NULL
          AND to_stage_id IS NOT NULL AND (from_value IS NULL OR from_value <> 'import')
        GROUP BY 1, 2, 3, 4""",
        f"""INSERT INTO amount_tallies
        SELECT o.team_id, o.process_id, {month('c.changed_at')}, {month('o.created_at')},
               coalesce({month('o.closed_at')}, ''), count(*),
               coalesce(sum(CAST(c.to_value AS BIGINT) - CAST(c.from_value AS BIGINT)), 0)
        FROM stage_changes AS c JOIN opportunities AS o ON o.id = c.opportunity_id
        WHERE c.kind = 'amount'
        GROUP BY 1, 2, 3, 4, 5""",
    ]


def upgrade() -> None:
    def team() -> sa.Column[Any]:
        return sa.Column('team_id', sa.String(length=32), nullable=False)

    def process() -> sa.Column[Any]:
        return sa.Column('process_id', sa.Integer(), nullable=False)

    _table(
        'owner_tallies',
        [team(), process(), sa.Column('owner_id', sa.String(length=32), nullable=False),
         *_month_keys()],
        [sa.Column('deals', sa.Integer(), nullable=False),
         sa.Column('amount_minor', sa.BigInteger(), nullable=False),
         sa.Column('cycle_seconds', sa.BigInteger(), nullable=False)],
    )
    _table(
        'segment_tallies',
        [team(), process(),
         sa.Column('origin', sa.String(length=100), nullable=False),
         sa.Column('product', sa.String(length=100), nullable=False),
         *_month_keys()],
        [sa.Column('deals', sa.Integer(), nullable=False),
         sa.Column('amount_minor', sa.BigInteger(), nullable=False)],
    )
    _table(
        'stage_tallies',
        [team(), process(), sa.Column('stage_id', sa.Integer(), nullable=False),
         *_month_keys()],
        [sa.Column('deals', sa.Integer(), nullable=False)],
    )
    _table(
        'stay_tallies',
        [team(), sa.Column('stage_id', sa.Integer(), nullable=False),
         sa.Column('left_month', sa.String(length=7), nullable=False),
         sa.Column('days', sa.Integer(), nullable=False)],
        [sa.Column('stays', sa.Integer(), nullable=False),
         sa.Column('seconds', sa.BigInteger(), nullable=False)],
    )
    _table(
        'amount_tallies',
        [team(), process(), sa.Column('changed_month', sa.String(length=7), nullable=False),
         *(sa.Column(m, sa.String(length=7), nullable=False) for m in _MONTHS)],
        [sa.Column('changes', sa.Integer(), nullable=False),
         sa.Column('step_minor', sa.BigInteger(), nullable=False)],
    )
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.create_index(
            'ix_stage_changes_moves',
            ['team_id', 'kind', 'from_stage_id', 'to_stage_id', 'opportunity_id'],
            unique=False,
        )
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        # Covering for the coaching table too (the stage entry and the dates added).
        batch_op.drop_index('ix_opportunities_owner_open')
        batch_op.create_index('ix_opportunities_owner_open', _OWNER_OPEN, unique=False)
    bind = op.get_bind()
    if bind.dialect.name == 'postgresql':
        op.execute("SET LOCAL work_mem = '256MB'")  # the groupings hashed, not sorted on disk
    for statement in _fill(bind.dialect.name):
        op.execute(statement)


def downgrade() -> None:
    with op.batch_alter_table('opportunities', schema=None) as batch_op:
        batch_op.drop_index('ix_opportunities_owner_open')
        batch_op.create_index('ix_opportunities_owner_open', _OWNER_OPEN[:4], unique=False)
    with op.batch_alter_table('stage_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_stage_changes_moves')
    for name in ('amount_tallies', 'stay_tallies', 'stage_tallies', 'segment_tallies',
                 'owner_tallies'):
        op.drop_table(name)
