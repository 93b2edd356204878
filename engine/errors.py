"""The typed errors the engine raises for anything a user can cause.

Callers (the editor, the CLI) catch `ShotlineError` and show its message; a
raw traceback never reaches a user. Each subclass names the kind of mistake so
a caller can react (for example, offer to unlock a track) without parsing text.
"""


class ShotlineError(Exception):
    """Base for every error whose message is meant for the user."""


class Cancelled(ShotlineError):
    """The user stopped a job (a generation or an export); an end of its own, not a failure."""


class EditError(ShotlineError):
    """An edit operation refused its inputs; the timeline was left unchanged."""


class TrackLockedError(EditError):
    """An edit touched a locked track."""


class ProjectFileError(ShotlineError):
    """A project file could not be read or written."""


class MediaError(ShotlineError):
    """A media file could not be opened, probed or decoded."""


class ExportError(ShotlineError):
    """An export could not be written; nothing was left at the destination."""


class ExportCancelled(ExportError, Cancelled):
    """The user stopped an export; the partial file was removed."""


class GenerateError(ShotlineError):
    """A generation job that cannot run or failed, in words a user can act on."""


class JobCancelled(GenerateError, Cancelled):
    """The user cancelled the job; not a failure."""


def one_line(text: str) -> str:
    """`text` for a one-line message: newlines and other control characters shown as escapes.

    A file name may hold a newline; an error naming it must still be one line.
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
