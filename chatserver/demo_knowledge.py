"""The demo widget's knowledge base: Parley describing itself, so a fresh `make run` answers
a visitor's first questions offline. `chatctl demo` imports it when the demo widget has no
entries.

Markdown as `chatctl kb import` reads it: each `## Heading` is an entry, a heading ending in
"?" a question and the text under it the answer. The offline responder matches a question
to a heading and its answer by meaning, in any of the four languages, once their vectors
are computed, and by their words until then (see chatserver/ai/knowledge.py), so each
heading uses the words a visitor would, and the answer repeats a few of them.
tests/cli/test_kb.py checks that the demo questions are answered confidently, and
tests/ai/test_demo_knowledge.py that they are in English, Spanish, French and German.
"""

from __future__ import annotations

import re
from typing import Any

from chatserver.services.knowledge import parse_import

DEMO_KNOWLEDGE = """\
## What is Parley?

Parley is a self-hosted live chat for websites: one script tag adds a chat window to your
site, an AI assistant answers first from your own knowledge base, and a person from your
team takes over whenever the visitor asks or the assistant does not know. This demo chat
runs on Parley itself.

## How do I add the chat to my website?

To embed the chat widget, paste one script tag into your website's pages, just before
</body>:

<script src="https://chat.example.com/widget.js" data-site-key="YOUR_SITE_KEY" async></script>

Run `chatctl widget snippet SITE_KEY` to print the exact tag for your widget, and add your
site with `chatctl widget update SITE_KEY --allowed-origin https://your-site.example`.

## Is Parley free? How much does it cost?

Yes, Parley is free: it is open source and self-hosted, so there is no price, no
subscription and no per-agent cost. You run it on your own server. The only cost is
optional: an OpenAI-compatible AI provider, if you choose one, bills you for its use.

## How do I install Parley?

Install Parley from its repository with `make run`: it installs Parley in a virtual
environment, migrates the embedded SQLite database, creates this demo and starts the server
on port 8080. For a real install, run `chatctl db upgrade` and `chatctl serve` with
`PARLEY_DATABASE_URL` pointing at MariaDB. You need Python 3.11 or newer.

## How do I talk to a person?

Ask for a person at any time, for example "I'd like to talk to a human", and the assistant
hands the chat over to a person from the support team. You see your place in the queue
while you wait. In this demo, the person is the demo agent: log in at /agent to answer.

## What are your opening hours? When is the support team available?

The demo support team is available whenever someone is logged in to the agent inbox at
/agent. On your own Parley, set your team's opening hours (business hours and time zone)
on the widget; outside those hours visitors can leave their email address.

## How can I contact you by email when nobody is online?

When nobody from the team is online, the chat asks for your email address: leave it in
the chat and the team replies by email as soon as someone is back. Nothing is lost.

## Where is my data stored?

Your data is stored on your own server, in your own database (an SQLite file or MariaDB):
Parley is self-hosted, so conversations and visitor data never go to a third party. The
offline AI assistant sends nothing over the network.

## Does the chat use cookies? What about privacy?

No cookies. The chat stores nothing in the visitor's browser before they start a
conversation; after that it keeps only the conversation's id (in local storage) so a reload
resumes the chat. Your data stays private, on your own server.

## What languages do you speak?

The assistant supports and speaks four languages: English, Spanish, French and German. It
replies in the language the visitor writes in, and understands requests for a person in
all four. Your knowledge base can be written in any of them.

## How does the AI assistant work? Does it work offline?

By default the AI assistant works offline, with no network and no API key: it searches
your knowledge base (Q&A pairs and articles) and answers only when an entry clearly matches
the question. Otherwise it says it does not know and offers a person.

## Can I use ChatGPT or my own AI model?

Yes: set `PARLEY_AI_API_KEY` (and `PARLEY_AI_BASE_URL` and `PARLEY_AI_MODEL`) to use an
OpenAI-compatible model such as ChatGPT. It answers from your knowledge base too, and hands
over to a person when it cannot help.

## How do I add answers to the knowledge base?

Add answers with `chatctl kb add SITE_KEY --question "..." --answer "..."`, or import a
Markdown or CSV file with `chatctl kb import SITE_KEY FILE`. Try a question with
`chatctl kb try SITE_KEY "your question"` to see the answer the assistant would give.

## Can I change the colours and the look of the chat window?

Yes: change the chat window's colours, title, welcome message and corner with
`chatctl widget update SITE_KEY --primary-color "#0a7d5a" --title "Chat with us"`, or in
the admin UI at /admin.
"""


def demo_entries() -> list[dict[str, Any]]:
    """The entries, each paragraph on one line: the text is wrapped here for reading, and a
    chat bubble would keep those line breaks."""
    return [{**item, "body": _unwrap(item["body"])}
            for item in parse_import(DEMO_KNOWLEDGE, "markdown")]


def _unwrap(text: str) -> str:
    return "\n\n".join(" ".join(line.strip() for line in paragraph.splitlines())
                       for paragraph in re.split(r"\n\s*\n", text))
