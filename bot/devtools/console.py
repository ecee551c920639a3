"""The local console: use salesbot in a terminal, with no Slack at all.

It drives the very same Bolt app as production, through signed requests (`app.dispatch`), with
its Web API client pointed at a `LocalSlack` on loopback. What the app sends to "Slack" (answers,
modals, messages) is rendered as text; buttons are pressed by number and modals are filled in
field by field.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import secrets
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

from slack_bolt import App, BoltRequest

from bot.app import create_app
from bot.devtools.blockkit_text import mrkdwn_to_text
from bot.devtools.console_support import (
    add_person,
    demo_slack_users,
    escape_mentions,
    find_user,
    role_of,
    set_role,
    write_file,
)
from bot.devtools.localslack import ApiCall, LocalSlack
from bot.devtools.modal_input import input_fields, state_value
from bot.devtools.render_text import Control, Rendered, render_blocks, render_view
from bot.devtools.slackreq import (
    block_actions_payload,
    block_suggestion_payload,
    command_body,
    event_body,
    interaction_body,
    signed_headers,
    view_submission_payload,
)
from bot.services import ProfileCache, Services
from bot.settings import Settings
from commands.admin.roles import ROLE_WORDS
from commands.io import DEMO_TEAM, DEMO_USERS, load_demo
from commands.parsing import warm_up
from storage.db import Database
from storage.queries import name_key

Ask = Callable[[str], str]

HELP = """Type a slash command as in Slack: /opp help, /opp list, /opp new, /opp show #3 …
Press a button by typing its number. Other console commands:
  :as <user> [role]  act as another user (:users lists them); with a role (rep, manager,
                     admin) they get it first: `:as emma admin`, `:as paul manager` (a new user)
  :home              your App Home, as text (its buttons work too)
  :users             the users and their roles
  :help              this help
  :quit              leave (Ctrl-D works too)
In a form: :cancel (or Esc, then Enter) leaves it; nothing is saved.
Charts and exports are written to files; their paths are printed."""
CANCEL_WORDS = frozenset({":cancel", ":c"})
ESCAPE = "\x1b"


class Cancelled(Exception):
    """The person left a form (`:cancel`, Esc): nothing is submitted."""


class Console:
    """One person at the terminal, acting as one Slack user of one workspace."""

    def __init__(
        self,
        app: App,
        slack: LocalSlack,
        secret: str,
        *,
        team_id: str,
        user_id: str,
        ask: Ask,
        out: TextIO,
        db: Database,
        files_dir: Path | None = None,
    ) -> None:
        self.app = app
        self.slack = slack
        self.secret = secret
        self.team_id = team_id
        self.user_id = user_id
        self.ask = ask
        self.out = out
        self.db = db
        self._files_dir = files_dir
        self.controls: list[Control] = []
        self.context: dict[str, Any] = {}  # where the controls came from (message or view)
        self.on_home = False  # the Home is on screen: its republishing is shown
        self.seen = 0

    # ---- the loop

    def loop(self) -> None:
        self.say(HELP)
        while True:
            try:
                line = self.ask(f"\n{self.user_id}> ")
                if not self.handle(line.strip()):
                    return
            except (EOFError, KeyboardInterrupt):
                # Ctrl-D or Ctrl-C, at the prompt or halfway through a form: leave quietly
                # (a half-filled form was never submitted).
                self.say("")
                return

    def handle(self, line: str) -> bool:
        """Act on one line; False means quit."""
        if not line:
            return True
        if line in (":quit", ":q", "exit", "quit"):
            return False
        if line == ":help":
            self.say(HELP)
        elif line == ":users":
            self.list_users()
        elif line.startswith(":as"):
            self.switch_user(line[3:].strip())
        elif line == ":home":
            self.home()
        elif line in CANCEL_WORDS or line.startswith(ESCAPE):
            self.say("No form to leave.")
        elif line.startswith("/"):
            command, _, text = line.partition(" ")
            self.slash(command, text)
        elif line.isdigit():
            self.press(int(line))
        else:
            self.say("Type a slash command (/opp help), a button number, or :help.")
        return True

    def switch_user(self, text: str) -> None:
        """`:as emma`, or `:as emma admin` to act as Emma once she is an admin."""
        who, _, role_word = text.partition(" ")
        role = ROLE_WORDS.get(name_key(role_word)) if role_word.strip() else None
        if role_word.strip() and role is None:
            self.say(f"No role {role_word.strip()!r}: rep, manager or admin.")
            return
        user_id = find_user(self.slack, who)
        if user_id is None and role is not None and who.isascii() and who.isalpha():
            user_id = add_person(self.slack, who)
        if user_id is None:
            self.say(f"No user {who!r}; :users lists them (give a role to add someone).")
            return
        refused = set_role(self.db, self.slack, self.team_id, user_id, role) if role else None
        if refused:
            self.say(mrkdwn_to_text(refused))
            return
        self.user_id = user_id
        self.on_home = False
        name = self.slack.users[user_id]["real_name"]
        role_now = role_of(self.db, self.team_id, user_id) or "new"
        self.say(f"Now acting as {name} ({user_id}, {role_now}).")

    def list_users(self) -> None:
        for user_id, user in self.slack.users.items():
            role = role_of(self.db, self.team_id, user_id) or "new"
            self.say(f"  {user_id:<10} {user['real_name']} ({role}, {user.get('locale', '')})")

    # ---- requests, as Slack sends them

    def dispatch(self, body: str, content_type: str) -> dict[str, Any] | None:
        headers: dict[str, str | Sequence[str]] = {
            "content-type": content_type,
            **signed_headers(self.secret, body),
        }
        response = self.app.dispatch(BoltRequest(body=body, headers=headers))
        if response.status != 200:
            self.say(f"(Slack would show an error: HTTP {response.status} {response.body})")
            return None
        if response.body:
            try:
                answer = json.loads(response.body)
            except json.JSONDecodeError:
                return None
            return answer if isinstance(answer, dict) else None
        return None

    def slash(self, command: str, text: str) -> None:
        self.on_home = False
        # Slack entity-escapes &, <, > of typed text, and escapes @mentions when the manifest
        # asks it to; the console does the same.
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = escape_mentions(self.slack, text)
        body = command_body(
            team_id=self.team_id,
            user_id=self.user_id,
            command=command,
            text=text,
            response_url=self.slack.response_url(uuid.uuid4().hex),
            channel_id="C0CONSOLE",
        )
        answer = self.dispatch(body, "application/x-www-form-urlencoded")
        if answer:
            self.show_message(answer)
        self.follow_up()

    def home(self) -> None:
        """Open the App Home tab: Slack sends `app_home_opened`, the app publishes the view."""
        self.on_home = True
        event = {
            "type": "app_home_opened",
            "user": self.user_id,
            "channel": "D0HOME",
            "tab": "home",
        }
        self.dispatch(event_body(team_id=self.team_id, event=event), "application/json")
        self.follow_up()
        if self.slack.published_home(self.user_id) is None:
            self.say("(No App Home was published.)")

    def show_home(self, view: dict[str, Any]) -> None:
        rendered = render_view(view)
        self.say("\n" + rendered.text)
        self.controls = rendered.controls
        self.context = {"view": view}

    def press(self, number: int) -> None:
        control = next((c for c in self.controls if c.number == number), None)
        if control is None:
            self.say(f"No button [{number}] on screen.")
            return
        action: dict[str, Any] = {
            "action_id": control.action_id,
            "block_id": control.block_id,
            "type": control.type,
        }
        if control.type == "button":
            action["value"] = control.value or ""
        elif control.options:
            self.say(self._numbered(control.options))
            pick = self.ask("choice (:cancel)> ").strip()
            if not pick.isdigit() or not 1 <= int(pick) <= len(control.options):
                self.say("Cancelled.")
                return
            text, value = control.options[int(pick) - 1]
            action["selected_option"] = {
                "text": {"type": "plain_text", "text": text},
                "value": value,
            }
        elif control.type == "datepicker":
            picked = self.ask("date (YYYY-MM-DD, :cancel)> ").strip()
            if picked in CANCEL_WORDS or picked.startswith(ESCAPE):
                self.say("Cancelled.")
                return
            action["selected_date"] = picked
        payload = block_actions_payload(
            team_id=self.team_id,
            user_id=self.user_id,
            action=action,
            response_url=self.slack.response_url(uuid.uuid4().hex),
            message=self.context.get("message"),
            view=self.context.get("view"),  # a click in the Home has no response_url
            channel_id="C0CONSOLE",
        )
        self.dispatch(interaction_body(payload), "application/x-www-form-urlencoded")
        self.follow_up()

    # ---- what the app sent to "Slack"

    def follow_up(self) -> None:
        """Show what the app sent after its ack (listeners go on after ack, on other threads)."""
        for call in self._settle():
            if call.method in ("views.open", "views.push") and call.ok:
                self.fill_modal(call.args.get("view") or {})
            elif call.method == "views.publish" and call.ok:
                if self.on_home and call.args.get("user_id") == self.user_id:
                    self.show_home(self.slack.published_home(self.user_id) or {})
            elif call.method == "files.completeUploadExternal" and call.ok:
                self.save_files(call.args)
            elif call.method in (
                "response_url",
                "chat.postMessage",
                "chat.postEphemeral",
                "chat.update",
            ):
                if call.ok:
                    self.show_message(call.args)
                else:
                    self.say(f"(Slack refused a message: {call.error})")

    def _settle(self, quiet: float = 0.15, limit: float = 5.0) -> list[ApiCall]:
        """New calls, once the app has been quiet for a moment."""
        deadline = time.monotonic() + limit
        count = len(self.slack.calls)
        last_change = time.monotonic()
        while time.monotonic() < deadline:
            time.sleep(0.03)
            now_count = len(self.slack.calls)
            if now_count != count:
                count, last_change = now_count, time.monotonic()
            elif time.monotonic() - last_change >= quiet:
                break
        calls = self.slack.calls
        new, self.seen = calls[self.seen :], len(calls)
        return new

    def show_message(self, message: dict[str, Any]) -> None:
        blocks = message.get("blocks")
        if isinstance(blocks, str):
            blocks = json.loads(blocks)
        rendered = (
            render_blocks(blocks)
            if blocks
            else Rendered(mrkdwn_to_text(str(message.get("text", ""))), [])
        )
        self.say("\n" + rendered.text)
        if rendered.controls:
            self.controls = rendered.controls
            self.context = {"message": {"ts": message.get("ts", ""), "blocks": blocks}}

    def fill_modal(self, view: dict[str, Any]) -> None:
        """Ask for each field in turn, submit, and ask again for the fields Slack would flag.
        `:cancel` or Esc leaves the form, as closing the modal in Slack: nothing is sent."""
        self.say("\n" + render_view({**view, "blocks": []}).text)
        self.say("(:cancel or Esc leaves this form)")
        try:
            self._fill_modal(view)
        except Cancelled:
            self.say("Form cancelled: nothing was saved.")

    def _fill_modal(self, view: dict[str, Any]) -> None:
        fields = input_fields(view)
        answers: dict[str, str] = {}
        pending = fields
        while True:
            for field in pending:
                answers[field.block_id] = self._ask_field(field, view)
            values: dict[str, dict[str, Any]] = {}
            for field in fields:
                answer = answers.get(field.block_id, "")
                try:
                    value = state_value(field, answer)
                except ValueError:
                    value = state_value(dataclasses.replace(field, optional=True), "")
                values.setdefault(field.block_id, {})[field.action_id] = value
            payload = view_submission_payload(
                team_id=self.team_id, user_id=self.user_id, view=view, values=values
            )
            reply = self.dispatch(interaction_body(payload), "application/x-www-form-urlencoded")
            errors: dict[str, str] | None = None
            if reply and reply.get("response_action") == "errors":
                errors = reply.get("errors")
            if not errors:
                self.follow_up()  # the card (or whatever the app sends next)
                return
            for message in errors.values():
                self.say(f"  ✗ {message}")
            pending = [f for f in fields if f.block_id in errors]
            if not pending:
                return

    def _ask_field(self, field: Any, view: dict[str, Any]) -> str:
        label = field.label + ("" if not field.optional else " (optional)")
        while True:
            if field.type == "external_select":
                query = self._answer(f"{label} — type to search> ").strip()
                if not query:
                    if field.optional or field.initial:
                        return str(field.initial or "")
                    self.say("  required (:cancel leaves the form)")
                    continue
                options = self._suggest(field, query, view)
                if not options:
                    self.say("  nothing found")
                    continue
                self.say(self._numbered(options))
                pick = self._answer("  choice> ").strip()
                if pick.isdigit() and 1 <= int(pick) <= len(options):
                    field.element["options"] = [
                        {"text": {"type": "plain_text", "text": t}, "value": v} for t, v in options
                    ]
                    return options[int(pick) - 1][1]
                continue
            if field.options:
                self.say(self._numbered(field.options))
            hint = f" [{field.initial}]" if field.initial else ""
            if field.type == "datepicker":
                hint += " (YYYY-MM-DD)"
            if field.type == "checkboxes":
                hint += " (numbers, comma-separated)"
            answer = self._answer(f"{label}{hint}> ").strip() or str(field.initial or "")
            try:
                state_value(field, answer)
            except ValueError as error:
                self.say(f"  {error}")
                continue
            return answer

    def _answer(self, prompt: str) -> str:
        """A form's answer; `:cancel` or Esc leaves the form, a command is not taken as one."""
        while True:
            answer = self.ask(prompt)
            stripped = answer.strip()
            # Esc then Enter reaches us as ESC; arrow keys start with ESC [ or ESC O.
            escaped = stripped.startswith(ESCAPE) and stripped[1:2] not in ("[", "O")
            if stripped in CANCEL_WORDS or escaped:
                raise Cancelled
            if stripped.startswith(("/", ":")):
                self.say("  You are filling in a form: answer it, or :cancel to leave it.")
                continue
            return answer

    def save_files(self, upload: dict[str, Any]) -> None:
        """A chart or an export the app uploaded: written to a file whose path is printed."""
        comment = str(upload.get("initial_comment") or "")
        if comment:
            self.say("\n" + mrkdwn_to_text(comment))
        for item in upload.get("files") or []:
            found = self.slack.uploaded_file(str(item.get("id", "")))
            if found is None:
                continue
            name, data = found
            if self._files_dir is None:
                self._files_dir = Path(tempfile.mkdtemp(prefix="salesbot-files-"))
            self.say(f"  File written: {write_file(self._files_dir, name, data)}")

    def _suggest(self, field: Any, query: str, view: dict[str, Any]) -> list[tuple[str, str]]:
        payload = block_suggestion_payload(
            team_id=self.team_id,
            user_id=self.user_id,
            action_id=field.action_id,
            block_id=field.block_id,
            value=query,
            view=view,
        )
        answer = self.dispatch(interaction_body(payload), "application/x-www-form-urlencoded")
        options = (answer or {}).get("options") or []
        return [(o["text"]["text"], o["value"]) for o in options]

    # ---- output

    def say(self, text: str) -> None:
        print(text, file=self.out, flush=True)

    @staticmethod
    def _numbered(options: list[tuple[str, str]]) -> str:
        return "\n".join(f"  {i}. {text}" for i, (text, _value) in enumerate(options, 1))


def start_console(settings: Settings, *, demo: bool) -> tuple[App, LocalSlack, str, Database]:
    """The app wired to a LocalSlack; with `demo`, the demo workspace is loaded first."""
    db = Database(settings.database_url)
    db.migrate()
    # No cached roles: `:as emma admin` applies at once.
    services = Services(settings=settings, db=db, profiles=ProfileCache(ttl=0.0))
    if demo:
        with db.transaction() as session:
            load_demo(session=session, now=services.clock())
    slack = LocalSlack(users=demo_slack_users(), team_id=DEMO_TEAM).start()
    secret = secrets.token_hex(16)
    local = dataclasses.replace(settings, slack_api_url=slack.api_url)
    services = dataclasses.replace(services, settings=local)
    app = create_app(
        services, token="xoxb-local-console", signing_secret=secret, process_before_response=True
    )
    return app, slack, secret, db


def run_console(settings: Settings, *, demo: bool, as_user: str | None) -> int:
    logging.getLogger().setLevel(logging.WARNING)  # the terminal is the user's, not the log's
    app, slack, secret, db = start_console(settings, demo=demo)
    warm_up()
    console = Console(
        app,
        slack,
        secret,
        team_id=DEMO_TEAM,
        user_id=DEMO_USERS[1].user_id,
        ask=input,
        out=sys.stdout,
        db=db,
    )
    if as_user:
        console.switch_user(as_user)
    try:
        console.loop()
    finally:
        slack.stop()
        db.dispose()
    return 0
