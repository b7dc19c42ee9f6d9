"""The one family of errors the game raises on purpose.

Every error a player can cause is a `DomainError`; the Discord layer turns it into a friendly
ephemeral reply using `str(error)`, so messages are written for players.
"""


class DomainError(Exception):
    """Base of every expected, player-facing error."""


class ValidationError(DomainError):
    """Input that does not fit the rules of the game."""


class RuleValidationError(ValidationError):
    """A rule change names an unknown parameter or a value outside its allowed range."""


class NotFoundError(DomainError):
    """Something the command refers to does not exist."""


class PermissionDeniedError(DomainError):
    """The actor may not do this."""


class ConflictError(DomainError):
    """The command conflicts with the current state (already done, closed, settled...)."""


class CooldownError(ConflictError):
    """Too soon: the actor did the same a moment ago and must wait (a setting says how long)."""


class InsufficientTokensError(ConflictError):
    """A governor tried to spend tokens they do not have."""


class ConcurrencyError(ConflictError):
    """Someone else changed the same thing first; the command was not applied."""


class CommandConflictError(ConflictError):
    """A command id was reused with a different request."""


BUSY_MESSAGE = (
    "Pinwheel is very busy right now and did not record that. Nothing changed; please try "
    "again in a moment."
)


class BusyError(DomainError):
    """The database could not be reached in time (every connection taken, or the write lock
    held too long): nothing was written, and the same command may simply be sent again."""

    def __init__(self, message: str = BUSY_MESSAGE) -> None:
        super().__init__(message)
