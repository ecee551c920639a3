"""Follow-ups after signing: the admin's rules, the reminders they create, and Done."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.blockkit_limits import message_problems
from bot.devtools.render_text import render_blocks
from bot.views.nudging import followup_done, followup_message
from commands.deals import transitions
from commands.errors import DomainError, Forbidden
from commands.nudging import Recipient, followups, nudges
from storage.models import Role
from tests.conftest import make_actor
from tests.nudge_support import MONDAY, TEAM, deal, member, stages, workspace

WON_AT = datetime(2027, 2, 15, 15, 0, tzinfo=UTC)
PROCESS = "Processus commercial"


def _admin(at: datetime = WON_AT - timedelta(days=1)) -> object:
    return make_actor("U0BOSS", role=Role.ADMIN, team_id=TEAM, now=at)


def _setup(session: Session) -> None:
    workspace(session)
    member(session, "U0BOSS", role=Role.ADMIN)
    member(session, "U0REP")


def test_admins_add_list_and_remove_rules(session: Session) -> None:
    _setup(session)
    admin = _admin()
    added = followups.handle(
        session=session,
        actor=admin,  # type: ignore[arg-type]
        text=f'ajouter "{PROCESS}" gagnée 30 jours Appeler pour vérifier la satisfaction',
    )
    assert added.key == "followup.added_won"
    [rule] = added.rules
    assert (rule.trigger, rule.days, rule.text) == (
        "won",
        30,
        "Appeler pour vérifier la satisfaction",
    )
    staged = followups.handle(
        session=session,
        actor=admin,  # type: ignore[arg-type]
        text=f'add "{PROCESS}" stage "Proposition envoyée" 7 Relancer la proposition',
    )
    assert staged.rules[1].stage == "Proposition envoyée" and staged.rules[1].days == 7
    removed = followups.handle(session=session, actor=admin, text=f"retirer #{rule.id}")  # type: ignore[arg-type]
    assert [r.days for r in removed.rules] == [7]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("ajouter Inconnu gagnée 30 x", "followup.process_unknown"),
        (f'ajouter "{PROCESS}" gagnée 999 x', "followup.days_invalid"),
        (f'ajouter "{PROCESS}" gagnée 30', "followup.text_required"),
        (f'ajouter "{PROCESS}" étape Nulle 3 x', "followup.stage_unknown"),
        ("n'importe quoi", "followup.usage"),
        ("retirer #999", "followup.rule_unknown"),
    ],
)
def test_bad_rules_are_refused_with_a_reason(session: Session, text: str, key: str) -> None:
    _setup(session)
    with pytest.raises(DomainError) as refused:
        followups.handle(session=session, actor=_admin(), text=text)  # type: ignore[arg-type]
    assert refused.value.key == key


def test_reps_cannot_set_rules(session: Session) -> None:
    _setup(session)
    with pytest.raises(Forbidden):
        followups.handle(session=session, actor=make_actor("U0REP", team_id=TEAM), text="list")


def _recipient(day: date) -> Recipient:
    moment = datetime.combine(day, datetime.min.time(), UTC) + timedelta(hours=8)
    return Recipient("U0REP", "fr", "Europe/Paris", Role.REP, None, day, moment)


def test_a_win_creates_a_follow_up_due_n_days_later_sent_once_and_done(session: Session) -> None:
    _setup(session)
    followups.handle(
        session=session, actor=_admin(), text=f'add "{PROCESS}" won 30 Appeler le client'
    )  # type: ignore[arg-type]
    followups.handle(
        session=session,
        actor=_admin(),  # type: ignore[arg-type]
        text=f'add "{PROCESS}" stage 2 3 Préparer le rendez-vous',
    )
    won = deal(session, "U0REP", account="Signé", created=WON_AT - timedelta(days=20))
    transitions.win(
        session=session, actor=make_actor("U0REP", team_id=TEAM, now=WON_AT), opportunity=won
    )
    deal(
        session,
        "U0REP",
        account="Avant la règle",
        created=WON_AT - timedelta(days=30),
        entered=WON_AT - timedelta(days=3),
        stage=1,
    )
    session.flush()
    assert (
        followups.materialize(session=session, team_id=TEAM, now=WON_AT + timedelta(hours=1)) == 1
    )
    assert (
        followups.materialize(session=session, team_id=TEAM, now=WON_AT + timedelta(hours=2)) == 0
    )
    due_on = date(2027, 3, 17)  # 15 February + 30 days
    assert (
        followups.build(
            session=session, team_id=TEAM, recipients=[_recipient(due_on - timedelta(days=1))]
        )
        == []
    )
    [message] = followups.build(session=session, team_id=TEAM, recipients=[_recipient(due_on)])
    [item] = message.items
    assert item.text == "Appeler le client" and item.card.account == "Signé"
    rendered = followup_message(message)
    assert not message_problems(rendered["blocks"], rendered["text"])
    assert "Appeler le client" in render_blocks(rendered["blocks"]).text
    followups.mark_sent(session=session, message=message)
    assert followups.build(session=session, team_id=TEAM, recipients=[_recipient(due_on)]) == []
    done = followups.done(
        session=session, actor=make_actor("U0REP", team_id=TEAM, now=MONDAY), followup_id=item.id
    )
    assert not done.already and done.by == "U0REP"
    redrawn = followup_done(rendered["blocks"], done, "fr")
    assert "Fait (<@U0REP>)" in str(redrawn) and "followup_done" not in str(redrawn)
    again = followups.done(
        session=session, actor=make_actor("U0REP", team_id=TEAM, now=MONDAY), followup_id=item.id
    )
    assert again.already


def test_entering_a_stage_triggers_its_rule(session: Session) -> None:
    _setup(session)
    followups.handle(
        session=session,
        actor=_admin(),  # type: ignore[arg-type]
        text=f'add "{PROCESS}" stage "Rendez-vous planifié" 2 Préparer le rendez-vous',
    )
    moved = deal(session, "U0REP", account="Rdv", created=WON_AT - timedelta(days=10))
    transitions.move(
        session=session,
        actor=make_actor("U0REP", team_id=TEAM, now=WON_AT),
        opportunity=moved,
        stage=stages(session)[1],
    )
    session.flush()
    followups.materialize(session=session, team_id=TEAM, now=WON_AT + timedelta(minutes=5))
    [message] = followups.build(
        session=session, team_id=TEAM, recipients=[_recipient(date(2027, 2, 17))]
    )
    assert message.items[0].text == "Préparer le rendez-vous"
    assert nudges.NUDGE != followups.FOLLOWUP  # a message of its own kind, keyed apart
