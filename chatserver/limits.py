"""Limits of the protocol and the REST API that clients see, each named for what it limits
(docs/protocol.md and docs/openapi.yaml document them). Settings (config.py) hold the limits an
operator may change; these are fixed."""

from __future__ import annotations

# The largest seq or id a request may name: the database's INTEGER. A bigger number made
# SQLite raise OverflowError (an internal error) instead of a validation error.
ID_MAX = 2**31 - 1
# A client_msg_id: 1-64 characters (a UUID is 36), so clients may prefix their own.
CLIENT_MSG_ID_MAX = 64
# A request_id (socket frames): as long as a client_msg_id.
REQUEST_ID_MAX = 64
# A resume replays at most this many messages; further behind, the client gets `reset` and
# pages the history over REST (a replay is sent in one go, a page at a time is kinder).
REPLAY_MAX = 500
# A `fetch` answers at most this many messages (the same bound as a replay).
FETCH_MAX = REPLAY_MAX
# GET .../sessions/{id}/messages: one page of a conversation's messages (the widget and the
# inbox load a whole conversation at once; 500 covers nearly all in one request).
MESSAGES_PAGE_MAX = 500
MESSAGES_PAGE_DEFAULT = 100
# An agent's close note and a visitor's note with a left email (the schema's column width).
NOTE_MAX = 2000
# The visitor's comment with a rating (sessions.rating_comment).
RATING_COMMENT_MAX = 500
# GET /api/inbox/history: one page of past conversations in the search list (25 shown).
HISTORY_SEARCH_PAGE_MAX = 100
# Visitor context (services/visitor_context.py, docs/privacy.md): the pages kept per
# conversation (the newest; the oldest drops), a page's URL and title, the custom attributes
# (keys per conversation, a text value's length), and updates per conversation per minute
# (a page load or an SPA navigation is one; a person does not read 60 pages a minute).
CONTEXT_PAGES_MAX = 20
CONTEXT_URL_MAX = 500
CONTEXT_TITLE_MAX = 200
ATTRIBUTES_MAX = 30
ATTRIBUTE_TEXT_MAX = 200
CONTEXT_UPDATES_PER_MINUTE = 60
