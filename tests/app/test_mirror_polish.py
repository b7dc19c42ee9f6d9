"""The mirror polish: an optional LLM retells the built-in mirrors after the round commits,
only while their posts wait in the outbox, once per mirror, every call in `ai_calls`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.ai.llm import AnthropicDialect, LLMClient, TransportError
from bot.ai.mirror_writer import LLMMirrorWriter
from bot.app.league.mirror_polish import (
    MirrorPolisher,
    install_polisher,
    mark_id,
    polish_mirrors,
)
from bot.app.league.offline import JumpClock
from bot.app.league.runner import Runner
from bot.config import Settings
from bot.wiring import wire_ai
from db.engine import Database
from db.league_repo import stable_id
from db.tables import AICallRow, MirrorRow, OutboxRow
from tests.app.league_kit import setup_short_league

DRAFT_MARK = "A plain draft stating the same facts:\n"
HANG = object()
Reply = Callable[[str], object]  # the draft -> the model's text, an exception, or HANG


@dataclass
class FakeTransport:
    """An Anthropic endpoint whose answer is computed from the draft it is shown."""

    reply: Reply
    drafts: list[str] = field(default_factory=list)
    before_answer: Callable[[], Any] | None = None

    async def post_json(
        self, url: str, headers: Mapping[str, str], body: Mapping[str, Any], timeout_s: float
    ) -> tuple[int, dict[str, Any]]:
        draft = body["messages"][0]["content"].split(DRAFT_MARK, 1)[1]
        self.drafts.append(draft)
        if self.before_answer is not None:
            await self.before_answer()
        answer = self.reply(draft)
        if answer is HANG:
            await asyncio.Event().wait()
        if isinstance(answer, BaseException):
            raise answer
        usage = {"input_tokens": 400, "output_tokens": 60}
        return 200, {"content": [{"type": "text", "text": answer}], "usage": usage}


def polisher(db: Database, transport: FakeTransport, timeout_s: float = 5.0) -> MirrorPolisher:
    client = LLMClient(AnthropicDialect("sk-test"), model="claude-test", transport=transport)
    return MirrorPolisher(db, LLMMirrorWriter(client, timeout_s=timeout_s))


def voiced(draft: str) -> str:
    return f"What a stretch for this league. {draft}"


async def one_round(db: Database) -> tuple[str, str]:
    """A short league plays its first round; its mirrors wait in the outbox (no poster)."""
    clock = JumpClock()
    setup = await setup_short_league(db, clock)
    await Runner(db, clock=clock, instant=True).run_round(setup["season_id"])
    return setup["league_id"], setup["season_id"]


async def waiting_mirrors(db: Database) -> list[tuple[Any, Any]]:
    """(outbox row, mirror row) for every queued mirror."""
    async with db.read_sessions() as s:
        posts = (await s.execute(select(OutboxRow).where(OutboxRow.kind.like("mirror.%")))).all()
        found = []
        for (post,) in posts:
            mirror = await s.get(MirrorRow, stable_id("mirror", post.key))
            found.append((post, mirror))
    assert found, "the round queued no mirror"
    return found


async def polish_calls(db: Database) -> list[AICallRow]:
    async with db.read_sessions() as s:
        query = select(AICallRow).where(AICallRow.purpose.like("mirror_polish.%"))
        return list((await s.execute(query)).scalars().all())


async def test_a_good_answer_replaces_the_built_in_text_in_the_mirror_and_its_waiting_post(
    database: Database,
) -> None:
    league_id, _ = await one_round(database)
    before = {post.key: mirror.content for post, mirror in await waiting_mirrors(database)}
    transport = FakeTransport(voiced)
    assert await polisher(database, transport).polish(league_id) == len(before)
    for post, mirror in await waiting_mirrors(database):
        assert mirror.content == voiced(before[post.key])
        assert post.payload["text"] == mirror.content
        assert (mirror.token_count_input, mirror.token_count_output) == (400, 60)
        assert mirror.context_snapshot  # the facts it was written from stay with it
    calls = await polish_calls(database)
    assert len(calls) == len(before) and all(c.ok and c.error is None for c in calls)
    assert {c.id for c in calls} == {mark_id(k) for k in before}
    assert all(c.league_id == league_id and c.provider == "anthropic" for c in calls)
    # The built-in text stays on record for audit, in the prompt of the call that replaced it.
    assert sorted(before.values()) == sorted(c.prompt.split(DRAFT_MARK, 1)[1] for c in calls)


async def test_an_answer_stating_a_number_not_in_the_facts_is_refused_and_logged(
    database: Database,
) -> None:
    league_id, _ = await one_round(database)
    before = {post.key: mirror.content for post, mirror in await waiting_mirrors(database)}
    transport = FakeTransport(lambda draft: f"{draft} Attendance was 98765.")
    assert await polisher(database, transport).polish(league_id) == 0
    for post, mirror in await waiting_mirrors(database):
        assert mirror.content == post.payload["text"] == before[post.key]
    calls = await polish_calls(database)
    assert len(calls) == len(before)
    for call in calls:
        assert not call.ok
        assert call.error == "refused mirror: numbers not in the facts: 98765"
        assert call.response is not None and "98765" in call.response


async def test_a_timeout_or_a_transport_failure_keeps_the_built_in_text_and_is_logged(
    database: Database,
) -> None:
    league_id, _ = await one_round(database)
    before = {post.key: mirror.content for post, mirror in await waiting_mirrors(database)}
    first = {"seen": False}

    def hang_then_fail(draft: str) -> object:
        if not first["seen"]:
            first["seen"] = True
            return HANG
        return TransportError("connection refused")

    transport = FakeTransport(hang_then_fail)
    assert await polisher(database, transport, timeout_s=0.05).polish(league_id) == 0
    for post, mirror in await waiting_mirrors(database):
        assert mirror.content == post.payload["text"] == before[post.key]
    errors = sorted(c.error or "" for c in await polish_calls(database))
    assert len(errors) == len(before) and not any(c.ok for c in await polish_calls(database))
    assert errors[0] == "timed out after 0.05 s"
    assert all(e == "transport error: connection refused" for e in errors[1:])


async def test_a_post_already_sent_is_never_changed(database: Database) -> None:
    league_id, _ = await one_round(database)
    found = await waiting_mirrors(database)
    sent_post, sent_mirror = found[0]
    async with database.sessions() as s, s.begin():
        await s.execute(
            update(OutboxRow)
            .where(OutboxRow.id == sent_post.id)
            .values(sent_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
    transport = FakeTransport(voiced)
    assert await polisher(database, transport).polish(league_id) == len(found) - 1
    assert sent_mirror.content not in transport.drafts  # never even asked
    after = {post.key: (post, mirror) for post, mirror in await waiting_mirrors(database)}
    post, mirror = after[sent_post.key]
    assert post.payload == sent_post.payload and mirror.content == sent_mirror.content


async def test_a_post_sent_while_the_model_was_writing_keeps_its_text(
    database: Database,
) -> None:
    league_id, _ = await one_round(database)
    before = {post.key: mirror.content for post, mirror in await waiting_mirrors(database)}

    async def the_drain_gets_there_first() -> None:
        async with database.sessions() as s, s.begin():
            await s.execute(update(OutboxRow).values(sent_at=datetime(2026, 1, 1, tzinfo=UTC)))

    transport = FakeTransport(voiced, before_answer=the_drain_gets_there_first)
    assert await polisher(database, transport).polish(league_id) == 0
    for post, mirror in await waiting_mirrors(database):
        assert mirror.content == post.payload["text"] == before[post.key]
    calls = await polish_calls(database)
    assert calls and all(not c.ok and "already posted" in (c.error or "") for c in calls)


async def test_polishing_twice_asks_the_model_once_per_mirror(database: Database) -> None:
    league_id, _ = await one_round(database)
    count = len(await waiting_mirrors(database))
    transport = FakeTransport(voiced)
    polish = polisher(database, transport)
    assert await polish.polish(league_id) == count
    assert await polish.polish(league_id) == 0
    assert len(transport.drafts) == count
    assert len(await polish_calls(database)) == count
    # A refused mirror is not asked again either.
    refusing = FakeTransport(lambda draft: "")
    assert await polisher(database, refusing).polish(league_id) == 0
    assert refusing.drafts == []


async def test_mentions_in_the_answer_are_neutralised(database: Database) -> None:
    league_id, _ = await one_round(database)
    transport = FakeTransport(lambda draft: f"@everyone <@12345> @here look: {draft}")
    assert await polisher(database, transport).polish(league_id) > 0
    for post, mirror in await waiting_mirrors(database):
        text = post.payload["text"]
        assert text == mirror.content and text.startswith("everyone @user here look: ")
        assert "@everyone" not in text and "<@" not in text and "@here" not in text


async def test_with_no_llm_installed_the_runner_changes_nothing(database: Database) -> None:
    league_id, _ = await one_round(database)
    before = [(p.payload, m.content) for p, m in await waiting_mirrors(database)]
    assert await polish_mirrors(database, league_id) == 0
    assert [(p.payload, m.content) for p, m in await waiting_mirrors(database)] == before
    assert await polish_calls(database) == []


async def test_the_runner_polishes_its_mirrors_after_the_steps_when_installed(
    database: Database,
) -> None:
    transport = FakeTransport(voiced)
    install_polisher(database, polisher(database, transport))
    try:
        await one_round(database)
    finally:
        install_polisher(database, None)
    found = await waiting_mirrors(database)
    assert len(transport.drafts) == len(found)
    assert all(m.content.startswith("What a stretch") for _, m in found)
    assert all(p.payload["text"] == m.content for p, m in found)


async def test_the_ai_setting_wires_the_llm_for_proposals_and_mirrors(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PINWHEEL_AI_PROVIDER", "anthropic")
    monkeypatch.setenv("PINWHEEL_AI_API_KEY", "sk-test")
    monkeypatch.setenv("PINWHEEL_AI_MODEL", "claude-test")
    transport = FakeTransport(voiced)
    ai = wire_ai(database, Settings(_env_file=None), transport=transport)
    try:
        assert ai.uses_llm and ai.interpreter.name == "anthropic|builtin"
        await one_round(database)
    finally:
        await ai.close()
    assert transport.drafts and all(
        m.content.startswith("What a stretch") for _, m in await waiting_mirrors(database)
    )
    assert await polish_mirrors(database, "any league") == 0  # closed: nothing installed


async def test_the_default_ai_setting_wires_the_built_in_interpreter_and_no_polish(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PINWHEEL_AI_PROVIDER", raising=False)
    ai = wire_ai(database, Settings(_env_file=None))
    assert not ai.uses_llm and ai.interpreter.name == "builtin"
    await one_round(database)
    assert await polish_calls(database) == []
    await ai.close()


async def test_a_bug_in_the_writer_keeps_the_built_in_text_and_is_logged(
    database: Database,
) -> None:
    class Broken:
        name, model = "broken", "v0"

        async def write(self, *args: Any, **kwargs: Any) -> str:
            raise ZeroDivisionError("oops")

    league_id, _ = await one_round(database)
    before = [(p.payload, m.content) for p, m in await waiting_mirrors(database)]
    assert await MirrorPolisher(database, Broken()).polish(league_id) == 0
    assert [(p.payload, m.content) for p, m in await waiting_mirrors(database)] == before
    calls = await polish_calls(database)
    assert len(calls) == len(before)
    assert all(not c.ok and "ZeroDivisionError" in (c.error or "") for c in calls)


async def test_a_post_listed_before_its_mirror_was_retold_goes_out_retold(
    database: Database,
) -> None:
    # The drain lists a league's unsent rows, then hands them over one by one; a polish that
    # lands in between must not let the listed (built-in) text go out while the mirror row
    # holds the retold one.
    from bot.app.league.outbox import CollectingPoster, _deliver
    from db import league_repo

    league_id, _ = await one_round(database)
    async with database.read_sessions() as s:
        listed = [m for m in await league_repo.unsent(s, league_id) if m.kind.startswith("mirror.")]
    await polisher(database, FakeTransport(voiced)).polish(league_id)
    poster = CollectingPoster()
    for message in listed:
        assert await _deliver(database, poster, message, datetime.now(UTC)) == "posted"
    stored = {post.key: mirror.content for post, mirror in await waiting_mirrors(database)}
    assert {key: payload["text"] for key, _, _, payload in poster.messages} == stored
    assert all(text.startswith("What a stretch") for text in stored.values())
