"""system message codes: existing system messages get meta.code and meta.params

System messages now carry a stable code and its params (chatserver/services/system_texts.py,
docs/protocol.md) so that clients render them in their reader's language. This codes the rows
stored before: from the `sys-<kind>-` prefix of client_msg_id and the English text, names
recovered from the text ("Alice joined the conversation." -> joined {agent: Alice}). Two
readings need the conversation around the row: a join while it waited in the queue (after
"handed to a person" or an email reply) is `joined`, one while the AI had it is `taken_over`;
"handed to a person" followed by an email reply (a `mail-` message) is `email_escalated`. A
row it cannot read keeps its text only.

Done in Python, in batches (SQLite and MariaDB handle JSON differently); no schema change.
Downgrade removes code and params from system messages' meta.

Revision ID: 0019
Revises: 0018
"""
import json
import re
from typing import Any, Sequence, Union

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision: str = '0019'
down_revision: Union[str, Sequence[str], None] = '0018'
branch_labels: Union[str, Sequence[str], None] = None
depends_on: Union[str, Sequence[str], None] = None

BATCH = 500
JSON = sa.JSON(none_as_null=True)
MESSAGES = sa.table('messages', sa.column('id', sa.BigInteger), sa.column('session_id', sa.String),
                    sa.column('seq', sa.Integer), sa.column('client_msg_id', sa.String),
                    sa.column('sender_type', sa.String), sa.column('text', sa.Text),
                    sa.column('meta', JSON))
KIND_RE = re.compile(r'^sys-([a-z_]+)-[0-9a-f]+$')
# kind -> [(text pattern, code, param names)], tried in order; the English of each code as it
# has always been written.
READINGS: dict[str, list[tuple[re.Pattern[str], str, tuple[str, ...]]]] = {
    'joined': [(re.compile(r'^(.+) joined the conversation\.$', re.S), 'joined', ('agent',))],
    'reopened': [
        (re.compile(r'^The visitor reopened the conversation\.$'), 'visitor_reopened', ()),
        (re.compile(r'^The visitor replied by email; the conversation was reopened\.$'),
         'email_reopened', ()),
        (re.compile(r'^(.+) reopened the conversation\.$', re.S), 'reopened', ('agent',)),
    ],
    'transfer': [(re.compile(r'^(.+?) transferred the conversation to (.+)\.$', re.S),
                  'transfer', ('from', 'to'))],
    'hand_back': [(re.compile(r'^The assistant is back in the conversation\.$'),
                   'hand_back', ())],
    'closed': [(re.compile(r'^The conversation was closed\.$'), 'closed', ())],
    'abandoned': [(re.compile(r'^The visitor left; the conversation was closed\.$'),
                   'abandoned', ())],
    'email': [(re.compile(r'^Email address saved: the team will reply by email\.$'),
               'email', ())],
    'escalated': [(re.compile(r'^The conversation was handed to a person\.$'), 'escalated', ())],
}
# After these, a conversation waits in the queue (the next join is an ordinary one); after
# those, it does not (a join then takes it from the AI); other codes change nothing.
TO_A_PERSON = ('escalated', 'email_escalated', 'email_reopened')
NOT_WAITING = ('joined', 'taken_over', 'reopened', 'visitor_reopened', 'hand_back', 'closed',
               'abandoned')


def read(client_msg_id: str, text: str) -> tuple[str, dict[str, str]] | None:
    """(code, params) of a system message as stored before codes, or None."""
    kind = KIND_RE.match(client_msg_id or '')
    if kind is None:
        return None
    for pattern, code, names in READINGS.get(kind.group(1), ()):
        found = pattern.match(text or '')
        if found:
            return code, dict(zip(names, found.groups()))
    return None


def _meta(value: Any) -> dict[str, Any] | None:
    if isinstance(value, str):  # a driver that hands JSON back as text
        value = json.loads(value)
    return value if isinstance(value, dict) else None


def upgrade() -> None:
    """Upgrade schema."""
    conn = op.get_bind()
    m = MESSAGES
    after: tuple[str, int] = ('', -1)
    waiting: tuple[str, bool] = ('', False)  # (session, whether it waits for a person)
    while True:
        rows = conn.execute(
            sa.select(m.c.id, m.c.session_id, m.c.seq, m.c.client_msg_id, m.c.text, m.c.meta)
            .where(m.c.sender_type == 'system',
                   sa.or_(m.c.session_id > after[0],
                          sa.and_(m.c.session_id == after[0], m.c.seq > after[1])))
            .order_by(m.c.session_id, m.c.seq).limit(BATCH)).mappings().all()
        if not rows:
            break
        after = (rows[-1]['session_id'], rows[-1]['seq'])
        read_rows = [(row, read(row['client_msg_id'], row['text'])) for row in rows]
        escalated = [(r['session_id'], r['seq'] + 1) for r, said in read_rows
                     if said and said[0] == 'escalated']
        by_mail: set[tuple[str, int]] = set()
        if escalated:
            by_mail = {(n['session_id'], n['seq'] - 1) for n in conn.execute(
                sa.select(m.c.session_id, m.c.seq)
                .where(sa.tuple_(m.c.session_id, m.c.seq).in_(escalated),
                       m.c.client_msg_id.like('mail-%'))).mappings()}
        changes = []
        for row, said in read_rows:
            queued = waiting[1] if waiting[0] == row['session_id'] else False
            meta = _meta(row['meta']) or {}
            code = meta.get('code')
            if said is not None and code is None:
                code, params = said
                if code == 'escalated' and (row['session_id'], row['seq']) in by_mail:
                    code = 'email_escalated'
                elif code == 'joined' and not queued:
                    code = 'taken_over'  # no hand-off before it: the AI had the conversation
                changes.append({'b_id': row['id'],
                                'b_meta': {**meta, 'code': code, 'params': params}})
            waiting = (row['session_id'], True if code in TO_A_PERSON else
                       False if code in NOT_WAITING else queued)
        if changes:
            conn.execute(sa.update(m).where(m.c.id == sa.bindparam('b_id'))
                         .values(meta=sa.bindparam('b_meta', type_=JSON)), changes)


def downgrade() -> None:
    """Downgrade schema."""
    conn = op.get_bind()
    m = MESSAGES
    after = -1
    while True:
        rows = conn.execute(
            sa.select(m.c.id, m.c.meta).where(m.c.sender_type == 'system', m.c.id > after)
            .order_by(m.c.id).limit(BATCH)).mappings().all()
        if not rows:
            break
        after = rows[-1]['id']
        changes = []
        for row in rows:
            meta = _meta(row['meta'])
            if meta and 'code' in meta:
                rest = {k: v for k, v in meta.items() if k not in ('code', 'params')}
                changes.append({'b_id': row['id'], 'b_meta': rest or None})
        if changes:
            conn.execute(sa.update(m).where(m.c.id == sa.bindparam('b_id'))
                         .values(meta=sa.bindparam('b_meta', type_=JSON)), changes)
