"""One exception family for every bad input.

Each error names the file it came from (when there is one), the path inside the document
(``$.pairings[3].counterpart``) and what to do about it, so an office user never sees a traceback
from a dependency.
"""

from __future__ import annotations


class LiaisonError(Exception):
    """Base of every error ``liaison`` raises for bad input or an impossible request."""

    def __init__(self, message: str, *, file: str | None = None, path: str | None = None,
                 fix: str | None = None) -> None:
        self.message = message
        self.file = file
        self.path = path
        self.fix = fix
        super().__init__(self.render())

    def render(self) -> str:
        where = ""
        if self.file:
            where += f"{self.file}: "
        if self.path:
            where += f"{self.path}: "
        text = f"{where}{self.message}"
        if self.fix:
            text += f" (fix: {self.fix})"
        return text


class DataError(LiaisonError):
    """A district data file or records file is malformed or inconsistent."""


class UnknownOrganisationError(LiaisonError):
    """A name or id does not match exactly one organisation."""


class UnknownProvisionError(LiaisonError):
    """A provision ID does not exist in the loaded regulation."""


class PlanningError(LiaisonError):
    """The planner was asked for something it cannot do (bad year range, bad option)."""


class ExportError(LiaisonError):
    """An exporter could not produce an artifact (bad text in the data, unknown format)."""
