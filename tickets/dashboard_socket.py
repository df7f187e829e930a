"""The websocket of the supervisors' live tiles (`ws/console/dashboards/`).

Authenticated on connect (the supervise permission; Origin checked, as every console socket),
which also reads the teams the tiles count (tickets.dashboards.forms.viewer_team_ids: every
team for administrators, the supervised teams for supervisors; a change of teams shows when
the page is opened again). Then a fresh tiles frame every PUSH_SECONDS, computed by
tickets.dashboards.live's aggregate queries. Polling the database from the socket rather than
reacting to notices keeps one rule for every change that moves a tile (a due time passing
changes no row and sends no notice).

Every socket of a process pushes at the same moments, the start of each push round, and the
tiles of one set of teams are computed once a round (`TileRounds`): fifty supervisors of one
team cost one computation, not fifty.
"""

import asyncio
import logging
import time
from collections.abc import Callable

from channels.db import database_sync_to_async
from django.utils import translation

from tickets.consumers import ConsoleSocket, _language
from tickets.dashboards import live
from tickets.dashboards.forms import viewer_team_ids

logger = logging.getLogger(__name__)

PUSH_SECONDS = 2.0  # a change reaches the page within this, plus one query

Teams = tuple[int, ...] | None


def push_round() -> int:
    """The number of the push round now (each PUSH_SECONDS long)."""
    return int(time.monotonic() // PUSH_SECONDS)


def until_next_round() -> float:
    return PUSH_SECONDS - time.monotonic() % PUSH_SECONDS


class TileRounds:
    """The tiles of each set of teams, computed at most once per push round in this process.

    The sockets of a round that ask for the same teams await the one computation; a socket
    closing meanwhile does not cancel it for the others."""

    def __init__(self, compute: Callable[[Teams], dict[str, int]]) -> None:
        self.compute = compute
        self.held: dict[Teams, tuple[asyncio.AbstractEventLoop, int, asyncio.Task]] = {}

    async def values(self, teams: Teams, round_number: int) -> dict[str, int]:
        loop = asyncio.get_running_loop()
        held = self.held.get(teams)
        if held is None or held[:2] != (loop, round_number):
            task = loop.create_task(database_sync_to_async(self.compute)(teams))
            held = self.held[teams] = (loop, round_number, task)
        return await asyncio.shield(held[2])


def _tile_values(teams: Teams) -> dict[str, int]:
    return live.tile_values(teams=teams)


rounds = TileRounds(_tile_values)


class DashboardSocket(ConsoleSocket):
    """Pushes `{"type": "tiles", "tiles": [...], "at": ...}` to a supervisor's dashboard."""

    pushing: asyncio.Task | None = None
    permitted = False
    teams: Teams = ()

    def authorise(self) -> tuple[list[str] | None, str]:
        """No group to join: the tiles are pushed by this socket's own loop."""
        self.permitted = self.user.has_perm("support.supervise")
        if self.permitted:
            self.teams = viewer_team_ids(self.user)
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
                values = await rounds.values(self.teams, push_round())
            except Exception:
                logger.warning("Dashboard tiles not computed", exc_info=True)
            else:
                with translation.override(self.language):
                    await self.send_json(live.tiles_frame(values))
            await asyncio.sleep(until_next_round())
