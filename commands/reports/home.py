"""The App Home: my pipeline per stage, my next three months, and the deals that need me."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.context import Actor
from commands.deals import Card, card_of
from commands.nudging import stuck
from commands.permissions import may_act_for_any
from commands.reports import board as pipeline
from commands.reports import forecast as forecasting
from commands.reports.board import filters_of
from storage import queries, reports
from storage.models import Role

ATTENTION = 12  # deals shown with their buttons: two blocks each, within the 100-block view


@dataclass(frozen=True)
class Home:
    board: pipeline.Board
    forecast: forecasting.Forecast
    attention: tuple[Card, ...]  # stuck or overdue, most valuable first
    attention_count: int
    reps: tuple[tuple[str, str], ...]  # (user id, name) a manager may switch to
    selected: str  # "" for me, "team", or a rep's id


def home(*, session: Session, actor: Actor, selected: str = "") -> Home:
    """`selected` is what a manager picked in the Home's selector; checked like /pipeline."""
    text = "team" if selected == "team" else (f"<@{selected}>" if selected else "")
    board = pipeline.board(session=session, actor=actor, text=text, deals_budget=0)
    outlook = forecasting.forecast(session=session, actor=actor, text=f"{text} 3")
    filters = filters_of(actor, board.scope)
    # Stuck as in the nudges: the same thresholds (history's cached for a few minutes).
    processes = queries.all_processes(session=session, team_id=actor.team_id)
    stages = [s for p in processes for s in p.stages]
    limits = stuck.recent_thresholds(
        session=session, team_id=actor.team_id, now=actor.now, stages=stages
    )
    cutoffs = stuck.stuck_before(limits, today=actor.today, tz=actor.tz)
    count, deals = reports.attention(
        session=session, filters=filters, today=actor.today, stuck_before=cutoffs, limit=ATTENTION
    )
    mine = may_act_for_any(session=session, actor=actor)
    attention = [card_of(d, actor, may_change=mine(d.owner_id)) for d in deals]
    reps: tuple[tuple[str, str], ...] = ()
    if actor.role in (Role.MANAGER, Role.ADMIN):
        team = queries.team_of(session=session, team_id=actor.team_id, manager_id=actor.user_id)
        names = queries.member_names(session=session, team_id=actor.team_id, user_ids=team)
        reps = tuple(sorted(((u, names.get(u) or u) for u in team), key=lambda r: r[1].lower()))
    return Home(
        board=board,
        forecast=outlook,
        attention=tuple(attention),
        attention_count=count,
        reps=reps,
        selected=selected,
    )
