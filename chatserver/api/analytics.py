"""/api/analytics: conversations over a period (JSON or CSV), and the dashboard's live view."""

from __future__ import annotations

from chatserver.api.base import APIHandler
from chatserver.services import analytics


class AnalyticsHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        period = analytics.parse_period(self.get_query_argument("from", None),
                                        self.get_query_argument("to", None),
                                        self.get_query_argument("tz", None))
        fmt = analytics.check_format(self.get_query_argument("format", None))
        site_key = self.get_query_argument("site_key", None) or None
        report = await analytics.report(self.ctx, actor, period, site_key)
        if fmt == "json":
            self.send_json(report)
            return
        self.set_header("Content-Type", "text/csv; charset=utf-8")
        self.set_header("Content-Disposition",
                        f'attachment; filename="{analytics.csv_filename(report)}"')
        self.finish(analytics.to_csv(report))


class LiveHandler(APIHandler):
    async def get(self) -> None:
        actor = await self.actor()
        period = analytics.parse_period(None, None, self.get_query_argument("tz", None))
        site_key = self.get_query_argument("site_key", None) or None
        self.send_json(await analytics.live(self.ctx, actor, period.tz, site_key))


routes = [
    (r"/api/analytics", AnalyticsHandler),
    (r"/api/analytics/live", LiveHandler),
]
