"""The interpreter's effect phrasings: a rule change for a while becomes a timed effect; a
repeal names the effects to end; plain proposals are read exactly as before."""

from __future__ import annotations

from bot.ai.interpreter import interpret_proposal
from bot.domain.rules import DEFAULT_RULES


def test_for_the_next_n_rounds_registers_a_timed_effect_on_the_named_team() -> None:
    meaning = interpret_proposal(
        "for the next 3 rounds, the home team's threes are worth 4", DEFAULT_RULES
    )
    assert not meaning.is_wild and meaning.changes == ()
    [effect] = meaning.effects
    assert (effect.parameter, effect.value, effect.target) == ("three_point_value", 4.0, "home")
    assert (effect.duration, effect.duration_rounds) == ("rounds", 3)


def test_the_duration_may_come_last_and_in_words() -> None:
    [effect] = interpret_proposal(
        "make threes worth 4 for the next two rounds", DEFAULT_RULES
    ).effects
    assert (effect.duration, effect.duration_rounds, effect.target) == ("rounds", 2, "all")


def test_for_one_game_registers_a_one_game_effect() -> None:
    [effect] = interpret_proposal("for one game, free throws are worth 2", DEFAULT_RULES).effects
    assert effect.duration == "one_game" and effect.duration_rounds is None


def test_repeal_names_the_effect_parameters_to_end() -> None:
    meaning = interpret_proposal("repeal the home threes", DEFAULT_RULES)
    assert meaning.repeals == ("three_point_value",) and not meaning.is_wild


def test_a_rule_no_hook_point_can_change_stays_an_ordinary_proposal() -> None:
    meaning = interpret_proposal("for the next 2 rounds, the shot clock is 20", DEFAULT_RULES)
    assert meaning.effects == ()


def test_a_plain_proposal_registers_no_effect() -> None:
    meaning = interpret_proposal("make threes worth 5", DEFAULT_RULES)
    assert meaning.effects == () and meaning.repeals == () and meaning.changes
