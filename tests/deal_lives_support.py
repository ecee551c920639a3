"""What an edit of a deal should do, predicted from the model of `test_deal_lives`.

An edit touches many fields at once, by text (`/opp edit #N amount 7500 | close …`) or by the
modal; each field that really changes is one history line, and the first refusal wins: what
cannot be read (in the order typed), then who may change the deal, then who may own it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from hypothesis import strategies as st

from commands.context import Actor
from commands.deals.edit import EditForm
from commands.parsing import parse_amount
from storage.models import ChangeKind, Role

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
