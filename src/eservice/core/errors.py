"""Domain errors: raised by actions, turned into responses in one place.

Each carries a translatable, user-facing message. Web views show it as a
message; the API answers with ``{"detail": message, "code": code}``.
"""

from __future__ import annotations

from django.utils.functional import Promise


class DomainError(Exception):
    """A rule of the service was broken; the message is safe to show the user."""

    status_code = 400
    code = "domain_error"

    def __init__(self, message: str | Promise, *, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code is not None:
            self.code = code


class NotFound(DomainError):
    """The object does not exist or the user may not see it (both look the same)."""

    status_code = 404
    code = "not_found"


class Forbidden(DomainError):
    """The user is known but their role does not allow the action."""

    status_code = 403
    code = "forbidden"


class InvalidTransition(DomainError):
    """The case is not in a state where this action is allowed."""

    status_code = 409
    code = "invalid_transition"


class ValidationFailed(DomainError):
    """Input was rejected; ``errors`` maps each field to its messages."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str | Promise, errors: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.errors = errors or {}
