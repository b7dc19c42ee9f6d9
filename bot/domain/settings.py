"""Per-league settings: tuning an admin may change, with defaults in code.

A league's `settings` rows hold only what an admin changed; every other key reads its default
from `SETTINGS`. Governable numbers (token regeneration, quorum, ...) are rules, not settings:
players vote on rules, admins tune settings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

from bot.domain.errors import ValidationError

SettingValue = int | float | bool | str


@dataclass(frozen=True, slots=True)
class SettingSpec:
    key: str
    type: type
    default: SettingValue
    minimum: int | float | None
    maximum: int | float | None
    category: str
    description: str

    def parse(self, value: object) -> SettingValue:
        """Validate `value` for this setting, raising a player-facing `ValidationError`."""
        if self.type is float and type(value) is int:
            value = float(value)
        if type(value) is not self.type:
            raise ValidationError(f"{self.key} must be a {self.type.__name__}; got {value!r}.")
        assert isinstance(value, int | float | bool | str)
        if isinstance(value, int | float) and not isinstance(value, bool):
            if self.minimum is not None and value < self.minimum:
                raise ValidationError(f"{self.key} must be at least {self.minimum}; got {value}.")
            if self.maximum is not None and value > self.maximum:
                raise ValidationError(f"{self.key} must be at most {self.maximum}; got {value}.")
        return value

    def allowed(self) -> str:
        """What this setting accepts, for a player-facing message."""
        if self.type is bool:
            return "true or false"
        if self.type is str:
            return "text"
        kind = "a whole number" if self.type is int else "a number"
        return f"{kind} from {self.minimum} to {self.maximum}"

    def parse_text(self, text: str) -> SettingValue:
        """Validate a value typed by an admin (`"1800"`, `"true"`), naming the allowed range."""
        raw = text.strip()
        value: object = raw
        try:
            if self.type is bool:
                value = {"true": True, "yes": True, "on": True}.get(raw.lower(), raw)
                value = {"false": False, "no": False, "off": False}.get(raw.lower(), value)
            elif self.type is int:
                value = int(raw)
            elif self.type is float:
                value = float(raw)
            return self.parse(value)
        except (ValueError, ValidationError):
            raise ValidationError(
                f"{self.key} must be {self.allowed()}; got {raw[:100]!r}."
            ) from None


def _spec(
    key: str,
    default: SettingValue,
    lo: int | float | None,
    hi: int | float | None,
    category: str,
    description: str,
) -> SettingSpec:
    return SettingSpec(key, type(default), default, lo, hi, category, description)


SETTINGS: dict[str, SettingSpec] = {
    s.key: s
    for s in (
        _spec(
            "governance.min_voting_period_seconds",
            900,
            0,
            7 * 24 * 3600,
            "governance",
            "Seconds a proposal must have been open for votes (since it was confirmed or last "
            "amended) before a window close tallies it; younger proposals wait for the next "
            "close.",
        ),
        _spec(
            "governance.propose_cooldown_seconds",
            60,
            0,
            24 * 3600,
            "governance",
            "Seconds a governor waits between two /propose drafts (0: no wait).",
        ),
        _spec(
            "governance.draft_ttl_seconds",
            1800,
            60,
            24 * 3600,
            "governance",
            "Seconds a proposal draft can still be confirmed after it was interpreted.",
        ),
        _spec(
            "trades.offer_ttl_seconds",
            24 * 3600,
            60,
            14 * 24 * 3600,
            "trades",
            "Seconds a token trade offer stays open before it expires and its escrow returns.",
        ),
        _spec(
            "trades.max_amount",
            10,
            1,
            1000,
            "trades",
            "Most tokens either side of one token trade offer may name.",
        ),
        _spec(
            "trades.hooper_trade_ttl_seconds",
            48 * 3600,
            60,
            14 * 24 * 3600,
            "trades",
            "Seconds a hooper trade stays open for votes before it expires.",
        ),
        _spec(
            "schedule.round_interval_minutes",
            60,
            0,
            7 * 24 * 60,
            "schedule",
            "Minutes between rounds; 0 plays a round only when an admin asks (manual).",
        ),
        _spec(
            "presentation.round_seconds",
            180,
            0,
            1800,
            "presentation",
            "Seconds over which a round's games are shown live in #play-by-play (a close "
            "finish gets more of them than garbage time); results and mirrors follow. Never "
            "more than three quarters of the time between rounds. 0 posts the final cards at "
            "once.",
        ),
    )
}


@dataclass(frozen=True, slots=True)
class LeagueSettings:
    """A league's effective settings: stored overrides on top of the defaults."""

    overrides: Mapping[str, SettingValue]

    def get(self, key: str) -> SettingValue:
        if key not in SETTINGS:
            raise KeyError(key)
        return self.overrides.get(key, SETTINGS[key].default)

    def number(self, key: str) -> float:
        value = self.get(key)
        assert isinstance(value, int | float)
        return float(value)

    @property
    def min_voting_period_seconds(self) -> float:
        return self.number("governance.min_voting_period_seconds")

    @property
    def propose_cooldown_seconds(self) -> float:
        return self.number("governance.propose_cooldown_seconds")

    @property
    def draft_ttl_seconds(self) -> float:
        return self.number("governance.draft_ttl_seconds")

    @property
    def trade_offer_ttl_seconds(self) -> float:
        return self.number("trades.offer_ttl_seconds")

    @property
    def trade_max_amount(self) -> int:
        return int(self.number("trades.max_amount"))

    @property
    def hooper_trade_ttl_seconds(self) -> float:
        return self.number("trades.hooper_trade_ttl_seconds")

    @property
    def presentation_round_seconds(self) -> float:
        return self.number("presentation.round_seconds")


DEFAULT_SETTINGS = LeagueSettings({})


def parse_stored(rows: Mapping[str, str]) -> LeagueSettings:
    """Settings from stored `key -> value_json` rows; unknown keys are ignored (old releases)."""
    values: dict[str, SettingValue] = {}
    for key, raw in rows.items():
        if key in SETTINGS:
            values[key] = SETTINGS[key].parse(json.loads(raw))
    return LeagueSettings(values)
