"""Writing artifacts: the one place files are written, always atomically and always inside the folder."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from liaison.errors import ExportError
from liaison.exporting import Artifact


def target_path(folder: Path, artifact: Artifact) -> Path:
    """Where an artifact goes; never outside ``folder`` whatever its path says."""
    root = folder.resolve()
    target = (root / artifact.path).resolve()
    if root not in target.parents:
        raise ExportError(f"artifact path {artifact.path!r} leaves the output folder", fix="report the plugin")
    return target


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.chmod(temp, 0o666 & ~_umask())  # mkstemp makes 0600; an office folder wants the usual mode
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_artifact(folder: Path, artifact: Artifact) -> Path:
    path = target_path(folder, artifact)
    try:
        write_atomic(path, artifact.data)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror}", fix="check the --out folder") from None
    return path
