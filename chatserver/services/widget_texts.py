"""The texts of the widget an admin may override, per widget and language (docs/widget.md
"Overriding texts"): the keys of widget/src/i18n/en.json (tests/test_widget_texts.py keeps the
two in step), and the check of a widget's `text_overrides` {lang: {key: text}}."""

from __future__ import annotations

import json
from typing import Any

from chatserver.validate import Fields

# The widget's languages: a pack each in widget/src/i18n. The emails exist in en, es, fr, de
# (mail/strings.py) and fall back to English in the others.
WIDGET_LANGUAGES = ("en", "es", "fr", "de", "pt", "it", "nl", "ar")

# Keys with a single text.
TEXT_KEYS = frozenset((
    "assistant", "attach.label", "attach.unavailable", "conn.lost", "conn.offline",
    "email.invalid", "email.label", "email.saved", "email.send", "email.text", "email.title",
    "end.cancel", "end.confirm", "end.title", "end.transcript", "error.failed", "error.offline",
    "escalate.away", "escalate.person", "files.close", "files.download", "files.downloadButton",
    "files.lost", "files.open", "form.choose", "form.email", "form.option", "form.required",
    "form.select", "form.tel", "home.ended", "home.new", "home.open", "home.reopen",
    "home.reopenFailed", "home.untitled", "invite.dismiss", "launcher.away", "launcher.close",
    "launcher.label", "launcher.open", "msg.again", "msg.ai", "msg.failed", "msg.log",
    "msg.notSent", "msg.pending", "msg.retry", "msg.seen", "msg.sent", "msg.streaming", "msg.you",
    "notice.email", "notice.ended", "notice.guest", "notice.identity", "notice.nobody",
    "notice.position", "notice.preview", "notice.previousEnded", "notice.queued", "notice.rated",
    "notice.signIn", "notice.tooMany", "notice.unavailable", "notice.uploadLost",
    "panel.composer", "panel.end", "panel.list", "panel.message", "panel.placeholder",
    "panel.send", "prechat.intro", "prechat.label", "prechat.start", "prechat.starting",
    "queue.connecting", "queue.position", "queue.wait", "quick.label", "quick.no", "quick.yes",
    "rating.1", "rating.2", "rating.3", "rating.4", "rating.5", "rating.comment", "rating.commented",
    "rating.ended", "rating.question",
    "rating.restart", "rating.star", "rating.thanks", "sources", "sub.agent", "sub.ai",
    "sub.away", "sub.default", "sub.email", "sub.ended", "sub.person", "sub.waiting",
    "sys.abandoned", "sys.closed", "sys.email", "sys.email_escalated", "sys.email_reopened",
    "sys.escalated", "sys.hand_back", "sys.invited", "sys.joined", "sys.reopened",
    "sys.taken_over", "sys.transfer", "sys.visitor_reopened", "typing", "typing.someone",
    "upload.announce", "upload.cancelled", "upload.failed", "upload.file_empty",
    "upload.file_too_large", "upload.file_type_not_allowed", "upload.image_too_large",
    "upload.image_unreadable", "upload.limit", "upload.network", "upload.progress",
    "upload.remove", "upload.session_closed", "upload.session_storage_full",
    "upload.too_many_uploads", "upload.tray", "upload.uploads_off", "wait.short",
))
# Keys with plural forms: <key>.<form>, the forms of Intl.PluralRules.
PLURAL_KEYS = frozenset((
    "files.list", "form.tooLong", "launcher.unread", "upload.max", "wait.hours", "wait.minutes",
))
PLURAL_FORMS = ("zero", "one", "two", "few", "many", "other")

MAX_TEXT = 500
# The whole map, as JSON: it is part of the public config every page view may load.
MAX_TOTAL = 16_000


def known_key(key: str) -> bool:
    if key in TEXT_KEYS:
        return True
    stem, _, form = key.rpartition(".")
    return stem in PLURAL_KEYS and form in PLURAL_FORMS


def check_text_overrides(f: Fields, value: Any) -> dict[str, dict[str, str]]:
    """{lang: {key: text}}: known languages and keys, texts of 1..MAX_TEXT characters on one
    line (an empty text drops the override: the default shows again)."""
    name = "text_overrides"
    out: dict[str, dict[str, str]] = {}
    if not isinstance(value, dict):
        f.error(name, "must be an object {language: {key: text}}")
        return out
    for lang, texts in value.items():
        if lang not in WIDGET_LANGUAGES:
            f.error(name, f"{str(lang)[:20]!r} is not one of the widget's languages: "
                    + ", ".join(WIDGET_LANGUAGES))
            continue
        if not isinstance(texts, dict):
            f.error(f"{name}.{lang}", "must be an object {key: text}")
            continue
        clean: dict[str, str] = {}
        for key, text in texts.items():
            where = f"{name}.{lang}.{str(key)[:64]}"
            if not isinstance(key, str) or not known_key(key):
                f.error(where, "is not a text of the widget (see docs/widget.md)")
            elif not isinstance(text, str):
                f.error(where, "must be a string")
            elif len(text) > MAX_TEXT:
                f.error(where, f"at most {MAX_TEXT} characters")
            elif "\n" in text or "\r" in text:
                f.error(where, "must be one line")
            elif text.strip():
                clean[key] = text.strip()
        if clean:
            out[lang] = clean
    if len(json.dumps(out, ensure_ascii=False)) > MAX_TOTAL:
        f.error(name, f"the overrides take at most {MAX_TOTAL} characters in all")
    return out
