"""Domain errors: raised by services, turned into a message by views and into JSON by the API."""


class DomainError(Exception):
    """A refusal a user can act on. ``field`` names the input it concerns, when there is one."""

    status = 400

    def __init__(self, message, field=None, code="invalid"):
        super().__init__(message)
        self.message = message
        self.field = field
        self.code = code

    def as_dict(self):
        return {"code": self.code, "message": str(self.message), "field": self.field}


class Conflict(DomainError):
    """Someone else changed the object since the user loaded it."""

    status = 409

    def __init__(self, message, changed=None):
        super().__init__(message, code="conflict")
        self.changed = changed or {}
