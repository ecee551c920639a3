"""LocalSlack answers a real WebClient the way Slack does, and records what it received."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.devtools.localslack import ApiCall, LocalSlack

TOKEN = "xoxb-local"
USERS: dict[str, dict[str, Any]] = {
    "U0ALICE": {
        "name": "alice",
        "real_name": "Alice Martin",
        "tz": "Europe/Paris",
        "tz_offset": 7200,
        "locale": "fr-FR",
        "is_admin": True,
        "email": "alice@example.com",
    },
    "U0BOB": {"name": "bob", "locale": "en-US"},
}


@pytest.fixture
def slack() -> Iterator[LocalSlack]:
    with LocalSlack(users=USERS) as local:
        yield local


@pytest.fixture
def client(slack: LocalSlack) -> WebClient:
    return WebClient(token=TOKEN, base_url=slack.api_url)


def section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def modal(title: str = "New opportunity", **extra: Any) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": [section("hello")],
        **extra,
    }


def post_json(url: str, payload: dict[str, Any]) -> tuple[int, str]:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_serves_on_an_ephemeral_loopback_port(slack: LocalSlack) -> None:
    assert slack.api_url.startswith("http://127.0.0.1:")
    assert slack.api_url.endswith("/api/")
    assert not slack.api_url.endswith(":0/api/")


def test_auth_test_answers_as_the_bot_and_is_recorded_with_the_token(
    slack: LocalSlack, client: WebClient
) -> None:
    response = client.auth_test()

    assert response["user_id"] == "UBOT"
    assert response["team_id"] == "T0LOCAL"
    assert response["bot_id"]
    [call] = slack.calls
    assert (call.method, call.ok, call.error, call.token) == ("auth.test", True, None, TOKEN)


def test_bolt_app_can_start_against_it(slack: LocalSlack, client: WebClient) -> None:
    App(client=client, signing_secret="secret")

    assert slack.calls_to("auth.test")


def test_json_bodies_are_recorded_with_real_blocks(slack: LocalSlack, client: WebClient) -> None:
    blocks = [section("*Acme* renewal")]

    response = client.chat_postMessage(channel="C0SALES", text="Acme renewal", blocks=blocks)

    assert response["channel"] == "C0SALES"
    assert response["message"]["blocks"] == blocks
    call = slack.wait_for("chat.postMessage")
    assert call.args == {"channel": "C0SALES", "text": "Acme renewal", "blocks": blocks}


def test_form_bodies_are_decoded_including_json_fields(
    slack: LocalSlack, client: WebClient
) -> None:
    blocks = [section("from a form")]

    client.api_call(
        "chat.postMessage",
        params={"channel": "C0SALES", "text": "t", "blocks": json.dumps(blocks)},
    )

    assert slack.calls_to("chat.postMessage")[0].args["blocks"] == blocks


def test_multipart_bodies_are_decoded(slack: LocalSlack, client: WebClient) -> None:
    client.api_call(
        "chat.postMessage",
        data={"channel": "C0SALES", "text": "t", "blocks": json.dumps([section("x")])},
        files={"file": b"raw bytes"},
    )

    args = slack.calls_to("chat.postMessage")[0].args
    assert args["blocks"] == [section("x")]
    assert args["file"] == b"raw bytes"


def test_users_info_gives_the_locale_only_when_asked(client: WebClient) -> None:
    with_locale = client.users_info(user="U0ALICE", include_locale=True)["user"]
    without = client.users_info(user="U0ALICE")["user"]

    assert with_locale["locale"] == "fr-FR"
    assert with_locale["tz"] == "Europe/Paris"
    assert with_locale["tz_offset"] == 7200
    assert with_locale["is_admin"] is True
    assert with_locale["real_name"] == "Alice Martin"
    assert "locale" not in without


def test_unknown_users_and_methods_are_errors(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as unknown_user:
        client.users_info(user="U0NOBODY")
    with pytest.raises(SlackApiError) as unknown_method:
        client.api_call("pipelines.forecast")

    assert unknown_user.value.response["error"] == "user_not_found"
    assert unknown_method.value.response["error"] == "unknown_method"


def test_calls_without_a_token_are_not_authed(slack: LocalSlack) -> None:
    with pytest.raises(SlackApiError) as error:
        WebClient(base_url=slack.api_url).auth_test()

    assert error.value.response["error"] == "not_authed"


def test_users_lookup_by_email(client: WebClient) -> None:
    assert client.users_lookupByEmail(email="ALICE@example.com")["user"]["id"] == "U0ALICE"
    with pytest.raises(SlackApiError, match="users_not_found"):
        client.users_lookupByEmail(email="nobody@example.com")


def test_direct_messages_go_to_one_d_channel_per_user(client: WebClient) -> None:
    opened = client.conversations_open(users="U0BOB")["channel"]["id"]
    posted = client.chat_postMessage(channel="U0BOB", text="hi")["channel"]
    info = client.conversations_info(channel=opened)["channel"]

    assert opened.startswith("D")
    assert posted == opened
    assert info["is_im"] is True
    assert info["user"] == "U0BOB"
    assert client.conversations_open(users="U0ALICE")["channel"]["id"] != opened


def test_only_known_users_can_be_messaged_directly(client: WebClient) -> None:
    with pytest.raises(SlackApiError, match="user_not_found"):
        client.conversations_open(users="U0NOBODY")


def test_channels_the_bot_is_not_in_answer_as_slack_does(
    slack: LocalSlack, client: WebClient
) -> None:
    slack.add_channel("G0SECRET", member=False)
    slack.add_channel("C0PUBLIC", member=False)
    slack.add_channel("C0OLD", archived=True)
    with pytest.raises(SlackApiError) as refused:
        client.chat_postMessage(channel="G0SECRET", text="won")
    assert refused.value.response["error"] == "not_in_channel"
    # Slack hides a private channel from a bot outside it.
    with pytest.raises(SlackApiError) as hidden:
        client.conversations_info(channel="G0SECRET")
    assert hidden.value.response["error"] == "channel_not_found"
    # A public channel: described, and open to a bot with chat:write.public.
    info = client.conversations_info(channel="C0PUBLIC")["channel"]
    assert (info["is_private"], info["is_member"]) == (False, False)
    assert client.chat_postMessage(channel="C0PUBLIC", text="won")["ok"]
    slack.write_public = False  # an app installed without chat:write.public
    with pytest.raises(SlackApiError) as public:
        client.chat_postMessage(channel="C0PUBLIC", text="won")
    assert public.value.response["error"] == "not_in_channel"
    with pytest.raises(SlackApiError) as archived:
        client.chat_postMessage(channel="C0OLD", text="won")
    assert archived.value.response["error"] == "is_archived"
    slack.add_channel("G0SECRET", member=True)  # invited
    assert client.conversations_info(channel="G0SECRET")["channel"]["is_member"]
    assert client.chat_postMessage(channel="G0SECRET", text="won")["ok"]


def test_a_51_block_message_is_refused(slack: LocalSlack, client: WebClient) -> None:
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C0SALES", text="t", blocks=[section("x")] * 51)

    assert error.value.response["error"] == "invalid_blocks"
    assert error.value.response["errors"] == ["/blocks: 51 blocks > 50"]
    call = slack.calls_to("chat.postMessage")[0]
    assert (call.ok, call.error) == (False, "invalid_blocks")
    assert slack.sent_messages() == []


def test_a_3001_char_section_is_refused_naming_the_pointer(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C0SALES", text="t", blocks=[section("x" * 3001)])

    assert error.value.response["errors"] == ["/blocks/0/text/text: 3001 chars > 3000"]
    messages = error.value.response["response_metadata"]["messages"]
    assert messages == ["[ERROR] 3001 chars > 3000 [json-pointer:/blocks/0/text/text]"]


def test_text_limits_are_stricter_for_chat_update(client: WebClient) -> None:
    posted = client.chat_postMessage(channel="C0SALES", text="t" * 4001)

    with pytest.raises(SlackApiError, match="msg_too_long"):
        client.chat_update(channel="C0SALES", ts=posted["ts"], text="t" * 4001)
    with pytest.raises(SlackApiError, match="msg_too_long"):
        client.chat_postMessage(channel="C0SALES", text="t" * 40_001)


def test_update_delete_and_permalink(client: WebClient) -> None:
    ts = client.chat_postMessage(channel="C0SALES", text="old")["ts"]

    updated = client.chat_update(channel="C0SALES", ts=ts, text="new")
    link = client.chat_getPermalink(channel="C0SALES", message_ts=ts)["permalink"]
    deleted = client.chat_delete(channel="C0SALES", ts=ts)

    assert (updated["ts"], updated["message"]["text"]) == (ts, "new")
    assert link.endswith(f"/archives/C0SALES/p{ts.replace('.', '')}")
    assert deleted["ts"] == ts


def test_ephemeral_messages_cannot_be_updated(client: WebClient) -> None:
    posted = client.chat_postEphemeral(channel="C0SALES", user="U0ALICE", text="only you")

    with pytest.raises(SlackApiError, match="message_not_found"):
        client.chat_update(channel="C0SALES", ts=posted["message_ts"], text="changed")


def test_fail_next_answers_429_with_retry_after_then_recovers(
    slack: LocalSlack, client: WebClient
) -> None:
    slack.fail_next("chat.postMessage", retry_after=7)

    with pytest.raises(SlackApiError) as error:
        client.chat_postMessage(channel="C0SALES", text="first")
    client.chat_postMessage(channel="C0SALES", text="second")

    assert error.value.response.status_code == 429
    assert error.value.response.headers["Retry-After"] == "7"
    assert error.value.response["error"] == "ratelimited"
    assert [(c.ok, c.error) for c in slack.calls_to("chat.postMessage")] == [
        (False, "ratelimited"),
        (True, None),
    ]


def test_fail_next_can_fail_several_calls_with_a_plain_api_error(
    slack: LocalSlack, client: WebClient
) -> None:
    slack.fail_next("views.open", status=200, error="expired_trigger_id", count=2)

    for _ in range(2):
        with pytest.raises(SlackApiError, match="expired_trigger_id"):
            client.views_open(trigger_id="t", view=modal())
    assert client.views_open(trigger_id="t", view=modal())["ok"]


def test_per_channel_post_rate_allows_a_burst_of_three() -> None:
    with LocalSlack(post_rate_per_channel=0.5) as slack:
        client = WebClient(token=TOKEN, base_url=slack.api_url)
        for n in range(3):
            client.chat_postMessage(channel="C0BUSY", text=str(n))
        with pytest.raises(SlackApiError) as error:
            client.chat_postMessage(channel="C0BUSY", text="one too many")
        client.chat_postMessage(channel="C0QUIET", text="another channel is fine")

    assert error.value.response.status_code == 429
    assert error.value.response.headers["Retry-After"] == "2"


def test_files_upload_v2_round_trip(slack: LocalSlack, client: WebClient) -> None:
    response = client.files_upload_v2(
        channel="C0SALES", content=b"stage,amount\nwon,6000\n", filename="x.csv"
    )

    file_id = response["file"]["id"]
    assert slack.file_content(file_id) == b"stage,amount\nwon,6000\n"
    assert response["file"]["name"] == "x.csv"
    complete = slack.wait_for("files.completeUploadExternal")
    assert complete.args["channel_id"] == "C0SALES"
    assert complete.args["files"] == [{"id": file_id, "title": "x.csv"}]
    assert [c.method for c in slack.calls] == [
        "files.getUploadURLExternal",
        "file_upload",
        "files.completeUploadExternal",
    ]


def test_response_url_posts_are_recorded_and_checked(slack: LocalSlack) -> None:
    url = slack.response_url("opp-42")

    accepted = post_json(url, {"text": "Moved to Proposition", "replace_original": True})
    refused = post_json(url, {"text": "t", "blocks": [section("x" * 3001)]})

    assert accepted == (200, "ok")
    assert refused == (400, "invalid_blocks")
    call = slack.wait_for("response_url", lambda c: c.ok)
    assert call.args == {"text": "Moved to Proposition", "replace_original": True, "key": "opp-42"}


def test_response_url_accepts_five_posts(slack: LocalSlack) -> None:
    url = slack.response_url("k")
    statuses = [post_json(url, {"text": str(n)})[0] for n in range(6)]

    assert statuses == [200, 200, 200, 200, 200, 404]


def test_sent_messages_lists_accepted_messages_in_order(
    slack: LocalSlack, client: WebClient
) -> None:
    ts = client.chat_postMessage(channel="C0SALES", text="posted")["ts"]
    client.chat_postEphemeral(channel="C0SALES", user="U0BOB", text="whisper")
    client.chat_update(channel="C0SALES", ts=ts, text="updated")
    post_json(slack.response_url("k"), {"text": "responded"})
    client.users_info(user="U0BOB")

    sent = slack.sent_messages()

    assert [(c.method, c.args["text"]) for c in sent] == [
        ("chat.postMessage", "posted"),
        ("chat.postEphemeral", "whisper"),
        ("chat.update", "updated"),
        ("response_url", "responded"),
    ]


def test_views_open_update_and_publish(slack: LocalSlack, client: WebClient) -> None:
    opened = client.views_open(trigger_id="t1", view=modal(external_id="opp-new-1"))["view"]
    by_external = client.views_update(external_id="opp-new-1", view=modal("Step 2"))["view"]
    by_id = client.views_update(view_id=opened["id"], hash=by_external["hash"], view=modal("3"))
    home = {"type": "home", "blocks": [section("Your pipeline")]}
    client.views_publish(user_id="U0ALICE", view=home)

    assert opened["id"] and opened["hash"]
    assert by_external["id"] == opened["id"]
    assert by_external["title"]["text"] == "Step 2"
    assert by_id["view"]["hash"] != by_external["hash"]
    published = slack.published_home("U0ALICE")
    assert published is not None
    assert published["blocks"] == home["blocks"]
    assert slack.published_home("U0BOB") is None


def test_views_update_refuses_a_stale_hash_or_unknown_view(client: WebClient) -> None:
    opened = client.views_open(trigger_id="t1", view=modal())["view"]
    client.views_update(view_id=opened["id"], view=modal("Changed"))

    with pytest.raises(SlackApiError, match="hash_conflict"):
        client.views_update(view_id=opened["id"], hash=opened["hash"], view=modal())
    with pytest.raises(SlackApiError, match="not_found"):
        client.views_update(view_id="V0NOPE", view=modal())


def test_over_limit_views_are_refused_like_slack(client: WebClient) -> None:
    with pytest.raises(SlackApiError) as invalid:
        client.views_open(trigger_id="t", view=modal("A title that is far too long"))
    huge = {"type": "home", "blocks": [section("é" * 2900) for _ in range(90)]}
    with pytest.raises(SlackApiError) as too_large:
        client.views_publish(user_id="U0ALICE", view=huge)

    assert invalid.value.response["error"] == "invalid_arguments"
    assert invalid.value.response["errors"] == ["/title/text: 28 chars > 24"]
    assert too_large.value.response["error"] == "view_too_large"


def test_wait_for_sees_calls_made_on_other_threads(slack: LocalSlack, client: WebClient) -> None:
    timer = threading.Timer(0.05, lambda: client.chat_postMessage(channel="C0X", text="later"))
    timer.start()
    try:
        call = slack.wait_for("chat.postMessage", lambda c: c.args.get("text") == "later")
    finally:
        timer.join()

    assert isinstance(call, ApiCall)
    assert call.args["channel"] == "C0X"


def test_wait_for_timeout_names_what_was_seen(slack: LocalSlack, client: WebClient) -> None:
    client.auth_test()

    with pytest.raises(
        AssertionError, match=r"no views\.open call within 0\.05s; seen: auth\.test"
    ):
        slack.wait_for("views.open", timeout=0.05)


def test_clear_forgets_calls(slack: LocalSlack, client: WebClient) -> None:
    client.auth_test()
    slack.clear()

    assert slack.calls == []
