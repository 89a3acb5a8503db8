"""A small knowledge base in Markdown (Acme Bikes' FAQ), for the AI responders' tests, and
waiting for the knowledge bases' vectors."""

from __future__ import annotations

import asyncio

from chatserver.context import Context

FAQ_MD = """# Acme Bikes help

## What are your opening hours?
We are open Monday to Friday from 9:00 to 18:00, and Saturday from 10:00 to 14:00.

## How long does shipping take?
Orders ship within 24 hours. Delivery takes 2-4 business days in the EU.

## Can I return a bike?
Yes: you can return any unused bike within 30 days for a full refund.

## Warranty
Every frame has a lifetime warranty. Components are covered for two years.
"""


async def embedded(ctx: Context, timeout: float = 120.0) -> None:
    """Wait for the background embedding tasks (the entries' vectors) to finish."""
    while ctx.knowledge.embedding:
        await asyncio.wait(set(ctx.knowledge.embedding.values()), timeout=timeout)
