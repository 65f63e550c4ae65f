"""Output files of the CLI: checking paths before any work, atomic writes.

Every file the CLI writes is written to a temporary file in the target folder and
moved into place with :func:`os.replace`, so an interrupted or failing write never
leaves a half-written file under the requested name.  Output paths are checked
*before* a solve or sweep starts (:func:`check_output_file`), so that a misspelled
folder or an unknown image extension costs no computation.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from .cli_common import UserError

__all__ = ["IMAGE_EXTENSIONS", "check_output_file", "check_output_dir", "atomic_path", "atomic_write_text",
           "save_figure"]

#: Figure formats matplotlib's Agg/PDF/SVG/PS backends write (``Figure.savefig`` by extension).
IMAGE_EXTENSIONS = ("png", "pdf", "svg", "svgz", "eps", "ps", "jpg", "jpeg", "tif", "tiff", "webp")


def _check_folder(folder: Path, option: str, what: str) -> None:
    if not folder.exists():
        raise UserError(f"{option} {what}: folder {str(folder)!r} does not exist")
    if not folder.is_dir():
        raise UserError(f"{option} {what}: {str(folder)!r} is not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise UserError(f"{option} {what}: folder {str(folder)!r} is not writable")


def check_output_file(path, option: str, *, image: bool = False) -> Path:
    """Check that ``path`` can be written as a file; return it as a :class:`~pathlib.Path`.

    Parameters
    ----------
    path : str or path-like
        Requested output file.
    option : str
        Command-line option that gave it (``"--out"``, ``"--plot"``), named in the error.
    image : bool
        Require a figure extension (:data:`IMAGE_EXTENSIONS`).

    Raises
    ------
    UserError
        The folder does not exist or is not writable, the path is a folder, an existing
        file is not writable, or (``image``) the extension is missing or unknown.
    """
    text = str(path)
    p = Path(path)
    if not text or text.endswith(os.sep) or p.is_dir():
        raise UserError(f"{option} {text!r} is a folder; give a file name")
    if image:
        ext = p.suffix.lower().lstrip(".")
        if ext not in IMAGE_EXTENSIONS:
            raise UserError(f"{option} {text!r}: unknown image extension {p.suffix or '(none)'!r}; "
                            f"allowed: {', '.join('.' + e for e in IMAGE_EXTENSIONS)}")
    _check_folder(p.parent if str(p.parent) else Path("."), option, repr(text))
    if p.exists() and not os.access(p, os.W_OK):
        raise UserError(f"{option} {text!r}: existing file is not writable")
    return p


def check_output_dir(path, option: str) -> Path:
    """Check that the folder ``path`` exists and is writable, or can be created (its parent exists).

    Raises
    ------
    UserError
        ``path`` is a file, or neither it nor its parent is a writable folder.
    """
    p = Path(path)
    if p.exists():
        if not p.is_dir():
            raise UserError(f"{option} {str(p)!r} is a file; give a folder")
        _check_folder(p, option, repr(str(p)))
    else:
        _check_folder(p.parent if str(p.parent) else Path("."), option, repr(str(p)))
    return p


def _file_mode(p: Path) -> int:
    """Permissions for ``p``: those of the file it replaces, else 0o666 less the umask."""
    if p.exists():
        return p.stat().st_mode & 0o7777
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextlib.contextmanager
def atomic_path(path, suffix: str | None = None):
    """Yield a temporary path next to ``path``; on success move it onto ``path`` (``os.replace``).

    The temporary file keeps the extension of ``path`` (or ``suffix``), so writers that pick
    the format by extension (matplotlib) behave as for ``path``.  On an exception the
    temporary file is removed and ``path`` is left untouched.
    """
    p = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{p.stem}.", suffix=p.suffix if suffix is None else suffix,
                               dir=p.parent if str(p.parent) else ".")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _file_mode(p))
        os.replace(tmp, p)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def atomic_write_text(path, text: str) -> None:
    """Write ``text`` to ``path`` atomically (temporary file + ``os.replace``)."""
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def save_figure(fig, path, **kw) -> None:
    """``fig.savefig(path, **kw)`` atomically; the format follows the extension of ``path``."""
    p = Path(path)
    fmt = p.suffix.lower().lstrip(".") or None
    with atomic_path(p) as tmp:
        fig.savefig(tmp, format=fmt, **kw)
