"""A socket's queue of frames waiting to be written: bounded, so a slow reader is closed
instead of growing the server's memory without limit."""

from __future__ import annotations

from collections import deque


class Outbox:
    def __init__(self, max_frames: int, max_bytes: int) -> None:
        self.max_frames = max_frames
        self.max_bytes = max_bytes
        # Made on first use: most sockets never queue a frame, and an empty deque is 600 bytes.
        self.frames: deque[bytes] | None = None
        self.bytes = 0

    def push(self, frame: bytes) -> bool:
        """Queue a frame; False when the reader is too far behind (the caller closes it)."""
        if self.frames is None:
            self.frames = deque()
        if len(self.frames) >= self.max_frames or self.bytes + len(frame) > self.max_bytes:
            return False
        self.frames.append(frame)
        self.bytes += len(frame)
        return True

    def pop(self) -> bytes | None:
        if not self.frames:
            self.frames = None
            return None
        frame = self.frames.popleft()
        self.bytes -= len(frame)
        return frame

    def __len__(self) -> int:
        return len(self.frames) if self.frames is not None else 0
