"""An admin changing a league setting; a governor changing their notifications."""

from __future__ import annotations

import json
from typing import Any

from bot.app.governance.commands import SetNotifications, SetSetting
from bot.app.league.control import CADENCE_KEY, reschedule_league
from bot.domain.errors import NotFoundError
from bot.domain.settings import SETTINGS
from db import governance_repo as repo
from db import league_repo
from db.uow import UnitOfWork


async def set_setting(uow: UnitOfWork, cmd: SetSetting) -> dict[str, Any]:
    spec = SETTINGS.get(cmd.key)
    if spec is None:
        known = ", ".join(SETTINGS)
        raise NotFoundError(f"There is no setting called {cmd.key[:100]}. Settings: {known}.")
    value = spec.parse_text(cmd.value)
    if not await league_repo.league_exists(uow.session, cmd.league_id):
        raise NotFoundError("There is no such league.")
    before = (await repo.league_settings(uow.session, cmd.league_id)).get(cmd.key)
    await league_repo.set_setting(
        uow.session, cmd.league_id, cmd.key, json.dumps(value), spec.category, spec.description
    )
    if cmd.key == CADENCE_KEY and value != before:
        # The next round moves with the cadence (manual stops it; minutes start the clock).
        await reschedule_league(uow.session, cmd.league_id, uow.clock())
    await repo.log_admin_action(
        uow.session,
        league_id=cmd.league_id,
        actor_id=cmd.admin_id,
        action_type="setting.set",
        target_table="settings",
        target_id=f"{cmd.league_id}:{cmd.key}",
        before={cmd.key: before},
        after={cmd.key: value},
        reason=None,
        at=uow.clock(),
    )
    return {"key": cmd.key, "before": before, "value": value}


async def set_notifications(uow: UnitOfWork, cmd: SetNotifications) -> dict[str, Any]:
    """Store the choices given; with none given, just report the current ones."""
    current = await league_repo.governor_preferences(uow.session, cmd.governor_id)
    wanted = {
        name: getattr(cmd, name)
        for name in league_repo.PREFERENCES
        if getattr(cmd, name) is not None
    }
    if wanted:
        current = {**current, **wanted}
        await league_repo.set_governor_preferences(
            uow.session, cmd.governor_id, current, uow.clock()
        )
    return {"preferences": current, "changed": bool(wanted)}
