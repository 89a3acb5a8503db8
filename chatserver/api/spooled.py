"""Routes whose body is a file: streamed into a spool file as it arrives, never held whole
(attachments, avatars, knowledge-base documents). The application leaves them out of the
REST body limit (``streams_body``)."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable

import tornado.http1connection

from chatserver.api.base import APIHandler
from chatserver.errors import ParleyError
from chatserver.services import uploads


class SpooledBody(APIHandler):
    """Subclasses (decorated with ``tornado.web.stream_request_body``) call `open_spool` from
    `prepare` and take the body with `take_spool`; a body past `body_limit` is refused (413
    ``file_too_large``) as soon as it is exceeded, the connection then closed."""

    streams_body = True
    spool: uploads.Spool | None = None

    def body_limit(self) -> int:
        raise NotImplementedError

    async def open_spool(self, check: Callable[[int | None], Awaitable[None]]) -> None:
        """Run `check` (given the declared length, if any) before any of the body is read,
        then open the spool. A refusal closes the connection: the body stays unread."""
        if isinstance(self.request.connection, tornado.http1connection.HTTP1Connection):
            # Bounded by data_received below, which answers in the JSON error shape.
            self.request.connection.set_max_body_size(sys.maxsize)
        length = self.request.headers.get("Content-Length", "")
        try:
            await check(int(length) if length.isdigit() else None)
        except ParleyError as e:
            if length not in ("", "0") or "Transfer-Encoding" in self.request.headers:
                e.headers = {**e.headers, "Connection": "close"}
            raise
        self.spool = uploads.Spool(uploads.spool_dir(self.ctx))

    def data_received(self, chunk: bytes) -> None:
        if self.spool is None or self._finished:
            return
        limit = self.body_limit()
        if self.spool.size + len(chunk) > limit:
            self.refuse(uploads.file_too_large(limit))
            return
        self.spool.write(chunk)

    def refuse(self, error: ParleyError) -> None:
        """Answer now, before the rest of the body; the connection is closed after."""
        self.drop_spool()
        error.headers = {**error.headers, "Connection": "close"}
        try:
            raise error
        except ParleyError:
            self.send_error(error.status, exc_info=sys.exc_info())

    def drop_spool(self) -> None:
        if self.spool is not None:
            self.spool.discard()
            self.spool = None

    def on_connection_close(self) -> None:
        self.drop_spool()
        super().on_connection_close()

    def take_spool(self) -> uploads.Spool | None:
        """The whole body, once (None when the request was refused)."""
        if self._finished:
            return None
        spool, self.spool = self.spool, None
        return spool
