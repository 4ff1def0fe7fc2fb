"""One exception hierarchy for upr-lab: every error a user can cause is an ``UprLabError``."""


class UprLabError(Exception):
    """Base class: a problem the user can fix, reported as one clear message."""


class DataError(UprLabError):
    """A source cannot be read or does not hold what was expected.

    ``path``, ``row`` and ``column`` locate the problem where they are known.
    """

    def __init__(self, message, path=None, row=None, column=None):
        self.path, self.row, self.column = path, row, column
        where = [str(path)] if path else []
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{': '.join([', '.join(where), message]) if where else message}")


class UnknownCountryError(UprLabError):
    """A country name or code matches no State; the message suggests close ones."""


class ParameterError(UprLabError):
    """A parameter file or argument is malformed or names unknown parameters."""


class RunError(UprLabError):
    """An analysis run failed; its executed notebook is kept to show where."""


class RunInterrupted(UprLabError):
    """A run or batch was stopped (Ctrl-C, SIGTERM) before it finished; nothing partial was kept.

    ``exit_status`` is 128 + the number of the signal that stopped it (130 for Ctrl-C).
    """

    def __init__(self, message, exit_status=130):
        super().__init__(message)
        self.exit_status = exit_status
