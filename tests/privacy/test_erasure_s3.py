"""Erasure with the S3 storage backend (moto_server): the visitor's files and thumbnails are
deleted from the bucket, another visitor's stay."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from chatserver.context import Context
from chatserver.db.privacy import VisitorQuery
from chatserver.services import privacy
from chatserver.services.access import OPERATOR
from tests.helpers.privacy import found_in_s3, make_widget, plant
from tests.helpers.s3 import MotoServer
from tests.helpers.s3 import moto_server as moto_server

PREFIX = f"t-{uuid.uuid4().hex[:12]}/"


@pytest.fixture
def settings_overrides(moto_server: MotoServer) -> dict[str, Any]:
    return moto_server.settings(PREFIX)


async def test_erasure_deletes_the_files_from_s3(ctx: Context,
                                                 moto_server: MotoServer) -> None:
    w = await make_widget(ctx)
    v = await plant(ctx, w["site_key"], "zsa")
    other = await plant(ctx, w["site_key"], "zsb")
    assert found_in_s3(moto_server, PREFIX, [v.markers["content"]])  # the walk sees it
    export = await privacy.export(ctx, OPERATOR, VisitorQuery("email", v.email))
    assert v.markers["content"].encode() in export.read()
    export.close()
    await privacy.erase(ctx, OPERATOR, VisitorQuery("email", v.email))
    assert found_in_s3(moto_server, PREFIX, [v.markers["content"]]) == []
    assert found_in_s3(moto_server, PREFIX, [other.markers["content"]])
