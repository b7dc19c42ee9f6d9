from db.engine import Database
from db.event_store import EventStore, head, read_from
from db.projections import ALL_BINDINGS
from tests.factories import grant, seed_league, spend


async def test_append_assigns_dense_sequence_and_projects_balance(database: Database) -> None:
    seeded = await seed_league(database)
    gov = seeded.governor_ids[0]
    async with database.sessions() as s, s.begin():
        store = EventStore(s, projections=ALL_BINDINGS)
        stored = await store.append([grant(seeded.season_id, gov, 3), spend(seeded.season_id, gov)])
    assert [e.sequence_number for e in stored] == [1, 2]
    async with database.read_sessions() as s:
        assert await head(s) == 2
        assert [e.event_type for e in await read_from(s, 0)] == ["token.granted", "token.spent"]
