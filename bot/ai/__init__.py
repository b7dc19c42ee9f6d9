"""AI: turning proposal text into rule changes (and, later, mirrors and commentary).

Entry points: `bot.ai.interpreter.interpret_proposal` (the deterministic parser),
`bot.ai.provider` (the `InterpreterProvider` port, `BuiltinProvider`, `FallbackProvider`),
`bot.ai.llm` (optional Anthropic and OpenAI-compatible providers), `bot.ai.calls` (the AI
call log port). Whatever suggests a change, `bot.domain.interpretation` validates it.
"""
