"""`/salesbot`: which admin subcommand was typed, in French or English, and the settings modal.

`route` reads the first word, `run` the verb after it and calls one handler of
`commands.processes` or `commands.admin.roles`. The settings modal's submission goes
through the same handlers; each refusal is reported next to its field and the whole
submission is rolled back.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands import processes
from commands.admin import roles, targets
from commands.admin.roles import AnnounceChannel, LostReasons, RoleChanged, TeamChanged, TeamListing
from commands.admin.targets import TargetSet
from commands.channels import CanPost, check_can_post
from commands.context import Actor
from commands.errors import DomainError, FormInvalid, InvalidInput
from commands.nudging import settings as nudge_settings
from commands.parsing import clean_text
from commands.permissions import check_admin
from commands.processes import NeedsDestination, Overview, ProcessChanged
from storage import queries
from storage.queries import name_key

# Every word an admin may type first, folded (no case, no accents) → its canonical name.
SUBCOMMANDS: dict[str, str] = {
    "help": "help",
    "aide": "help",
    "target": "target",
    "targets": "target",
    "objectif": "target",
    "objectifs": "target",
    "?": "help",
    "h": "help",
    "settings": "settings",
    "reglages": "settings",
    "reglage": "settings",
    "parametres": "settings",
    "parametre": "settings",
    "config": "settings",
    "configuration": "settings",
    "processes": "processes",
    "pipelines": "processes",
    "list": "processes",
    "liste": "processes",
    "process": "process",
    "processus": "process",
    "stage": "stage",
    "stages": "stage",
    "etape": "stage",
    "etapes": "stage",
    "step": "stage",
    "role": "role",
    "roles": "role",
    "team": "team",
    "equipe": "team",
    "teams": "team",
    "announce": "announce",
    "announcements": "announce",
    "annonce": "announce",
    "annonces": "announce",
    "lost-reasons": "lost-reasons",
    "lost_reasons": "lost-reasons",
    "lostreasons": "lost-reasons",
    "reasons": "lost-reasons",
    "raisons": "lost-reasons",
    "motifs": "lost-reasons",
    "raisons-de-perte": "lost-reasons",
    "motifs-de-perte": "lost-reasons",
}

# Nudges, digests, follow-ups and the outbox (their handlers check who may use them).
SUBCOMMANDS |= nudge_settings.SUBCOMMANDS

PROCESS_VERBS: dict[str, str] = {
    "add": "add",
    "new": "add",
    "create": "add",
    "ajouter": "add",
    "ajout": "add",
    "nouveau": "add",
    "creer": "add",
    "rename": "rename",
    "renommer": "rename",
    "archive": "archive",
    "archiver": "archive",
    "restore": "restore",
    "unarchive": "restore",
    "restaurer": "restore",
    "desarchiver": "restore",
    "reactiver": "restore",
    "list": "list",
    "liste": "list",
}

STAGE_VERBS: dict[str, str] = {
    "add": "add",
    "new": "add",
    "create": "add",
    "ajouter": "add",
    "ajout": "add",
    "nouvelle": "add",
    "creer": "add",
    "rename": "rename",
    "renommer": "rename",
    "move": "move",
    "deplacer": "move",
    "remove": "remove",
    "delete": "remove",
    "rm": "remove",
    "supprimer": "remove",
    "retirer": "remove",
    "enlever": "remove",
    "probability": "probability",
    "probabilite": "probability",
    "proba": "probability",
    "prob": "probability",
    "%": "probability",
    "stuck-after": "stuck-after",
    "stuck_after": "stuck-after",
    "stuckafter": "stuck-after",
    "stuck": "stuck-after",
    "bloquee-apres": "stuck-after",
    "bloque-apres": "stuck-after",
    "bloquee": "stuck-after",
    "bloque": "stuck-after",
    "alerte": "stuck-after",
    "list": "list",
    "liste": "list",
}

Result = (
    Overview
    | ProcessChanged
    | NeedsDestination
    | RoleChanged
    | TeamChanged
    | TeamListing
    | AnnounceChannel
    | LostReasons
    | TargetSet
    | nudge_settings.Result
)


@dataclass(frozen=True)
class Routed:
    subcommand: str
    rest: str


def route(text: str) -> Routed:
    text = clean_text(text)
    if not text:
        return Routed("help", "")
    word, _, rest = text.partition(" ")
    subcommand = SUBCOMMANDS.get(name_key(word))
    if subcommand is None:
        raise InvalidInput("admin.unknown_subcommand", word=word[:40])
    rest = rest.strip()
    # "/salesbot processus" alone reads as the list, as does "/salesbot stages".
    if subcommand in ("process", "stage") and not rest:
        return Routed("processes", "")
    return Routed(subcommand, rest)


def _verb(rest: str, verbs: dict[str, str], usage: str) -> tuple[str, str]:
    word, _, args = rest.partition(" ")
    verb = verbs.get(name_key(word))
    if verb is None:
        raise InvalidInput(usage, word=word[:40])
    return verb, args.strip()


def run(*, session: Session, actor: Actor, routed: Routed, can_post: CanPost) -> Result:
    """Do what `routed` says; `help` and `settings` are the listener's (no database work).

    `can_post` tells whether the bot may post in a channel (the listener asks Slack): a channel
    chosen for announcements or a digest is checked with it.
    """
    sub, rest = routed.subcommand, routed.rest
    if sub == "target":  # managers set their team's targets too: checked inside
        return targets.set_target(session=session, actor=actor, text=rest)
    if sub in nudge_settings.SUBCOMMANDS.values():  # each checks its own audience
        return nudge_settings.run(
            session=session, actor=actor, sub=sub, rest=rest, can_post=can_post
        )
    check_admin(actor)
    if sub == "processes":
        return processes.overview(session=session, actor=actor)
    if sub == "process":
        verb, args = _verb(rest, PROCESS_VERBS, "admin.unknown_process_verb")
        process_handlers: dict[str, Callable[..., ProcessChanged]] = {
            "add": processes.add_process,
            "rename": processes.rename_process,
            "archive": processes.archive_process,
            "restore": processes.restore_process,
        }
        if verb == "list":
            return processes.overview(session=session, actor=actor)
        return process_handlers[verb](session=session, actor=actor, text=args)
    if sub == "stage":
        verb, args = _verb(rest, STAGE_VERBS, "admin.unknown_stage_verb")
        stage_handlers: dict[str, Callable[..., ProcessChanged | NeedsDestination]] = {
            "add": processes.add_stage,
            "rename": processes.rename_stage,
            "move": processes.move_stage,
            "remove": processes.remove_stage,
            "probability": processes.set_probability,
            "stuck-after": processes.set_stuck_after,
        }
        if verb == "list":
            return processes.overview(session=session, actor=actor)
        return stage_handlers[verb](session=session, actor=actor, text=args)
    if sub == "role":
        return roles.set_role(session=session, actor=actor, text=rest)
    if sub == "team":
        return roles.team(session=session, actor=actor, text=rest)
    if sub == "announce":
        return roles.announce(session=session, actor=actor, text=rest, can_post=can_post)
    if sub == "lost-reasons":
        return roles.lost_reasons(session=session, actor=actor, text=rest)
    raise InvalidInput("admin.unknown_subcommand", word=sub)


def affected_users(result: Result) -> tuple[str, ...]:
    """Users whose cached profile (role, team) is out of date after `result`."""
    if isinstance(result, RoleChanged):
        return (result.user_id,)
    if isinstance(result, TeamChanged):
        return result.affected
    return ()


# --- the settings modal -------------------------------------------------------------------


def settings(*, session: Session, actor: Actor) -> Overview:
    """What the settings modal shows (admins only: the check comes before the modal opens)."""
    return processes.overview(session=session, actor=actor)


@dataclass(frozen=True)
class SettingsInput:
    """The modal's fields as submitted; nothing here is trusted yet. Empty means untouched."""

    new_process_name: str = ""
    new_process_stages: str = ""
    add_stage_process: str = ""  # a process id
    add_stage_name: str = ""
    add_stage_probability: str = ""
    edit_stage: str = ""  # a stage id
    edit_probability: str = ""
    edit_stuck_after: str = ""
    announce_channel: str | None = None  # None: no channel picked (announcements off)


@dataclass(frozen=True)
class SettingsApplied:
    changes: tuple[ProcessChanged | AnnounceChannel, ...]
    overview: Overview


def _id(text: str) -> int:
    """An id from one of the modal's menus; anything else was not picked from the list."""
    text = text.strip()
    if not (text.isascii() and text.isdigit()) or len(text) > 12:
        raise InvalidInput("admin.pick_from_list")
    return int(text)


def apply_settings(
    *, session: Session, actor: Actor, form: SettingsInput, can_post: CanPost
) -> SettingsApplied:
    """Apply every filled part of the modal; any refusal rolls all of them back (FormInvalid).

    A newly picked announcement channel the bot cannot post to (`can_post`) is refused there.
    """
    check_admin(actor)
    errors: dict[str, DomainError] = {}
    changes: list[ProcessChanged | AnnounceChannel] = []

    def attempt(
        fields: dict[str, str], default: str, change: Callable[[], ProcessChanged | AnnounceChannel]
    ) -> None:
        try:
            changes.append(change())
        except DomainError as error:
            field = getattr(error, "field", None) or ""
            errors[fields.get(field, default)] = error

    if form.new_process_name.strip() or form.new_process_stages.strip():
        attempt(
            {"stages": "new_process_stages"},
            "new_process_name",
            lambda: processes.create_process(
                session=session,
                actor=actor,
                name=form.new_process_name,
                stages=form.new_process_stages if form.new_process_stages.strip() else None,
            ),
        )
    if any(
        f.strip() for f in (form.add_stage_process, form.add_stage_name, form.add_stage_probability)
    ):
        try:
            if not form.add_stage_process.strip():
                raise InvalidInput("admin.pick_process")
            process = processes.process_by_id(
                session=session, actor=actor, process_id=_id(form.add_stage_process)
            )
        except DomainError as error:
            errors["add_stage_process"] = error
        else:
            attempt(
                {"probability": "add_stage_probability"},
                "add_stage_name",
                lambda: processes.create_stage(
                    session=session,
                    actor=actor,
                    process=process,
                    name=form.add_stage_name,
                    probability=form.add_stage_probability,
                ),
            )
    if any(f.strip() for f in (form.edit_stage, form.edit_probability, form.edit_stuck_after)):
        try:
            if not form.edit_stage.strip():
                raise InvalidInput("admin.pick_stage")
            if not (form.edit_probability.strip() or form.edit_stuck_after.strip()):
                raise InvalidInput("admin.nothing_to_change")
            stage = processes.stage_by_id(
                session=session, actor=actor, stage_id=_id(form.edit_stage)
            )
        except DomainError as error:
            errors["edit_stage"] = error
        else:
            if form.edit_probability.strip():
                attempt(
                    {},
                    "edit_probability",
                    lambda: processes.change_probability(
                        session=session, actor=actor, stage=stage, probability=form.edit_probability
                    ),
                )
            if form.edit_stuck_after.strip():
                attempt(
                    {},
                    "edit_stuck_after",
                    lambda: processes.change_stuck_after(
                        session=session, actor=actor, stage=stage, days=form.edit_stuck_after
                    ),
                )
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    if workspace is not None and workspace.announce_channel != form.announce_channel:

        def announce() -> AnnounceChannel:
            if form.announce_channel is not None:
                check_can_post(can_post, form.announce_channel, field="announce_channel")
            return roles.set_announce(
                session=session, actor=actor, channel_id=form.announce_channel
            )

        attempt({}, "announce_channel", announce)
    if errors:
        raise FormInvalid(errors)
    return SettingsApplied(tuple(changes), processes.overview(session=session, actor=actor))
