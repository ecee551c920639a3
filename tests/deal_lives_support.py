"""The model of `test_deal_lives` (deals, stages), what an edit should do, and the checks
every drawing must pass (slack_sdk's models and Slack's limits).

An edit touches many fields at once, by text (`/opp edit #N amount 7500 | close …`) or by the
modal; each field that really changes is one history line, and the first refusal wins: what
cannot be read (in the order typed), then who may change the deal, then who may own it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from hypothesis import strategies as st
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.blockkit_limits import message_problems, view_problems
from commands.context import Actor
from commands.deals.cards import Card
from commands.deals.edit import EditForm
from commands.nudging.nudges import Attention
from commands.nudging.stuck import Threshold
from commands.parsing import parse_amount
from storage.models import ChangeKind, Role, Status
from storage.nudging import Candidate, Mark

# People: a rep and their manager, a colleague with no manager, an admin.
ROLES = {"U0REP": Role.REP, "U0MATE": Role.REP, "U0BOSS": Role.MANAGER, "U0ADMIN": Role.ADMIN}
# Words people type, with what breaks careless code: entities, mentions, markup, emoji.
WORDS = [
    "Dupond", "l'offre", "R&D", "a<b", "c>d", "café", "naïve", "O’Neil", "*gras*", "_it_",
    "~x~", "`code`", "<@U0REP>", "@here", "<!channel>", "#3", "100%", "💼", "Ünïcödé",
    "https://x.y/<z>", "x" * 60,
]  # fmt: skip

TEXT_FIELDS = ["amount", "close", "probability", "next", "origin", "product", "title", "owner"]
FIELD_WORDS = {
    "amount": ["amount", "montant", "prix"],
    "close": ["close", "signature", "date"],
    "probability": ["probability", "proba"],
    "next": ["next-step", "prochaine-etape", "action"],
    "origin": ["origin", "source"],
    "product": ["product", "produit"],
    "title": ["title", "titre"],
    "owner": ["owner", "commercial"],
    "process": ["process", "processus"],
}
LIMITS = {"title": 200, "origin": 100, "product": 100, "next": 300}


@dataclass
class EditPlan:
    text: str
    expected: str | None  # the refusal's key, or None when it is done
    apply: Callable[[], None]


def _single(words: list[str]) -> str:
    return " ".join(" ".join(words).split())


def plan_text_edit(machine: Any, actor: Actor, deal: Any, data: st.DataObject) -> EditPlan:
    """A random `/opp edit` line for `deal`, and what it should do."""
    names = data.draw(
        st.lists(st.sampled_from([*TEXT_FIELDS, "process"]), min_size=1, max_size=3, unique=True)
    )
    clauses: list[str] = []
    errors: list[str] = []
    changes: list[Callable[[], None]] = []
    owner_to: str | None = None
    for name in names:
        word = data.draw(st.sampled_from(FIELD_WORDS[name]))
        if name == "amount":
            units = data.draw(st.integers(1, 2_000_000))
            clauses.append(f"{word} {units}")
            changes.append(lambda u=units: _set(deal, "amount", u * 100, ChangeKind.AMOUNT))
        elif name == "close":
            day = actor.today + timedelta(days=data.draw(st.integers(-2, 900)))
            clauses.append(f"{word} {day.isoformat()}")
            if day < actor.today:
                errors.append("parse.date_past")
            changes.append(lambda d=day: _set(deal, "close", d, ChangeKind.CLOSE_DATE))
        elif name == "probability":
            value = data.draw(st.sampled_from(["auto", "aucune", "0", "35", "100", "150"]))
            clauses.append(f"{word} {value}")
            if value == "150":
                errors.append("edit.probability_invalid")
            wanted = int(value) if value.isdigit() else None
            changes.append(lambda w=wanted: _set(deal, "override", w, ChangeKind.PROBABILITY))
        elif name == "next":
            mode = data.draw(st.sampled_from(["clear", "quoted", "plain"]))
            step = _single(data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=4)))
            day = actor.today + timedelta(days=data.draw(st.integers(-1, 300)))
            if mode == "clear":
                clauses.append(f"{word} aucun")
                step, when = "", None
            elif mode == "quoted":
                clauses.append(f'{word} "{step}" {day.isoformat()}')
                when = day
            else:
                clauses.append(f"{word} {step}")
                when = None
            if len(step) > LIMITS["next"]:
                errors.append("parse.text_too_long")
            elif mode == "quoted" and day < actor.today:
                errors.append("parse.date_past")
            changes.append(lambda s=step or None, w=when: _next_step(deal, s, w))
        elif name in ("origin", "product", "title"):
            text = _single(data.draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5)))
            clauses.append(f"{word} {text}")
            if len(text) > LIMITS[name]:
                errors.append("parse.text_too_long")
            kind = ChangeKind(name)
            changes.append(lambda n=name, v=text, k=kind: _set(deal, n, v, k))
        elif name == "owner":
            owner_to = data.draw(st.sampled_from(sorted(ROLES)))
            clauses.append(f"{word} <@{owner_to}>")
            changes.append(lambda o=owner_to: _set(deal, "owner", o, ChangeKind.OWNER))
        else:
            process = data.draw(st.sampled_from([*machine.processes.values(), "Inconnu"]))
            clauses.append(f"{word} {process}")
            found = [p for p, n in machine.processes.items() if n == process]
            if not found:
                errors.append("edit.process_unknown")
            else:
                stage = _same_rank(machine, deal, found[0])
                changes.append(lambda s=stage: machine.set_stage(deal, s))
    expected: str | None = errors[0] if errors else None
    if expected is None and not machine.may(actor.user_id, deal.owner):
        expected = "perm.not_your_deal"
    moved_to = owner_to not in (None, deal.owner)
    if expected is None and moved_to and not machine.may(actor.user_id, owner_to):
        expected = "edit.owner_forbidden"

    def apply() -> None:
        for change in changes:
            change()

    return EditPlan(" | ".join(clauses), expected, apply)


def _same_rank(machine: Any, deal: Any, process_id: int) -> Any:
    """The stage of the same rank in the new process (or its last), from the first when the
    deal sits in a removed stage: where `edit process` puts a deal."""
    here = machine.stages[deal.stage]
    live_here = machine.live(here.process_id)
    rank = live_here.index(here) if here.live else 0
    there = machine.live(process_id)
    return there[min(rank, len(there) - 1)]


def _set(deal: Any, name: str, value: object, kind: ChangeKind) -> None:
    if getattr(deal, name) != value:
        setattr(deal, name, value)
        deal.history[kind] += 1


def _next_step(deal: Any, step: str | None, when: date | None) -> None:
    _set(deal, "next_step", step, ChangeKind.NEXT_STEP)
    _set(deal, "next_date", when, ChangeKind.NEXT_STEP_DATE)


def plan_form_edit(machine: Any, actor: Actor, deal: Any, form: EditForm) -> EditPlan:
    """What the edit modal, submitted as `form`, should do to `deal`."""
    errors: set[str] = set()
    changes: list[Callable[[], None]] = []
    title = form.title.strip()
    if title and title != deal.title:
        changes.append(lambda: _set(deal, "title", title[:200], ChangeKind.TITLE))
    amount = int(form.amount) * 100 if form.amount.isdigit() else parse_amount(form.amount).minor
    changes.append(lambda: _set(deal, "amount", amount, ChangeKind.AMOUNT))
    if form.close_date and form.close_date != deal.close.isoformat():
        picked = date.fromisoformat(form.close_date)
        if picked < actor.today:
            errors.add("close_date")
        changes.append(lambda: _set(deal, "close", picked, ChangeKind.CLOSE_DATE))
    if form.stage_id.isdigit() and int(form.stage_id) != deal.stage:
        stage = machine.stages[int(form.stage_id)]
        if not stage.live:
            errors.add("stage")
        changes.append(lambda: machine.set_stage(deal, stage))
    typed = form.probability.replace("%", "").strip()
    wanted = int(typed) if typed else None
    changes.append(lambda: _set(deal, "override", wanted, ChangeKind.PROBABILITY))
    for name in ("origin", "product"):
        value = getattr(form, name).strip()[:100] or None
        if value is not None:
            kind = ChangeKind(name)
            changes.append(lambda n=name, v=value, k=kind: _set(deal, n, v, k))
    step = form.next_step.strip()
    if step:
        when = date.fromisoformat(form.next_step_date) if form.next_step_date else None
        changes.append(lambda: _next_step(deal, step[:300], when))
    elif deal.next_step:
        changes.append(lambda: _next_step(deal, None, None))
    checked = frozenset(form.qualification)
    changes.append(lambda: _set(deal, "qualification", checked, ChangeKind.QUALIFICATION))
    expected: str | None = "form:" + ",".join(sorted(errors)) if errors else None
    if expected is None and not machine.may(actor.user_id, deal.owner):
        expected = "perm.not_your_deal"

    def apply() -> None:
        for change in changes:
            change()

    return EditPlan("", expected, apply)


TITLE_WORDS = ["peinture", "toiture", "façade", "R&D", "audit", "l'atelier", "café"]


@dataclass
class StageModel:
    id: int
    process_id: int
    name: str
    probability: int
    position: int
    live: bool = True


@dataclass
class DealModel:
    number: int
    owner: str
    stage: int
    amount: int
    close: date
    title: str
    entered: datetime
    status: Status = Status.OPEN
    override: int | None = None
    next_step: str | None = None
    next_date: date | None = None
    origin: str | None = None
    product: str | None = None
    qualification: frozenset[str] = frozenset()
    lost_reason: str | None = None
    closed_at: datetime | None = None
    history: Counter[str] = field(default_factory=lambda: Counter({ChangeKind.CREATED: 1}))


def text_of(words: list[str]) -> str:
    return " ".join(words)


def attention(card: Card, reader: Actor) -> Attention:
    """The nudge's reasons at their fullest: stuck, slipped and a missed next step."""
    entered = datetime.combine(card.created_at.date(), time(), UTC)
    candidate = Candidate(
        id=card.number, number=card.number, owner_id=card.owner_id, stage_id=card.stage.id,
        stage_entered_at=entered, close_date=card.close_date, next_step_date=card.next_step_date,
        snoozed_until=None, amount_minor=card.amount_minor, mark=None,
    )  # fmt: skip
    mark = Mark(reader.today, entered, card.close_date, card.next_step_date, 2)
    return Attention(
        candidate=candidate,
        threshold=Threshold(days=7, source="admin", stays=0),
        stuck=True,
        slipped=card.overdue,
        next_step_missed=card.next_step_date is not None,
        escalate=True,
        mark=mark,
        today=reader.today,
        tz=reader.tz,
    )


def check_message(blocks: list[dict[str, Any]], text: str | None) -> None:
    problems = message_problems(blocks, text)
    assert not problems, problems
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None, block
        parsed.validate_json()


def check_view(view: dict[str, Any]) -> None:
    problems = view_problems(view)
    assert not problems, problems
    View(**view).validate_json()


@st.composite
def form_answers(draw: st.DrawFn, fields: dict[str, Any], today: date) -> dict[str, str]:
    """What a person types over the pre-filled edit modal: some fields, never all."""
    answers: dict[str, str] = {}
    for block_id, found in fields.items():
        if not draw(st.booleans()):
            continue
        kind = found.type
        if kind == "datepicker":
            answers[block_id] = (today + timedelta(days=draw(st.integers(-3, 500)))).isoformat()
        elif kind == "static_select" and found.options:
            answers[block_id] = str(draw(st.integers(1, len(found.options))))
        elif kind == "checkboxes":
            picked = draw(st.sets(st.integers(1, len(found.options)), max_size=len(found.options)))
            answers[block_id] = ",".join(map(str, sorted(picked)))
        elif block_id == "amount":
            answers[block_id] = str(draw(st.integers(1, 2_000_000)))
        elif block_id == "probability":
            answers[block_id] = draw(st.sampled_from(["", "0", "35", "100"]))
        elif not found.optional:
            answers[block_id] = text_of(draw(st.lists(st.sampled_from(TITLE_WORDS), min_size=1)))
        else:
            answers[block_id] = text_of(draw(st.lists(st.sampled_from(WORDS), max_size=3)))
    return answers
