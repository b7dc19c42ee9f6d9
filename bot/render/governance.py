"""Governance cards: a proposal's public card (updated as it changes, never re-posted) and a
trade offer's message once it is settled, as outbox payloads (embed JSON, text, buttons)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.render.game import colour_int

OPEN = ("confirmed", "flagged")  # votes are taken
COLOURS = {
    "confirmed": "#5865F2",  # Discord blurple: open for votes
    "flagged": "#FEE75C",  # yellow: awaiting an admin's review
    "passed": "#57F287",
    "failed": "#ED4245",
    "vetoed": "#99AAB5",
    "cancelled": "#99AAB5",
}
STATUS_WORDS = {
    "confirmed": "Open for votes",
    "flagged": "Open for votes · awaiting an admin's review",
    "passed": "Passed",
    "failed": "Failed",
    "vetoed": "Vetoed",
    "cancelled": "Withdrawn",
}


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _percent(share: float) -> str:
    return f"{share * 100:g}%"


def timestamp(at: datetime, style: str = "R") -> str:
    """A Discord timestamp: every reader sees it in their own time zone ("in 2 hours")."""
    return f"<t:{int(at.timestamp())}:{style}>"


@dataclass(frozen=True, slots=True)
class ProposalCard:
    """What a proposal's card says, already in words."""

    proposal_id: str
    author: str
    text: str
    status: str
    changes: tuple[str, ...]  # each change as a sentence ("Three-pointers are worth **4**...")
    tier: int
    tier_name: str
    token_cost: int
    threshold: float
    quorum: float
    voted: int  # governors whose vote counts now (never how they voted)
    governors: int  # active governors in the season
    closes_at: datetime | None = None  # when the window closes, if rounds run on a clock
    closes_after_round: int | None = None
    waits: bool = False  # too young for the coming close: it waits for the next one
    amendments: int = 0
    review_reasons: tuple[str, ...] = ()
    forecast: tuple[str, ...] = ()
    outcome: str = ""  # why it ended as it did ("quorum not met: ...", the veto's reason)
    tally: str = ""  # the revealed count, once the window closed
    season: str = ""
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN


def _closing(card: ProposalCard) -> str:
    when = timestamp(card.closes_at) if card.closes_at else ""
    after = f"after round {card.closes_after_round}" if card.closes_after_round else ""
    said = f"{when} ({after})" if when and after else (when or after.capitalize() or "—")
    if card.waits:
        said += "\nToo new for that close: it is tallied at the one after."
    return said


def proposal_payload(card: ProposalCard) -> dict[str, Any]:
    """The card as an outbox payload: its embed, its plain text and, while open, the vote
    buttons. `stage` says what a reader would notice (a new vote count alone is quiet)."""
    meaning = "\n".join(f"• {c}" for c in card.changes) or (
        "The league could not read this as a rule change; an admin reviews it before it can pass."
    )
    fields: list[dict[str, Any]] = [
        {"name": "What it does", "value": _clip(meaning, 1024), "inline": False},
        {
            "name": "Tier",
            "value": f"{card.tier} · {card.tier_name} · costs {card.token_cost} propose "
            f"token{'s' if card.token_cost != 1 else ''}",
            "inline": True,
        },
        {
            "name": "To pass",
            "value": f"More than {_percent(card.threshold)} of weighted yes votes, with at "
            f"least {_percent(card.quorum)} of team weight voting",
            "inline": True,
        },
    ]
    if card.forecast:
        fields.append(
            {"name": "Forecast", "value": _clip("\n".join(card.forecast), 1024), "inline": False}
        )
    if card.is_open:
        fields.append({"name": "Voting closes", "value": _closing(card), "inline": True})
        fields.append(
            {
                "name": "Votes",
                "value": f"{card.voted} of {card.governors} governors have voted",
                "inline": True,
            }
        )
    if card.review_reasons and card.status == "flagged":
        fields.append(
            {
                "name": "Awaiting review",
                "value": _clip("\n".join(f"• {r}" for r in card.review_reasons), 1024),
                "inline": False,
            }
        )
    if not card.is_open:
        result = STATUS_WORDS.get(card.status, card.status.capitalize())
        lines = [f"**{result}**" + (f": {card.outcome}" if card.outcome else "")]
        if card.tally:
            lines.append(card.tally)
        fields.append({"name": "Result", "value": _clip("\n".join(lines), 1024), "inline": False})
    if card.notes:
        fields.append(
            {"name": "Note", "value": _clip("\n".join(card.notes), 1024), "inline": False}
        )
    amended = f" · amended {card.amendments}×" if card.amendments else ""
    footer = (
        "Vote with the buttons, or /vote. Votes stay secret until the window closes."
        if card.is_open
        else "Voting is over."
    )
    embed = {
        "author": {"name": _clip(f"Proposal by {card.author}{amended}", 256)},
        "title": _clip(card.text, 256),
        "color": colour_int(COLOURS.get(card.status, "#99AAB5")),
        "fields": fields,
        "footer": {"text": footer},
    }
    status = STATUS_WORDS.get(card.status, card.status)
    text = [f"Proposal by {card.author}: {card.text} ({status})"]
    text += [f"  {c.replace('**', '')}" for c in card.changes]
    text += [f"  Forecast: {line}" for line in card.forecast]
    if card.is_open:
        text.append(f"  {card.voted} of {card.governors} governors have voted")
    else:
        text.append(
            f"  {status}{': ' + card.outcome if card.outcome else ''}. {card.tally}".rstrip()
        )
    return {
        "text": "\n".join(text),
        "embed": embed,
        "buttons": [{"kind": "vote", "proposal_id": card.proposal_id}] if card.is_open else [],
        # What a reader would notice changed (a new vote count alone is not): a printed card
        # is printed again only when this moves.
        "stage": hashlib.sha256(
            repr((card.status, card.amendments, card.forecast, card.outcome)).encode()
        ).hexdigest()[:16],
        "signature": footer,
    }


TRADE_WORDS = {
    "accepted": "accepted",
    "rejected": "declined",
    "cancelled": "withdrawn",
    "expired": "expired",
    "executed": "done",
}


def trade_settled_payload(
    title: str, description: str, outcome: str, *, colour: str = "#99AAB5"
) -> dict[str, Any]:
    """A trade offer's message once settled: what was offered, how it ended, no buttons."""
    embed = {
        "title": _clip(f"{title} · {TRADE_WORDS.get(outcome, outcome)}", 256),
        "description": _clip(description, 4096),
        "color": colour_int(colour),
        "footer": {"text": f"This trade is {TRADE_WORDS.get(outcome, outcome)}."},
    }
    return {"text": f"{title}: {description} ({outcome})", "embed": embed, "buttons": []}


def tally_words(
    weighted_yes: float, weighted_no: float, yes: int, no: int, voters: int | None = None
) -> str:
    """ "Weighted 1.5 yes – 0.5 no · 3 yes, 1 no"."""
    counts = f"{yes} yes, {no} no"
    return f"Weighted {weighted_yes:.2g} yes – {weighted_no:.2g} no · {counts}"


def changes_list(changes: Sequence[str]) -> str:
    return "; ".join(c.replace("**", "") for c in changes)
