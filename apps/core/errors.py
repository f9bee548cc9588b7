"""Errors every layer shares: a service raises them, a form shows them on the field, the API
renders them as JSON `{"code", "message", "errors": [{"field", "reason", "message"}]}`."""

from dataclasses import dataclass
from typing import NoReturn


@dataclass(frozen=True)
class FieldError:
    field: str  # the model/API field name, e.g. "doc_number"
    reason: str  # a stable code, e.g. "bad_checksum"
    message: str  # human text, already translated


class ValidationFailed(Exception):
    """Input that cannot be saved; nothing was written."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in errors))
        self.errors = errors


def refuse(field: str, reason: str, message) -> NoReturn:
    """Refuse one field: a ValidationFailed with that one error (message lazy or not)."""
    raise ValidationFailed([FieldError(field, reason, str(message))])


class ApiError(Exception):
    """An error the API reports with a code and a message (404s stay Http404)."""

    def __init__(self, code: str, message: str, status: int = 400):
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def form_add_errors(form, exc: ValidationFailed, rename: dict[str, str] | None = None) -> None:
    """Show a service's errors on a Django form: each on its field (a service field the form
    calls otherwise is renamed first), else above the form."""
    for error in exc.errors:
        field = (rename or {}).get(error.field, error.field)
        form.add_error(field if field in form.fields else None, error.message)
