"""Where the bot may post, asked when an admin or a manager picks a channel.

The domain never calls Slack: the listener hands it `can_post`, a plain yes or no for a channel
id, built from what Slack says of the channel. A channel the bot cannot post to (a private one it
is not a member of, an archived one) is refused when it is chosen, not silently at the first
announcement or digest.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from commands.errors import InvalidInput

CanPost = Callable[[str], bool]

# Slack escapes "#ventes" as "<#C123|ventes>" (or "<#C123>"); private channels may start with G.
CHANNEL_MENTION = re.compile(r"<#([CG][A-Z0-9]{2,20})(?:\|[^>]*)?>")


def check_can_post(can_post: CanPost, channel_id: str, *, field: str | None = None) -> None:
    """Refuse a channel the bot could not post to. In a form (`field`), the message names no
    channel: a modal's error is plain text, where `<#C123>` would show as such."""
    if can_post(channel_id):
        return
    if field is None:
        raise InvalidInput("admin.cannot_post", channel=channel_id)
    raise InvalidInput("admin.cannot_post_here", field=field)
