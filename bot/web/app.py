"""The read-only web companion and public API: one more adapter beside the cogs.

`create_app(db)` builds a FastAPI application that only reads, through `bot.app.public` (the
one place the privacy rule lives). Pages render on the server with Jinja2 and work without
JavaScript; the live arena adds a little (a static script following Server-Sent Events). The
API lives under `/api/v1` with OpenAPI docs at `/api/docs`.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from fastapi import FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from bot.app import public
from bot.app.league.show import chart
from bot.web.arena import arena_state, arena_stream
from bot.web.cache import GLOBAL, ReadCache, shows
from db.engine import Database

HERE = Path(__file__).resolve().parent
DEFAULT_LIMIT = 100
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}
Limit = Query(DEFAULT_LIMIT, ge=1, le=public.MAX_LIMIT, description="items per page (1-500)")


def _etagged(request: Request, body: Any) -> Response:
    """JSON with an ETag; a client that already has this version gets a 304."""
    data = json.dumps(body, separators=(",", ":"), sort_keys=True, default=str).encode()
    tag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {"ETag": tag, "Cache-Control": "no-cache"}
    if tag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="application/json", headers=headers)


def _page(request: Request, items: list[Any], limit: int, offset: int = 0) -> Response:
    """A list endpoint's answer: this page of `items` and the URL of the next, or null."""
    shown = items[offset : offset + limit]
    more = offset + limit < len(items)
    nxt = str(request.url.include_query_params(offset=offset + limit)) if more else None
    return _etagged(request, {"items": shown, "next": nxt})


def _found(value: Any, what: str) -> Any:
    if value is None:
        raise HTTPException(status_code=404, detail=f"There is no such {what}.")
    return value


def create_app(db: Database, *, title: str = "Pinwheel") -> FastAPI:
    app = FastAPI(
        title=f"{title} public API",
        version="1",
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/v1/openapi.json",
        description="Everything here is public: what Discord shows everyone. Read-only.",
    )
    app.add_middleware(ReadCache, db=db, security=SECURITY_HEADERS)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    templates = Jinja2Templates(directory=HERE / "templates")

    @app.exception_handler(RequestValidationError)
    async def bad_parameters(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for error in exc.errors():
            where = ".".join(str(x) for x in error.get("loc", ())[1:]) or "request"
            problems.append(f"{where}: {error.get('msg', 'invalid')}")
        return JSONResponse(status_code=400, content={"detail": "; ".join(problems)})

    # --- API ------------------------------------------------------------------------------

    @app.get("/api/v1/leagues", tags=["leagues"])
    async def api_leagues(request: Request, limit: int = Limit, offset: int = 0) -> Response:
        await shows(request, GLOBAL)
        offset = max(0, offset)
        found = await public.leagues(db, offset, limit + 1)  # one more: is there a next page?
        nxt = str(request.url.include_query_params(offset=offset + limit))
        return _etagged(request, {"items": found[:limit], "next": nxt if found[limit:] else None})

    @app.get("/api/v1/leagues/{league_id}", tags=["leagues"])
    async def api_league(request: Request, league_id: str) -> Response:
        found = _found(await public.league(db, league_id), "league")
        await shows(request, league_id)
        return _etagged(request, {**found, "seasons": await public.seasons(db, league_id)})

    @app.get("/api/v1/leagues/{league_id}/seasons", tags=["seasons"])
    async def api_seasons(
        request: Request, league_id: str, limit: int = Limit, offset: int = 0
    ) -> Response:
        _found(await public.league(db, league_id), "league")
        await shows(request, league_id)
        return _page(request, await public.seasons(db, league_id), limit, max(0, offset))

    @app.get("/api/v1/seasons/{season_id}", tags=["seasons"])
    async def api_season(request: Request, season_id: str) -> Response:
        await _owned(db, request, "season", season_id)
        return _etagged(request, _found(await public.season(db, season_id), "season"))

    @app.get("/api/v1/seasons/{season_id}/standings", tags=["seasons"])
    async def api_standings(request: Request, season_id: str, limit: int = Limit) -> Response:
        await _owned(db, request, "season", season_id)
        return _page(request, await public.standings(db, season_id), limit)

    @app.get("/api/v1/seasons/{season_id}/schedule", tags=["games"])
    async def api_schedule(
        request: Request, season_id: str, limit: int = Limit, offset: int = 0
    ) -> Response:
        await _owned(db, request, "season", season_id)
        return _page(request, await public.schedule(db, season_id), limit, max(0, offset))

    @app.get("/api/v1/seasons/{season_id}/games", tags=["games"])
    async def api_games(
        request: Request,
        season_id: str,
        limit: int = Limit,
        after: str | None = Query(None, pattern=r"^\d{1,4}\.\d{1,3}$", description="ROUND.GAME"),
    ) -> Response:
        await _owned(db, request, "season", season_id)
        cursor = None
        if after is not None:
            r, m = after.split(".")
            cursor = (int(r), int(m))
        items = await public.games(db, season_id, after=cursor, limit=limit + 1)
        more = len(items) > limit
        items = items[:limit]
        nxt = None
        if more:
            last = items[-1]
            cursor_text = f"{last['round']}.{last['matchup']}"
            nxt = str(request.url.include_query_params(after=cursor_text))
        return _etagged(request, {"items": items, "next": nxt})

    @app.get("/api/v1/games/{game_id}", tags=["games"])
    async def api_game(request: Request, game_id: str) -> Response:
        await _owned(db, request, "game", game_id, "game (or it is still being shown)")
        show = _found(await public.game_show(db, game_id), "game (or it is still being shown)")
        detail = public.game_detail(show)
        detail["play_by_play"] = public.play_by_play(show)
        return _etagged(request, detail)

    @app.get("/api/v1/seasons/{season_id}/teams", tags=["teams"])
    async def api_teams(request: Request, season_id: str, limit: int = Limit) -> Response:
        await _owned(db, request, "season", season_id)
        return _page(request, await public.teams(db, season_id), limit)

    @app.get("/api/v1/teams/{team_id}", tags=["teams"])
    async def api_team(request: Request, team_id: str) -> Response:
        await _owned(db, request, "team", team_id)
        return _etagged(request, _found(await public.team(db, team_id), "team"))

    @app.get("/api/v1/hoopers/{hooper_id}", tags=["hoopers"])
    async def api_hooper(request: Request, hooper_id: str) -> Response:
        await _owned(db, request, "hooper", hooper_id)
        return _etagged(request, _found(await public.hooper(db, hooper_id), "hooper"))

    @app.get("/api/v1/governors/{governor_id}", tags=["governors"])
    async def api_governor(request: Request, governor_id: str) -> Response:
        await _owned(db, request, "governor", governor_id)
        return _etagged(request, _found(await public.governor(db, governor_id), "governor"))

    @app.get("/api/v1/seasons/{season_id}/proposals", tags=["governance"])
    async def api_proposals(
        request: Request, season_id: str, limit: int = Limit, offset: int = 0
    ) -> Response:
        await _owned(db, request, "season", season_id)
        return _page(request, await public.proposals(db, season_id), limit, max(0, offset))

    @app.get("/api/v1/seasons/{season_id}/rules", tags=["governance"])
    async def api_rules(request: Request, season_id: str) -> Response:
        await _owned(db, request, "season", season_id)
        return _etagged(request, _found(await public.rules(db, season_id), "season"))

    @app.get("/api/v1/seasons/{season_id}/mirrors", tags=["governance"])
    async def api_mirrors(request: Request, season_id: str, limit: int = Limit) -> Response:
        await _owned(db, request, "season", season_id)
        return _page(request, await public.mirrors(db, season_id, limit), limit)

    @app.get(
        "/api/v1/events",
        tags=["events"],
        response_class=StreamingResponse,
        responses={200: {"content": {"application/x-ndjson": {}, "text/event-stream": {}}}},
    )
    async def api_events(
        request: Request,
        league: str | None = Query(None, description="the league (needed when there are several)"),
        after: int = Query(0, ge=0, description="the sequence number to start after"),
        limit: int = Query(DEFAULT_LIMIT, ge=1, le=public.MAX_LIMIT),
    ) -> Response:
        """A league's public governance log as NDJSON, one event a line in sequence order;
        the next page starts after the last line's `sequence_number`. Each league has a log
        of its own, numbered from 1. With `Accept: text/event-stream` the log is followed
        live as Server-Sent Events."""
        league_id = await _league_or_only(db, request, league)
        if "text/event-stream" in request.headers.get("accept", ""):
            follow = _follow(db, request, league_id, after)
            return StreamingResponse(follow, media_type="text/event-stream")
        page = await public.events(db, league_id, after, limit)
        body = "".join(json.dumps(e.as_dict(), separators=(",", ":")) + "\n" for e in page)
        headers = {"X-Next-After": str(page[-1].sequence_number)} if page else {}
        return Response(body, media_type="application/x-ndjson", headers=headers)

    @app.get("/api/v1/arena", tags=["games"])
    async def api_arena(request: Request, league: str | None = None) -> Response:
        league_id = await _league_or_only(db, request, league)
        return JSONResponse(await arena_state(db, league_id))

    @app.get("/api/v1/arena/stream", tags=["games"], response_class=StreamingResponse)
    async def api_arena_stream(request: Request, league: str | None = None) -> Response:
        league_id = await _league_or_only(db, request, league)
        return StreamingResponse(
            arena_stream(db, league_id, request.is_disconnected), media_type="text/event-stream"
        )

    @app.get("/games/{game_id}/chart.png", include_in_schema=False)
    async def game_chart(request: Request, game_id: str) -> Response:
        await _owned(db, request, "game", game_id)
        show = _found(await public.game_show(db, game_id), "game")
        return Response(
            await chart(show), media_type="image/png", headers={"Cache-Control": "max-age=3600"}
        )

    # --- Pages ----------------------------------------------------------------------------

    async def render(request: Request, name: str, league_id: str | None, **context: Any) -> Any:
        # A league's page asks only whether its league is alone (its links need no prefix).
        alone = league_id is not None and await public.only_league(db) == league_id
        prefix = f"/leagues/{league_id}" if league_id and not alone else ""
        current = await public.league(db, league_id) if league_id else None
        return templates.TemplateResponse(
            request, name, {"prefix": prefix, "league": current, **context}
        )

    async def resolve(request: Request, league_id: str | None) -> str:
        return await _league_or_only(db, request, league_id)

    async def shown_season(request: Request, league_id: str) -> str | None:
        """The season a page shows: `?season=ID` (one of this league's), else the current."""
        wanted = request.query_params.get("season")
        if wanted is None:
            return await public.current_season(db, league_id)
        found = await public.season(db, wanted[:64])
        if found is None or found["league_id"] != league_id:
            raise HTTPException(status_code=404, detail="There is no such season in this league.")
        return str(found["id"])

    async def home(request: Request, league_id: str | None = None) -> Any:
        if league_id is None:
            league_id = await _only_league(db, request)
            if league_id is None:
                return await render(request, "index.html", None, leagues=await public.leagues(db))
        else:
            league_id = await resolve(request, league_id)
        season_id = await shown_season(request, league_id)
        season = await public.season(db, season_id) if season_id else None
        recent = (
            await public.games(db, season_id, after=None, limit=public.MAX_LIMIT)
            if season_id
            else []
        )
        return await render(
            request,
            "home.html",
            league_id,
            season=season,
            standings=await public.standings(db, season_id) if season_id else [],
            recent=recent[-8:][::-1],
            mirrors=await public.mirrors(db, season_id, 3) if season_id else [],
            arena=await arena_state(db, league_id),
        )

    async def game_page(request: Request, game_id: str, league_id: str | None = None) -> Any:
        owner = await _owned(db, request, "game", game_id, "game (or it is still being shown)")
        show = _found(await public.game_show(db, game_id), "game (or it is still being shown)")
        only = request.query_params.get("plays") == "important"
        plays = [p for p in public.play_by_play(show) if p["important"] or not only]
        league_id = league_id or owner
        return await render(
            request,
            "game.html",
            league_id,
            game=public.game_detail(show),
            plays=plays,
            only_important=only,
        )

    async def arena_page(request: Request, league_id: str | None = None) -> Any:
        league_id = await resolve(request, league_id)
        return await render(
            request, "arena.html", league_id, arena=await arena_state(db, league_id)
        )

    async def team_page(request: Request, team_id: str, league_id: str | None = None) -> Any:
        owner = await _owned(db, request, "team", team_id)
        found = _found(await public.team(db, team_id), "team")
        league_id = league_id or owner
        return await render(request, "team.html", league_id, team=found)

    async def hooper_page(request: Request, hooper_id: str, league_id: str | None = None) -> Any:
        owner = await _owned(db, request, "hooper", hooper_id)
        found = _found(await public.hooper(db, hooper_id), "hooper")
        league_id = league_id or owner
        return await render(request, "hooper.html", league_id, hooper=found)

    async def governor_page(
        request: Request, governor_id: str, league_id: str | None = None
    ) -> Any:
        owner = await _owned(db, request, "governor", governor_id)
        found = _found(await public.governor(db, governor_id), "governor")
        league_id = league_id or owner
        return await render(request, "governor.html", league_id, governor=found)

    async def rules_page(request: Request, league_id: str | None = None) -> Any:
        league_id = await resolve(request, league_id)
        season_id = _found(await shown_season(request, league_id), "season")
        return await render(
            request, "rules.html", league_id, constitution=await public.rules(db, season_id)
        )

    async def proposals_page(request: Request, league_id: str | None = None) -> Any:
        league_id = await resolve(request, league_id)
        season_id = _found(await shown_season(request, league_id), "season")
        return await render(
            request, "proposals.html", league_id, proposals=await public.proposals(db, season_id)
        )

    async def seasons_page(request: Request, league_id: str | None = None) -> Any:
        league_id = await resolve(request, league_id)
        return await render(
            request, "seasons.html", league_id, seasons=await public.seasons(db, league_id)
        )

    pages: list[tuple[str, Callable[..., Awaitable[Any]]]] = [
        ("/", home),
        ("/games/{game_id}", game_page),
        ("/arena", arena_page),
        ("/teams/{team_id}", team_page),
        ("/hoopers/{hooper_id}", hooper_page),
        ("/governors/{governor_id}", governor_page),
        ("/rules", rules_page),
        ("/proposals", proposals_page),
        ("/seasons", seasons_page),
    ]
    for path, handler in pages:
        app.add_api_route(
            path, handler, methods=["GET"], response_class=HTMLResponse, include_in_schema=False
        )
        prefixed = "/leagues/{league_id}" + ("" if path == "/" else path)
        app.add_api_route(
            prefixed, handler, methods=["GET"], response_class=HTMLResponse, include_in_schema=False
        )

    @app.exception_handler(HTTPException)
    async def not_found(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail})
        return templates.TemplateResponse(
            request,
            "error.html",
            {"prefix": "", "league": None, "leagues": [], "message": exc.detail},
            status_code=exc.status_code,
        )

    return app


async def _league_or_only(db: Database, request: Request, league_id: str | None) -> str:
    """The league named, or the only one there is; the answer shows it (`shows`)."""
    if league_id is not None:
        _found(await public.league(db, league_id), "league")
        await shows(request, league_id)
        return league_id
    only = await _only_league(db, request)
    if only is None:
        raise HTTPException(
            status_code=404,
            detail="There are several leagues (or none): pick one under /leagues/ID.",
        )
    return only


async def _only_league(db: Database, request: Request) -> str | None:
    """The only league there is, or None; the answer shows it, else the league list."""
    await shows(request, GLOBAL)  # which leagues there are, read after their counters
    only = await public.only_league(db)
    if only is not None:
        await shows(request, only)
    return only


async def _owned(
    db: Database, request: Request, kind: str, thing_id: str, what: str | None = None
) -> str:
    """The league of a season, team, hooper, game or governor (404 if there is no such one),
    named to the read cache (`shows`) before the thing itself is read."""
    league_id = _found(await public.owner(db, kind, thing_id[:100]), what or kind)
    await shows(request, league_id)
    return str(league_id)


async def _follow(db: Database, request: Request, league_id: str, after: int) -> AsyncIterator[str]:
    """A league's public log as Server-Sent Events, from `after` on, until the client goes."""
    cursor = after
    idle = 0
    while not await request.is_disconnected():
        page = await public.events(db, league_id, cursor, public.MAX_LIMIT)
        for event in page:
            cursor = event.sequence_number
            yield (
                f"id: {event.sequence_number}\nevent: {event.event_type}\n"
                f"data: {json.dumps(event.as_dict(), separators=(',', ':'))}\n\n"
            )
        if len(page) < public.MAX_LIMIT:
            idle += 1
            if idle % 15 == 0:
                yield ": still here\n\n"
            await asyncio.sleep(1.0)
