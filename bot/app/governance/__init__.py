"""Governance use cases: one handler per command, each deciding under the append lock."""
