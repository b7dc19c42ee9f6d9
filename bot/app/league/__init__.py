"""The league that runs itself: setup, the round runner, phases, mirrors, awards, stats and the
outbox. `runner.Runner` is the entry point the background loop (`bot.tasks`) drives."""
