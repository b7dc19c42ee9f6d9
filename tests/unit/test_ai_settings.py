"""PINWHEEL_AI_*: one setting selects the LLM for proposals and mirrors; bad values stop startup."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.ai.llm import AnthropicDialect, OpenAICompatibleDialect
from bot.config import Settings
from bot.wiring import llm_client

AI_VARS = (
    "PINWHEEL_AI_PROVIDER",
    "PINWHEEL_AI_API_KEY",
    "PINWHEEL_AI_BASE_URL",
    "PINWHEEL_AI_MODEL",
    "PINWHEEL_AI_TIMEOUT_S",
)


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in AI_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def settings(env: pytest.MonkeyPatch, **values: str) -> Settings:
    for name, value in values.items():
        env.setenv(f"PINWHEEL_AI_{name.upper()}", value)
    return Settings(_env_file=None)


class NoTransport:
    async def post_json(self, *args: object) -> tuple[int, dict[str, object]]:
        raise AssertionError("no request expected")


def test_the_default_is_the_built_in_provider_with_no_llm(env: pytest.MonkeyPatch) -> None:
    s = settings(env)
    assert (s.ai_provider, s.ai_endpoint) == ("builtin", None)
    assert llm_client(s, NoTransport()) is None


def test_anthropic_needs_a_key_and_a_model_and_keeps_the_key_secret(
    env: pytest.MonkeyPatch,
) -> None:
    s = settings(env, provider=" Anthropic ", api_key="sk-secret", model="claude-x", timeout_s="7")
    client = llm_client(s, NoTransport())
    assert client is not None and isinstance(client.dialect, AnthropicDialect)
    assert (client.model, client.timeout_s) == ("claude-x", 7.0)
    assert "sk-secret" not in repr(s)


def test_openai_defaults_to_openai_and_takes_any_compatible_base_url(
    env: pytest.MonkeyPatch,
) -> None:
    assert settings(env, provider="openai", model="m").ai_endpoint == "https://api.openai.com/v1"
    local = settings(env, provider="openai", model="llama", base_url="http://127.0.0.1:8080/v1")
    client = llm_client(local, NoTransport())
    assert client is not None and isinstance(client.dialect, OpenAICompatibleDialect)
    assert local.ai_endpoint == "http://127.0.0.1:8080/v1" and local.ai_api_key is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"provider": "gpt"}, "PINWHEEL_AI_PROVIDER"),
        ({"provider": "anthropic", "model": "m"}, "also needs PINWHEEL_AI_API_KEY"),
        ({"provider": "anthropic", "api_key": "k"}, "also needs PINWHEEL_AI_MODEL"),
        ({"provider": "openai", "model": " "}, "also needs PINWHEEL_AI_MODEL"),
        ({"provider": "openai", "model": "m", "base_url": "localhost:8080"}, "http(s) URL"),
        ({"timeout_s": "0"}, "PINWHEEL_AI_TIMEOUT_S"),
        ({"timeout_s": "soon"}, "PINWHEEL_AI_TIMEOUT_S"),
    ],
)
def test_a_bad_ai_setting_is_a_clear_startup_error(
    env: pytest.MonkeyPatch, values: dict[str, str], message: str
) -> None:
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        settings(env, **values)
