"""/api/agents/sessions/<id>/notes: a conversation's private notes, for the agents who may see
it (the agent inbox loads them with the conversation's messages; new ones arrive as `note`
frames). Notes are written over the agent socket (`note` frames)."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.services import notes


class NotesHandler(APIHandler):
    async def get(self, session_id: str) -> None:
        actor = await self.actor()
        self.send_json({"notes": await notes.list_notes(self.ctx, actor, session_id)})


routes = [
    (r"/api/agents/sessions/([^/]+)/notes", NotesHandler),
]
