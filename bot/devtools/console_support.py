"""What the console keeps beside Slack's answers: who is who (users, roles) and the files the
app sent, written to disk."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.devtools.localslack import LocalSlack
from bot.listeners.errors import error_text
from commands.admin.roles import change_role
from commands.context import Actor
from commands.errors import DomainError
from commands.io.demo import DEMO_USERS
from storage import queries
from storage.db import Database
from storage.models import Role


def demo_slack_users() -> dict[str, dict[str, Any]]:
    return {
        u.user_id: {
            "name": u.name.split()[0].lower(),
            "real_name": u.name,
            "tz": u.tz,
            "locale": u.locale,
            "is_admin": u.role == "admin",
        }
        for u in DEMO_USERS
    }


def find_user(slack: LocalSlack, who: str) -> str | None:
    """A user of the workspace by id, name, full name or first name (an @ is ignored)."""
    wanted = who.strip().lower().lstrip("@")
    for user_id, user in slack.users.items():
        real_name = str(user["real_name"]).lower()
        if wanted in (user_id.lower(), str(user["name"]).lower(), real_name, real_name.split()[0]):
            return user_id
    return None


def add_person(slack: LocalSlack, name: str) -> str:
    """Someone new joins the workspace (`:as paul manager`)."""
    user_id = "U0" + name.upper()
    slack.add_user(user_id, {"name": name.lower(), "real_name": name.capitalize()})
    return user_id


def set_role(db: Database, slack: LocalSlack, team_id: str, user_id: str, role: Role) -> str | None:
    """Give `user_id` the role through the domain's rule (someone stays admin), as an admin of
    the workspace would; the refusal's text, or None when done."""
    console = Actor(team_id, "UCONSOLE", "en", "UTC", Role.ADMIN, datetime.now(UTC))
    try:
        with db.transaction() as session:
            change_role(session=session, actor=console, user_id=user_id, role=role)
    except DomainError as error:
        return error_text(error, "en")
    # Slack admins are made bot admins again when their profile is read: keep Slack in step.
    slack.users[user_id]["is_admin"] = role == Role.ADMIN
    return None


def role_of(db: Database, team_id: str, user_id: str) -> str | None:
    with db.reading() as session:
        member = queries.get_member(session=session, team_id=team_id, user_id=user_id)
        return str(member.role) if member else None


def escape_mentions(slack: LocalSlack, text: str) -> str:
    """`@emma` as Slack sends it when the manifest asks it to escape: `<@U0EMMA|emma>`."""
    words = []
    for word in text.split(" "):
        user_id = find_user(slack, word) if word.startswith("@") and len(word) > 1 else None
        words.append(f"<@{user_id}|{slack.users[user_id]['name']}>" if user_id else word)
    return " ".join(words)


def write_file(directory: Path, name: str, data: bytes) -> Path:
    """`data` as `directory/name`, never over an earlier file (`name-2.ext`…)."""
    name = Path(name).name or "file"
    path, stem, suffix = directory / name, Path(name).stem, Path(name).suffix
    count = 1
    while path.exists():
        count += 1
        path = directory / f"{stem}-{count}{suffix}"
    path.write_bytes(data)
    return path
