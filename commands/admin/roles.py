"""`/salesbot role|team|announce|lost-reasons`: who is who, where wins are announced, and why
deals are lost.

Admins only. Users are named by Slack mentions (`<@U123|marie>`, as Slack escapes them); a user
the bot has not met yet gets a member row at once, so a team can be set up before its reps first
type a command. Slack owners and admins stay bot admins: `commands.workspace.refresh_profile`
promotes them again whenever their Slack profile is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from commands.channels import CHANNEL_MENTION, CanPost, check_can_post
from commands.context import Actor
from commands.errors import InvalidInput, NotFound
from commands.parsing import clean_text, parse_user_mention, split_args
from commands.permissions import check_admin
from commands.processes import OFF_WORDS
from commands.workspace import ensure_member
from storage import queries
from storage.models import Role
from storage.queries import name_key

MAX_LOST_REASONS = 30
MAX_LOST_REASON = 75  # the "Lost" menu's option text limit
MAX_TEAM_CHANGE = 50  # mentions in one `team … add`: a message can still list them all
_ECHO = 40

ROLE_WORDS: dict[str, Role] = {
    "admin": Role.ADMIN,
    "administrateur": Role.ADMIN,
    "administratrice": Role.ADMIN,
    "administrator": Role.ADMIN,
    "manager": Role.MANAGER,
    "manageur": Role.MANAGER,
    "manageuse": Role.MANAGER,
    "rep": Role.REP,
    "commercial": Role.REP,
    "commerciale": Role.REP,
    "sales": Role.REP,
    "vendeur": Role.REP,
    "vendeuse": Role.REP,
}
ADD_WORDS = frozenset({"add", "ajouter", "ajout", "ajoute", "+"})
REMOVE_WORDS = frozenset(
    {"remove", "retirer", "retire", "enlever", "enleve", "supprimer", "delete", "rm", "-"}
)

_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,20}")
# The name in "<@U123|marie dubois>" may hold spaces; the id alone is what counts.
_MENTION_NAME = re.compile(r"<@([UW][A-Z0-9]+)\|[^>]*>")


# --- results ------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoleChanged:
    user_id: str
    role: Role
    before: Role
    # Reps still recorded as reporting to a user who is no longer a manager.
    team_kept: int


@dataclass(frozen=True)
class TeamChanged:
    manager_id: str
    added: tuple[str, ...]
    moved: tuple[tuple[str, str], ...]  # (rep, their previous manager)
    already: tuple[str, ...]
    removed: tuple[str, ...]
    not_in_team: tuple[str, ...]
    team: tuple[str, ...]  # the team as it is now

    @property
    def affected(self) -> tuple[str, ...]:
        return (self.manager_id, *self.added, *(rep for rep, _ in self.moved), *self.removed)


@dataclass(frozen=True)
class TeamListing:
    manager_id: str
    role: Role | None  # None: not a member yet
    reps: tuple[str, ...]


@dataclass(frozen=True)
class AnnounceChannel:
    channel: str | None
    changed: bool


@dataclass(frozen=True)
class LostReasons:
    labels: tuple[str, ...]
    added: str | None = None
    removed: str | None = None


# --- parsing ------------------------------------------------------------------------------


def _echo(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _ECHO else line[: _ECHO - 1] + "…"


def _args(text: str) -> list[str]:
    return split_args(_MENTION_NAME.sub(r"<@\1>", text))


def _user(token: str) -> str:
    user_id = parse_user_mention(token)
    if user_id is None:
        raise InvalidInput("admin.mention_required", text=_echo(token))
    return user_id


# --- roles --------------------------------------------------------------------------------


def set_role(*, session: Session, actor: Actor, text: str) -> RoleChanged:
    """`role @user admin|manager|rep`."""
    check_admin(actor)
    args = _args(text)
    if len(args) != 2:
        raise InvalidInput("admin.usage_role")
    user_id = _user(args[0])
    role = ROLE_WORDS.get(name_key(args[1]))
    if role is None:
        raise InvalidInput("admin.role_unknown", role=_echo(args[1]))
    return change_role(session=session, actor=actor, user_id=user_id, role=role)


def change_role(*, session: Session, actor: Actor, user_id: str, role: Role) -> RoleChanged:
    check_admin(actor)
    member = ensure_member(session=session, team_id=actor.team_id, user_id=user_id, now=actor.now)
    before = Role(member.role)
    if before == Role.ADMIN and role != Role.ADMIN:
        admins = queries.members_with_role(session=session, team_id=actor.team_id, role=Role.ADMIN)
        if admins == [user_id]:
            # Someone must always be able to run /salesbot.
            raise InvalidInput("admin.last_admin", user=user_id)
    member.role = role
    session.flush()
    kept = 0
    if role == Role.REP:
        kept = len(queries.team_of(session=session, team_id=actor.team_id, manager_id=user_id))
    return RoleChanged(user_id=user_id, role=role, before=before, team_kept=kept)


# --- teams --------------------------------------------------------------------------------


def team(*, session: Session, actor: Actor, text: str) -> TeamChanged | TeamListing:
    """`team @manager` lists; `team @manager add|remove @rep [@rep…]` changes."""
    check_admin(actor)
    args = _args(text)
    if not args:
        raise InvalidInput("admin.usage_team")
    manager_id = _user(args[0])
    if len(args) == 1:
        manager = queries.get_member(session=session, team_id=actor.team_id, user_id=manager_id)
        reps = queries.team_of(session=session, team_id=actor.team_id, manager_id=manager_id)
        return TeamListing(
            manager_id=manager_id,
            role=Role(manager.role) if manager else None,
            reps=tuple(sorted(reps)),
        )
    verb = name_key(args[1])
    if verb not in ADD_WORDS | REMOVE_WORDS or len(args) < 3:
        raise InvalidInput("admin.usage_team")
    rep_ids = list(dict.fromkeys(_user(arg) for arg in args[2:]))
    if len(rep_ids) > MAX_TEAM_CHANGE:
        raise InvalidInput("admin.team_too_many", max=MAX_TEAM_CHANGE)
    if verb in ADD_WORDS:
        return add_to_team(session=session, actor=actor, manager_id=manager_id, rep_ids=rep_ids)
    return remove_from_team(session=session, actor=actor, manager_id=manager_id, rep_ids=rep_ids)


def add_to_team(
    *, session: Session, actor: Actor, manager_id: str, rep_ids: list[str]
) -> TeamChanged:
    check_admin(actor)
    manager = queries.get_member(session=session, team_id=actor.team_id, user_id=manager_id)
    if manager is None or manager.role not in (Role.MANAGER, Role.ADMIN):
        raise InvalidInput("admin.not_a_manager", user=manager_id)
    if manager_id in rep_ids:
        raise InvalidInput("admin.own_manager", user=manager_id)
    added: list[str] = []
    moved: list[tuple[str, str]] = []
    already: list[str] = []
    for rep_id in rep_ids:
        rep = ensure_member(session=session, team_id=actor.team_id, user_id=rep_id, now=actor.now)
        if rep.manager_id == manager_id:
            already.append(rep_id)
            continue
        if rep.manager_id:
            moved.append((rep_id, rep.manager_id))
        else:
            added.append(rep_id)
        rep.manager_id = manager_id
    return _team_changed(session, actor, manager_id, added=added, moved=moved, already=already)


def remove_from_team(
    *, session: Session, actor: Actor, manager_id: str, rep_ids: list[str]
) -> TeamChanged:
    check_admin(actor)
    removed: list[str] = []
    not_in_team: list[str] = []
    for rep_id in rep_ids:
        rep = queries.get_member(session=session, team_id=actor.team_id, user_id=rep_id)
        if rep is None or rep.manager_id != manager_id:
            not_in_team.append(rep_id)
            continue
        rep.manager_id = None
        removed.append(rep_id)
    return _team_changed(session, actor, manager_id, removed=removed, not_in_team=not_in_team)


def _team_changed(
    session: Session,
    actor: Actor,
    manager_id: str,
    *,
    added: list[str] | None = None,
    moved: list[tuple[str, str]] | None = None,
    already: list[str] | None = None,
    removed: list[str] | None = None,
    not_in_team: list[str] | None = None,
) -> TeamChanged:
    session.flush()
    team_now = queries.team_of(session=session, team_id=actor.team_id, manager_id=manager_id)
    return TeamChanged(
        manager_id=manager_id,
        added=tuple(added or ()),
        moved=tuple(moved or ()),
        already=tuple(already or ()),
        removed=tuple(removed or ()),
        not_in_team=tuple(not_in_team or ()),
        team=tuple(sorted(team_now)),
    )


# --- announcements ------------------------------------------------------------------------


def announce(*, session: Session, actor: Actor, text: str, can_post: CanPost) -> AnnounceChannel:
    """`announce #channel` sets where wins are announced, `announce off` stops, `announce` shows.

    A channel the bot cannot post to is refused (`can_post`, the listener's answer from Slack).
    """
    check_admin(actor)
    text = text.strip()
    if not text:
        workspace = queries.get_workspace(session=session, team_id=actor.team_id)
        return AnnounceChannel(workspace.announce_channel if workspace else None, changed=False)
    if name_key(text) in OFF_WORDS:
        return set_announce(session=session, actor=actor, channel_id=None)
    match = CHANNEL_MENTION.fullmatch(text)
    if match is None:
        raise InvalidInput("admin.channel_required", text=_echo(text))
    channel_id = match.group(1)
    check_can_post(can_post, channel_id)
    return set_announce(session=session, actor=actor, channel_id=channel_id)


def set_announce(*, session: Session, actor: Actor, channel_id: str | None) -> AnnounceChannel:
    check_admin(actor)
    if channel_id is not None and not _CHANNEL_ID.fullmatch(channel_id):
        # A DM or a group DM: wins would be announced to nobody, or to the wrong people.
        raise InvalidInput("admin.channel_invalid", field="announce_channel")
    workspace = queries.get_workspace(session=session, team_id=actor.team_id)
    if workspace is None:
        raise NotFound("admin.workspace_unknown")
    changed = workspace.announce_channel != channel_id
    workspace.announce_channel = channel_id
    return AnnounceChannel(channel_id, changed=changed)


# --- lost reasons -------------------------------------------------------------------------


def lost_reasons(*, session: Session, actor: Actor, text: str) -> LostReasons:
    """`lost-reasons` lists; `lost-reasons add <label>` and `remove <label|number>` change."""
    check_admin(actor)
    args = split_args(text)
    if not args:
        return _reasons(session, actor)
    verb, label = name_key(args[0]), " ".join(args[1:])
    if verb in ADD_WORDS and label:
        return add_lost_reason(session=session, actor=actor, label=label)
    if verb in REMOVE_WORDS and label:
        return remove_lost_reason(session=session, actor=actor, label=label)
    raise InvalidInput("admin.usage_lost_reasons")


def add_lost_reason(*, session: Session, actor: Actor, label: str) -> LostReasons:
    check_admin(actor)
    label = clean_text(label, single_line=True)
    if not label:
        raise InvalidInput("admin.usage_lost_reasons")
    if len(label) > MAX_LOST_REASON:
        raise InvalidInput("admin.name_too_long", max=MAX_LOST_REASON, length=len(label))
    existing = queries.lost_reasons(session=session, team_id=actor.team_id)
    if any(r.label_key == name_key(label) for r in existing):
        raise InvalidInput("admin.lost_reason_exists", label=label)
    if len(existing) >= MAX_LOST_REASONS:
        raise InvalidInput("admin.too_many_lost_reasons", max=MAX_LOST_REASONS)
    queries.add_lost_reason(session=session, team_id=actor.team_id, label=label)
    return _reasons(session, actor, added=label)


def remove_lost_reason(*, session: Session, actor: Actor, label: str) -> LostReasons:
    """By label or by its number in the list. Deals already lost keep their reason's text."""
    check_admin(actor)
    existing = queries.lost_reasons(session=session, team_id=actor.team_id)
    label = clean_text(label, single_line=True)
    found = next((r for r in existing if r.label_key == name_key(label)), None)
    if found is None and label.isdecimal() and 1 <= int(label) <= len(existing):
        found = existing[int(label) - 1]
    if found is None:
        raise NotFound(
            "admin.lost_reason_unknown",
            label=_echo(label),
            labels=", ".join(r.label for r in existing),
        )
    if len(existing) <= 1:
        # The "Lost" modal needs at least one reason to offer.
        raise InvalidInput("admin.last_lost_reason", label=found.label)
    removed = found.label
    queries.remove_lost_reason(session=session, team_id=actor.team_id, label=removed)
    return _reasons(session, actor, removed=removed)


def _reasons(
    session: Session, actor: Actor, *, added: str | None = None, removed: str | None = None
) -> LostReasons:
    labels = tuple(r.label for r in queries.lost_reasons(session=session, team_id=actor.team_id))
    return LostReasons(labels=labels, added=added, removed=removed)
