"""The websocket of the supervisors' live tiles (`ws/console/dashboards/`).

Authenticated on connect (the supervise permission; Origin checked, as every console socket),
then a fresh tiles frame every PUSH_SECONDS, computed by tickets.dashboards.live's aggregate
queries. Polling the database from the socket rather than reacting to notices keeps one rule
for every change that moves a tile (a due time passing changes no row and sends no notice).
"""

import asyncio
import logging

from channels.db import database_sync_to_async
from django.utils import translation

from tickets.consumers import ConsoleSocket, _language
from tickets.dashboards import live

logger = logging.getLogger(__name__)

PUSH_SECONDS = 2.0  # a change reaches the page within this, plus one query


class DashboardSocket(ConsoleSocket):
    """Pushes `{"type": "tiles", "tiles": [...], "at": ...}` to a supervisor's dashboard."""

    pushing: asyncio.Task | None = None
    permitted = False

    def authorise(self) -> tuple[list[str] | None, str]:
        """No group to join: the tiles are pushed by this socket's own loop."""
        self.permitted = self.user.has_perm("support.supervise")
        return ([] if self.permitted else None), _language(self.user)

    async def connect(self) -> None:
        await super().connect()
        if self.permitted:
            self.pushing = asyncio.create_task(self.push())

    async def disconnect(self, code: int) -> None:
        if self.pushing is not None:
            self.pushing.cancel()
        await super().disconnect(code)

    async def push(self) -> None:
        while True:
            try:
                values = await database_sync_to_async(live.tile_values)()
            except Exception:
                logger.warning("Dashboard tiles not computed", exc_info=True)
            else:
                with translation.override(self.language):
                    await self.send_json(live.tiles_frame(values))
            await asyncio.sleep(PUSH_SECONDS)
