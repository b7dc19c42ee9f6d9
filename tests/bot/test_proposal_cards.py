"""A proposal's card in #governance, through SimCord: posted once when it opens and edited as
it changes, with vote buttons that count exactly like /vote, outlive a restart and refuse
non-governors and other leagues; a live voter count that never tells the choices; at the
close, the revealed tally and the real reason a proposal failed. Settled trade offers and
amended proposals say so."""

from __future__ import annotations

import sys
from typing import Any

import discord
import pytest
from sqlalchemy import select

from bot.app.league.outbox import drain
from bot.cogs import channels
from bot.cogs.poster import DiscordPoster
from db.tables import VoteRow
from tests.bot.conftest import World
from tests.bot.test_governance_cogs import governor, join, open_proposal

TEAMS = ["Team 0", "Team 1"]


def bot_guild(world: World) -> discord.Guild:
    guild = world.env.bot.get_guild(world.guild.id)
    assert guild is not None
    return guild


def governance_channel(world: World) -> Any:
    (found,) = [c for c in world.guild.channels.values() if c.name == "governance"]
    return found


async def post(world: World) -> None:
    """What the background loop would do next: bind the league's channels, post the outbox."""
    await channels.ensure(bot_guild(world), TEAMS)
    league_id = world.league.seeded.league_id
    await drain(
        world.league.db,
        DiscordPoster(world.env.bot, league_id),
        league_id=league_id,
        clock=world.league.clock,
    )


async def confirm(world: World, text: str) -> str:
    """Alice (already a governor) proposes `text` and confirms it; returns its id."""
    from tests.bot.test_governance_cogs import propose

    await world.alice.click(await propose(world, text), label="Confirm")
    found = await world.league.app.open_proposals(world.league.season)
    return next(str(p["proposal_id"]) for p in found if p["text"] == text)


def fields(card: discord.Message) -> dict[str, str]:
    return {f.name or "": f.value or "" for f in card.embeds[0].fields}


def labels(card: discord.Message) -> list[str]:
    return [c.label or "" for row in card.components for c in row.children]  # type: ignore[attr-defined]


async def the_card(world: World) -> discord.Message:
    await post(world)
    (card,) = governance_channel(world).history()
    return card


async def vote_row(world: World, proposal_id: str, who: str) -> tuple[str, bool] | None:
    actor = getattr(world, who)
    governor_id = await world.league.app.governor_id(world.league.seeded.league_id, str(actor.id))
    async with world.league.db.read_sessions() as s:
        row = (
            await s.execute(
                select(VoteRow.vote, VoteRow.boost_used).where(
                    VoteRow.proposal_id == proposal_id, VoteRow.governor_id == governor_id
                )
            )
        ).first()
    return (row[0], bool(row[1])) if row else None


async def test_a_proposal_opens_with_one_card_and_four_vote_buttons(world: World) -> None:
    await open_proposal(world)

    card = await the_card(world)
    await post(world)  # nothing new: not posted again

    assert len(governance_channel(world).history()) == 1
    assert labels(card) == ["Yes", "No", "Yes + Boost", "No + Boost"]
    shown = fields(card)
    assert "Three-pointers are worth **4** points (now 3)" in shown["What it does"]
    assert "More than 50% of weighted yes votes" in shown["To pass"]
    assert shown["Votes"] == "0 of 1 governors have voted"
    assert "_" not in str(card.embeds[0].to_dict()).replace("three_point_value=4", "")


async def test_a_vote_by_button_counts_exactly_like_the_vote_command(world: World) -> None:
    by_button = await open_proposal(world, "three_point_value=4")
    by_command = await confirm(world, "three_point_value=5")
    await join(world, "bob", team=1)
    await post(world)
    (card,) = [
        m for m in governance_channel(world).history() if "**4**" in fields(m)["What it does"]
    ]
    before = await world.league.app.balances(world.league.season, await governor(world, "bob"))

    pressed = await world.bob.click(card, label="Yes + Boost")
    await world.bob.slash(world.channel, "vote", proposal=by_command, choice="yes", boost=True)

    after = await world.league.app.balances(world.league.season, await governor(world, "bob"))
    assert pressed.ephemeral and "recorded: **yes** (boosted)" in pressed.response.content
    assert await vote_row(world, by_button, "bob") == await vote_row(world, by_command, "bob")
    assert await vote_row(world, by_button, "bob") == ("yes", True)
    assert before["boost"] - after["boost"] == 2  # one boost each, the same price

    changed = await world.bob.click(card, label="No")  # a change keeps the paid boost
    assert "changed to **no** (boosted)" in changed.response.content
    assert await vote_row(world, by_button, "bob") == ("no", True)


async def test_the_card_counts_the_voters_and_never_shows_a_choice(world: World) -> None:
    await open_proposal(world)
    await join(world, "bob", team=1)
    card = await the_card(world)

    await world.bob.click(card, label="No")
    card = await the_card(world)

    shown = str(card.embeds[0].to_dict()).lower()
    assert fields(card)["Votes"] == "1 of 2 governors have voted"
    assert "bob" not in shown and " no " not in shown.replace("no + boost", "")


async def test_vote_buttons_work_after_a_restart(world: World) -> None:
    proposal_id = await open_proposal(world)
    card = await the_card(world)

    await world.restart()
    pressed = await world.alice.click(card, label="Yes")

    assert "recorded: **yes**" in pressed.response.content
    assert await vote_row(world, proposal_id, "alice") == ("yes", False)


async def test_vote_buttons_refuse_someone_who_is_not_a_governor(world: World) -> None:
    proposal_id = await open_proposal(world)
    card = await the_card(world)

    pressed = await world.bob.click(card, label="Yes")

    assert pressed.ephemeral and "Join a team with /join" in pressed.response.content
    assert await vote_row(world, proposal_id, "bob") is None


async def test_vote_buttons_refuse_a_proposal_of_another_servers_league(world: World) -> None:
    from bot.ui.votes import vote_buttons
    from tests.bot.test_cross_server import other_server

    proposal_id = await open_proposal(world)
    server = await other_server(world, league=True)
    view = discord.ui.View(timeout=None)
    for button in vote_buttons(proposal_id):
        view.add_item(button)
    channel = world.env.bot.get_channel(server.channel.id)
    assert isinstance(channel, discord.TextChannel)
    planted = await channel.send("a card copied into another server", view=view)

    pressed = await server.admin.click(planted, label="Yes")

    assert "not part of this server's league" in pressed.response.content
    assert await vote_row(world, proposal_id, "admin") is None


async def test_a_failed_card_states_the_real_reason_and_loses_its_buttons(world: World) -> None:
    await open_proposal(world)
    await the_card(world)

    await world.league.close()  # nobody voted
    card = await the_card(world)

    result = fields(card)["Result"]
    assert result.startswith("**Failed**: quorum not met")
    assert "0 yes, 0 no" in result
    assert labels(card) == [] and "Votes" not in fields(card)


async def test_a_passed_card_shows_the_revealed_tally_with_weights(world: World) -> None:
    await open_proposal(world)
    card = await the_card(world)
    await world.alice.click(card, label="Yes")

    await world.league.close()
    card = await the_card(world)

    result = fields(card)["Result"]
    assert result.startswith("**Passed**") and "Weighted 1 yes – 0 no" in result
    assert "1 yes, 0 no" in result


async def test_an_amendment_tells_each_governor_whose_vote_it_cleared(world: World) -> None:
    proposal_id = await open_proposal(world)
    await join(world, "bob", team=1)
    card = await the_card(world)
    await world.bob.click(card, label="Yes")

    amended = await world.alice.slash(
        world.channel, "amend", proposal=proposal_id, text="three_point_value=5"
    )
    card = await the_card(world)

    # The amender learns nothing of who (or how many) voted before the reveal: an amendment
    # that clears no vote is answered in the same words.
    again = await world.alice.slash(
        world.channel, "amend", proposal=proposal_id, text="three_point_value=5"
    )
    said = amended.response.content
    assert "Amendment 1 is in" in said
    assert said.replace("Amendment 1", "Amendment 2") == again.response.content
    (dm,) = world.bob.user.dm_channel.history()
    assert (
        "Your vote on a proposal was cleared" in dm.content and "three_point_value=5" in dm.content
    )
    assert fields(card)["Votes"] == "0 of 2 governors have voted"
    assert "amended 1×" in (card.embeds[0].author.name or "")
    assert "Three-pointers are worth **5** points" in fields(card)["What it does"]


async def test_a_settled_trade_offer_shows_how_it_ended_without_buttons(world: World) -> None:
    from tests.bot.test_trade_cogs import offer

    message = await offer(world)
    await world.bob.click(message, label="Accept")
    await post(world)

    edited = world.env.backend.get_message(message.channel_id, message.id)
    embed = edited.embeds[0]
    assert "accepted" in embed["title"] and "bob accepted" in embed["description"]
    assert edited.components == []


async def test_an_expired_trade_offer_says_so_and_loses_its_buttons(world: World) -> None:
    from bot.app.levers.commands import ExpireTrade
    from tests.bot.test_trade_cogs import _trade_id, offer

    message = await offer(world)
    trade_id = _trade_id(message)
    world.league.clock.advance(2 * 24 * 3600)  # past the offer's time to live

    await world.league.app.handle(ExpireTrade(trade_id), command_id="test:expire")
    await post(world)

    edited = world.env.backend.get_message(message.channel_id, message.id)
    assert "expired" in edited.embeds[0]["title"] and edited.components == []
    assert "escrowed tokens went back" in edited.embeds[0]["description"]


async def test_the_draft_and_the_card_carry_the_forecast(world: World) -> None:
    from concurrent.futures import ThreadPoolExecutor

    from bot.app.governance.forecast import Forecaster
    from tests.bot.test_governance_cogs import propose

    await real_rosters(world)
    world.league.app.forecaster = Forecaster(
        world.league.db, clock=world.league.clock, games=60, executor=ThreadPoolExecutor(1)
    )
    await join(world)

    draft = await propose(world, "three_point_value=5")
    await world.alice.click(draft, label="Confirm")
    await world.league.app.forecaster.settle(30)
    card = await the_card(world)

    shown = {f.name: f.value for f in draft.embeds[0].fields}
    assert "Forecast" in shown and "Points per team" in (shown["Forecast"] or "")
    assert "Points per team" in fields(card)["Forecast"]


async def real_rosters(world: World) -> None:
    """Give the seeded teams generated hoopers and venues: teams the simulation can play."""
    from sqlalchemy import insert, update

    from bot.domain.league_generator import generate_league
    from db.tables import HooperRow, TeamRow

    generated = generate_league("cards", len(world.league.seeded.team_ids))
    rows = [
        {
            "id": f"{team_id[:24]}-{i}",
            "team_id": team_id,
            "season_id": world.league.season,
            "name": h.name,
            "archetype": h.archetype,
            "attributes": h.attributes.model_dump(),
            "moves": [m.model_dump() for m in h.moves],
            "is_active": h.starter,
        }
        for team_id, team in zip(world.league.seeded.team_ids, generated, strict=True)
        for i, h in enumerate(team.hoopers)
    ]
    async with world.league.db.sessions() as s, s.begin():
        await s.execute(insert(HooperRow), rows)
        for team_id, team in zip(world.league.seeded.team_ids, generated, strict=True):
            await s.execute(
                update(TeamRow).where(TeamRow.id == team_id).values(venue=team.venue.model_dump())
            )


async def test_a_flagged_card_awaits_review_and_a_veto_says_why(world: World) -> None:
    from tests.bot.test_admin_and_reading_cogs import flagged

    proposal_id = await flagged(world)
    card = await the_card(world)
    assert fields(card)["Awaiting review"]  # the reasons it was flagged
    assert "could not read this as a rule change" in fields(card)["What it does"]

    await world.admin.slash(
        world.channel, "admin veto", proposal=proposal_id, reason="not basketball"
    )
    card = await the_card(world)

    assert fields(card)["Result"] == "**Vetoed**: an admin vetoed it: not basketball"
    assert labels(card) == []


async def test_a_card_that_failed_on_the_threshold_says_so(world: World) -> None:
    await open_proposal(world)
    await join(world, "bob", team=1)
    card = await the_card(world)
    await world.alice.click(card, label="Yes")
    await world.bob.click(card, label="No + Boost")  # both teams voted: quorum is met

    await world.league.close()
    card = await the_card(world)

    result = fields(card)["Result"]
    assert result.startswith("**Failed**: needed more than 50% yes"), result
    assert "quorum" not in result
    assert "Weighted 1 yes – 2 no" in result and "1 yes, 1 no" in result
    assert labels(card) == [] and "Voting closes" not in fields(card)


async def test_a_passed_card_whose_rule_was_rolled_back_says_why_in_words(world: World) -> None:
    # Each is fine alone; once eight teams make the playoffs, a four-team league is not.
    bigger = await open_proposal(world, "playoff_teams=8")
    smaller = await confirm(world, "teams_per_league=4")
    await post(world)
    for card in governance_channel(world).history():
        await world.alice.click(card, label="Yes")

    closed = await world.league.close()
    assert closed["passed"] == [bigger, smaller]
    await post(world)

    (card,) = [
        m for m in governance_channel(world).history() if "teams_per_league" in m.embeds[0].title
    ]
    result = fields(card)["Result"]
    assert result.startswith("**Passed**: rolled back"), result
    assert "playoff teams (8) cannot exceed teams in the league (4)" in result
    assert "_" not in result


async def test_voting_closes_is_a_discord_timestamp_when_rounds_run_on_a_clock(
    world: World,
) -> None:
    from datetime import timedelta

    from db import league_repo as repo

    now = world.league.clock()
    due = now + timedelta(minutes=60)  # the league's default: a round every 60 minutes
    async with world.league.db.sessions() as s, s.begin():
        await repo.insert_progress(
            s,
            {
                "season_id": world.league.season,
                "league_id": world.league.seeded.league_id,
                "phase": "regular",
                "next_round": 1,
                "next_due_at": due,
                "last_regular_round": 9,
                "bracket": None,
                "standings": [],
                "updated_at": now,
            },
        )
    await open_proposal(world)

    closes = fields(await the_card(world))["Voting closes"]

    # The window closes after round 3: two rounds after the one due next.
    at = int((due + timedelta(minutes=120)).timestamp())
    assert closes.startswith(f"<t:{at}:R>"), closes
    assert "after round 3" in closes


async def test_the_card_shows_the_tier_its_cost_and_what_it_takes_to_pass(world: World) -> None:
    await open_proposal(world, "playoff_teams=8")  # league structure: a higher bar

    shown = fields(await the_card(world))

    assert shown["Tier"] == "3 · league structure · costs 1 propose token"
    assert shown["To pass"] == (
        "More than 60% of weighted yes votes, with at least 50% of team weight voting"
    )
    assert shown["Votes"] == "0 of 1 governors have voted"


async def test_a_forecast_that_lands_after_the_draft_is_shown_on_the_draft(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading
    from concurrent.futures import Future, ThreadPoolExecutor

    from bot.app.governance.forecast import Forecaster
    from bot.sim.forecast import Forecast
    from tests.bot.test_governance_cogs import propose

    gate = threading.Event()

    class Gated(ThreadPoolExecutor):
        """Holds each forecast until the gate opens: slower than /propose waits for."""

        def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
            def held(*a: Any, **k: Any) -> Any:
                gate.wait(10)
                return fn(*a, **k)

            return super().submit(held, *args, **kwargs)

    class Late(Forecaster):
        """Lets the forecast finish only once the bot watches for it, after the draft went out."""

        async def wait(self, key: str, timeout: float) -> Forecast | None:
            gate.set()
            return await super().wait(key, timeout)

    # SimCord holds its clock while work runs in an executor, so /propose's wait for the
    # forecast would never run out: it does not wait at all, as if the forecast were slow.
    # (The cog as loaded: an extension is a module of its own, not the one tests import.)
    monkeypatch.setattr(sys.modules["bot.cogs.governance"], "DRAFT_FORECAST_WAIT", 0.0)
    await real_rosters(world)
    world.league.app.forecaster = Late(
        world.league.db, clock=world.league.clock, games=60, executor=Gated(1)
    )
    await join(world)

    draft = await propose(world, "three_point_value=5")
    await world.env.settle()

    sent = [
        str(r.json)
        for r in world.env.http_requests
        if r.path.startswith("/webhooks/") and "Forecast" in str(r.json)
    ]
    assert len(sent) == 2 and "Being worked out" in sent[0]  # sent, then edited once
    shown = {f.name: f.value or "" for f in draft.embeds[0].fields}
    assert "Points per team" in shown["Forecast"]  # the same draft, edited when it landed
    assert "Being worked out" not in shown["Forecast"]
    buttons = [c["label"] for row in draft.components for c in row["components"]]
    assert buttons == ["Confirm", "Revise", "Cancel"]  # still a draft that can be confirmed
