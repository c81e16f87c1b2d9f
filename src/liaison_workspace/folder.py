"""The years of one output folder on the disk: the one place that replaces a year whole and recovers
from a crash.

``out/<year>/`` is replaced by a complete new folder staged beside it (``out/.<year>.staging-…``) in
one journaled step:

1. the staging folder is complete and synced (every file and folder on the disk);
2. the journal ``out/.<year>.swap.json`` — which staging folder (its name and its inode: a folder
   keeps its inode when it is renamed), and the name the old year will take — is written atomically
   and synced;
3. the two folders are exchanged in one atomic step (``renameat2(RENAME_EXCHANGE)``; the old year,
   now under the staging name, is then renamed ``.<year>.old-…``), or where the platform cannot,
   renamed twice (``<year>`` → ``.<year>.old-…``, staging → ``<year>``), the folder synced after each;
4. the old year is removed, then the journal.

Whatever instruction a crash stops at, the next command (:meth:`YearFolders.recover`, run as the lock
is taken) finds a journal and finishes the swap — the inode says whether ``<year>`` is already the
new folder —, or finds no journal and removes the incomplete staging folder. So ``<year>``
is always the previous complete year or the new complete year. Leftovers (staging folders, old
folders, temporary files) are removed, or reported when they cannot be.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any

import attrs

from liaison.base.errors import StorageError
from liaison.formats.state import StateError
from liaison.year.store import Note
from liaison_workspace.durable import checkpoint, exchange, fsync_dir, remove_tree, write_atomic

__all__ = ["Note", "YearFolders", "system_error"]

JOURNAL_FORMAT = "liaison-swap/1"
STAGING = re.compile(r"\.(?P<year>\d+)\.staging-\d+-[0-9a-f]+")
OLD = re.compile(r"\.(?P<year>\d+)\.old-\d+(?:-[0-9a-f]+)?")
#: The year's hidden folder of every state saved (:mod:`liaison_workspace.store`).
HISTORY = ".history"
#: A temporary file of :func:`liaison_workspace.durable.write_atomic` (``.NAME.PID.HEX.tmp``).
TEMP = re.compile(r"\..+\.\d+\.[0-9a-f]{8}\.tmp")


@attrs.frozen
class Journal:
    """What a swap in progress is: read back by the next command if it is interrupted."""

    year: int
    staging: str
    old: str
    inode: int  # the staging folder's: ``<year>`` is the new year once it has this inode

    def document(self) -> dict[str, Any]:
        return {"format": JOURNAL_FORMAT, **attrs.asdict(self)}


def _inode(path: Path) -> int | None:
    try:
        info = os.lstat(path)
    except OSError:
        return None
    return info.st_ino if stat.S_ISDIR(info.st_mode) else None


class YearFolders:
    """The years of the output folder ``root`` (see the module docstring). Every method runs under the
    output folder's lock (:meth:`liaison_workspace.Workspace.locked`)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def folder(self, year: int) -> Path:
        return self.root / str(year)

    def journal(self, year: int) -> Path:
        return self.root / f".{year}.swap.json"

    def shown(self, path: str | os.PathLike[str]) -> str:
        """A path as the user knows it: inside a staging or old folder, the same place in the year's
        folder; the staging folder itself, the output folder it is made in."""
        given = Path(path)
        try:
            parts = given.relative_to(self.root).parts
        except ValueError:
            return str(given)
        if parts:
            hidden = STAGING.fullmatch(parts[0]) or OLD.fullmatch(parts[0])
            if hidden is not None:
                if len(parts) == 1:
                    return str(self.root)
                return str(self.folder(int(hidden["year"])).joinpath(*parts[1:]))
            if len(parts) > 1 and parts[0].isdigit() and parts[1] == HISTORY:
                return str(self.folder(int(parts[0])))  # the year's history is part of the year's folder
            if TEMP.fullmatch(parts[-1]) or parts[-1].endswith(".swap.json"):
                return str(given.parent)  # a temporary file or the journal: the folder it is made in
        return str(given)

    # -- the swap --------------------------------------------------------------------------------
    def new_staging(self, year: int) -> Path:
        staging = self.root / f".{year}.staging-{os.getpid()}-{secrets.token_hex(4)}"
        staging.mkdir(0o777)  # the usual mode: the umask applies (mkdtemp would make it private)
        checkpoint("stage:begin")
        return staging

    def swap_in(self, year: int, staging: Path) -> list[Note]:
        """Replace the year's folder with ``staging`` (complete and synced), journaled; the notes say
        what of the old year could not be removed."""
        journal = Journal(year, staging.name, f".{year}.old-{os.getpid()}-{secrets.token_hex(4)}",
                          os.lstat(staging).st_ino)
        text = json.dumps(journal.document(), ensure_ascii=False, indent=2) + "\n"
        try:
            write_atomic(self.journal(year), text.encode(), step="journal")
        except BaseException:
            remove_tree(staging)
            raise
        try:
            return self._complete(journal)
        except OSError as exc:
            if _inode(self.folder(year)) != journal.inode:
                self._roll_back(journal)
                raise
            # the new year is in place: what failed is the tidying up, which the next command finishes
            reason, reason_zh = reason_of(exc)
            return [Note(f"the new year is in place, but tidying up after it failed ({reason}); the next command "
                         "finishes it", f"新的年度已就位，但之后的清理未能完成（{reason_zh}）；下一个命令会完成清理",
                         file=str(self.folder(year)))]
        except BaseException:
            self._roll_back(journal)
            raise

    def _complete(self, journal: Journal) -> list[Note]:
        """Bring the swap the journal describes to its end: the new year in place, the old removed,
        the journal removed. Run by the swap itself and, after a crash, by the next command."""
        folder = self.folder(journal.year)
        staging, old = self.root / journal.staging, self.root / journal.old
        if _inode(folder) == journal.inode:
            pass  # the new year is in place already
        elif folder.is_dir() and not folder.is_symlink():
            if staging.is_dir():
                checkpoint("swap:begin")
                if exchange(staging, folder):
                    checkpoint("swap:exchanged")
                    fsync_dir(self.root)
                    with contextlib.suppress(OSError):  # else it is removed under the staging name
                        os.rename(staging, old)  # the previous year under the name that says so
                    checkpoint("swap:old-named")
                else:
                    os.rename(folder, old)
                    checkpoint("swap:old-moved-away")
                    fsync_dir(self.root)
                    try:
                        os.rename(staging, folder)
                    except OSError:
                        os.rename(old, folder)
                        raise
                    checkpoint("swap:new-moved-in")
                    fsync_dir(self.root)
        elif staging.is_dir():
            os.rename(staging, folder)  # the first export of the year, or between the two renames
            checkpoint("swap:new-moved-in")
            fsync_dir(self.root)
        elif old.is_dir():
            os.rename(old, folder)
            fsync_dir(self.root)
        else:
            raise StateError(f"the year's folder is missing: an export was interrupted, and neither the new "
                             f"folder ({journal.staging}) nor the previous one ({journal.old}) is left",
                             file=str(folder), fix=f"restore {folder} from a backup; to start the year afresh, "
                             f"delete {self.journal(journal.year)} first",
                             message_zh=f"该年度的文件夹不见了：上次导出被中断，新文件夹（{journal.staging}）和原文件夹"
                                        f"（{journal.old}）都已不在",
                             fix_zh=f"请从备份恢复 {folder}；如要重新开始该年度，先删除 {self.journal(journal.year)}")
        notes = [note for leftover in (staging, old) if (note := self._discard(leftover)) is not None]
        checkpoint("swap:old-removed")
        self.journal(journal.year).unlink(missing_ok=True)
        fsync_dir(self.root)
        checkpoint("swap:done")
        return notes

    def _roll_back(self, journal: Journal) -> None:
        """After a failed swap: the previous year stays (or comes back), the staging folder and the
        journal go. Best effort: what fails here, the next command's recovery finishes."""
        folder, staging, old = (self.folder(journal.year), self.root / journal.staging,
                                self.root / journal.old)
        try:
            if not folder.exists() and old.is_dir():
                os.rename(old, folder)
            if _inode(folder) != journal.inode:
                remove_tree(staging)
                self.journal(journal.year).unlink(missing_ok=True)
                fsync_dir(self.root)
        except OSError:
            pass

    def _discard(self, path: Path) -> Note | None:
        """Remove a leftover of ours; a note when it cannot be removed."""
        if not path.exists() and not path.is_symlink():
            return None
        failure = remove_tree(path)
        if failure is None:
            return None
        reason, reason_zh = reason_of(failure)
        return Note(f"a copy of the year that an export replaced or did not finish; it cannot be removed: {reason}",
                    f"这是导出时替换下来或未完成的年度副本，无法删除：{reason_zh}", file=str(path),
                    fix=f"remove it by hand (`rm -r {path}`); if that is refused too, `lsattr -R {path}` shows an "
                        "immutable file (an administrator clears it with `chattr -i`)",
                    fix_zh=f"请手工删除（`rm -r {path}`）；如仍被拒绝，可用 `lsattr -R {path}` 查看是否有不可更改的文件"
                           "（管理员可用 `chattr -i` 解除）")

    # -- recovery --------------------------------------------------------------------------------
    def recover(self, year: int) -> list[Note]:
        """Finish or roll back what a crash interrupted for ``year``, and remove its leftovers (see
        the module docstring); what was done that the user should know, and what could not be done."""
        notes: list[Note] = []
        journal_path = self.journal(year)
        if journal_path.exists() or journal_path.is_symlink():
            journal = self._read_journal(journal_path, year)
            folder = self.folder(year)
            try:
                notes += self._complete(journal)
            except OSError:
                self._roll_back(journal)
                if journal_path.exists():
                    raise  # neither finished nor rolled back: the caller names the system's refusal
            if _inode(folder) == journal.inode:
                notes.append(Note(f"the export of {year} that was interrupted last time has been completed: "
                                  f"{folder} holds the year it exported",
                                  f"上次中断的{year}年导出已完成：{folder} 为该次导出的结果", file=str(folder)))
            else:
                notes.append(Note(f"the export of {year} that was interrupted last time has been rolled back: "
                                  f"{folder} holds the year as it was before it",
                                  f"上次中断的{year}年导出已撤销：{folder} 保持该次导出之前的内容", file=str(folder)))
        folder = self.folder(year)
        olds: list[Path] = []
        for entry in self._entries(self.root):
            name = entry.name
            staging, old = STAGING.fullmatch(name), OLD.fullmatch(name)
            if staging is not None and int(staging["year"]) == year:
                notes += [n for n in [self._discard(entry)] if n is not None]
            elif old is not None and int(old["year"]) == year:
                olds.append(entry)
            elif TEMP.fullmatch(name) and name.startswith(f".{journal_path.name}."):  # the journal, half-written
                notes += [n for n in [self._discard(entry)] if n is not None]
        if olds and not folder.exists() and not folder.is_symlink():
            if len(olds) > 1:
                names = ", ".join(p.name for p in sorted(olds))
                raise StateError(f"the year's folder is missing and several earlier copies are left ({names})",
                                 file=str(folder), fix=f"rename the one to keep to {folder}, and move the others away",
                                 message_zh=f"该年度的文件夹不见了，留下了多个旧副本（{names}）",
                                 fix_zh=f"请把要保留的那个改名为 {folder}，其余的移走")
            restored = olds.pop()
            os.rename(restored, folder)  # an export killed between its two renames (liaison before 0.2)
            fsync_dir(self.root)
            notes.append(Note(f"{folder} was missing after an interrupted export; the year was restored from "
                              f"{restored.name}", f"上次导出中断后 {folder} 不见了，已从 {restored.name} 恢复该年度",
                              file=str(folder)))
        notes += [n for old in olds if (n := self._discard(old)) is not None]
        if folder.is_dir() and not folder.is_symlink():
            for entry in self._entries(folder):
                if TEMP.fullmatch(entry.name) and entry.is_file():
                    notes += [n for n in [self._discard(entry)] if n is not None]
        return notes

    def _entries(self, folder: Path) -> list[Path]:
        try:
            return sorted(folder.iterdir())
        except FileNotFoundError:
            return []

    def _read_journal(self, path: Path, year: int) -> Journal:
        def broken(why: str, why_zh: str) -> StateError:
            return StateError(f"the journal of an interrupted export cannot be used: {why}", file=str(path),
                              fix=f"check that {self.folder(year)} is the year you want, then delete the journal",
                              message_zh=f"上次中断的导出留下的日志无法使用：{why_zh}",
                              fix_zh=f"请确认 {self.folder(year)} 是要保留的版本，然后删除该日志")
        try:
            raw = json.loads(path.read_bytes().decode("utf-8"))
        except (ValueError, UnicodeDecodeError):
            raise broken("it is not the JSON liaison writes", "不是 liaison 写入的 JSON") from None
        if not isinstance(raw, dict) or raw.get("format") != JOURNAL_FORMAT:
            raise broken(f"its format is not {JOURNAL_FORMAT}", f"格式不是 {JOURNAL_FORMAT}")
        staging, old, inode = (STAGING.fullmatch(str(raw.get("staging"))), OLD.fullmatch(str(raw.get("old"))),
                               raw.get("inode"))
        if (raw.get("year") != year or staging is None or old is None or type(inode) is not int
                or {int(staging["year"]), int(old["year"])} != {year}):
            raise broken(f"it does not describe the year {year}'s folders", f"其内容与{year}年的文件夹不符")
        return Journal(year, staging.group(), old.group(), inode)


# ---------------------------------------------------------------------------------- system errors
#: Why the system refused, per errno: (English, Chinese).
_REASONS: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("no space left on the disk", "磁盘空间已满"),
    errno.EDQUOT: ("the disk quota is used up", "磁盘配额已用完"),
    errno.EACCES: ("permission denied", "没有权限"),
    errno.EPERM: ("operation not permitted: the file or its folder may be immutable (chattr +i) or append-only",
                  "不允许该操作：该文件或其所在文件夹可能被设为不可更改（chattr +i）或只可追加"),
    errno.EROFS: ("the file system is read-only", "文件系统是只读的"),
    errno.ENOTDIR: ("this is a file, but a folder is needed here", "这是一个文件，但此处需要文件夹"),
    errno.EISDIR: ("this is a folder, but a file is needed here", "这是一个文件夹，但此处需要文件"),
    errno.ENOENT: ("the folder vanished while liaison was working in it (moved or deleted by another program)",
                   "文件夹在 liaison 写入时消失了（被其他程序移动或删除）"),
    errno.EEXIST: ("something of the same name is in the way", "此处已有同名的文件或文件夹"),
    errno.ENOTEMPTY: ("something of the same name is in the way", "此处已有同名的文件或文件夹"),
    errno.EIO: ("the disk reported an input/output error", "磁盘读写出错"),
    errno.ENAMETOOLONG: ("the path is too long for the file system", "路径过长"),
    errno.EMLINK: ("the folder holds too many entries", "文件夹中的条目过多"),
    errno.EMFILE: ("too many files are open", "打开的文件过多"),
    errno.ENFILE: ("too many files are open", "打开的文件过多"),
}


def reason_of(exc: OSError) -> tuple[str, str]:
    """Why the system refused, in English and in Chinese."""
    code = exc.errno or -1
    return _REASONS.get(code, (f"the system refused ({exc.strerror or exc})",
                               f"系统拒绝了该操作（{errno.errorcode.get(code, code)}）"))


def _fixes(code: int | None, where: str) -> tuple[str, str]:
    """What to do, naming ``where`` (the file or folder concerned)."""
    other, other_zh = "or choose another output folder", "或换一个输出文件夹"
    if code in (errno.ENOSPC, errno.EDQUOT):
        return (f"free some space on the disk holding {where} ({other}), then run the command again",
                f"请清理 {where} 所在磁盘的空间（{other_zh}），再重新运行")
    if code == errno.EACCES:
        return (f"give your user write permission on {where} (e.g. `chmod u+w {where}`), {other}",
                f"请让当前用户对 {where} 有写权限（如 `chmod u+w {where}`），{other_zh}")
    if code == errno.EPERM:
        return (f"check with `lsattr {where}`: an administrator clears the flag with `chattr -i`; {other}",
                f"请用 `lsattr {where}` 查看：管理员可用 `chattr -i` 解除；{other_zh}")
    if code == errno.EROFS:
        return (f"have the disk mounted read-write, {other}", f"请让管理员以可写方式挂载该磁盘，{other_zh}")
    if code in (errno.ENOTDIR, errno.EISDIR, errno.EEXIST, errno.ENOTEMPTY):
        return f"move {where} away, {other}", f"请把 {where} 移走，{other_zh}"
    if code == errno.ENOENT:
        return ("make sure no other program (a sync client, a clean-up job) moves or deletes the output folder, "
                "then run the command again",
                "请确认没有其他程序（同步盘、清理任务）移动或删除输出文件夹，再重新运行")
    if code == errno.EIO:
        return ("check the disk (it may be failing or disconnected), then run the command again",
                "请检查磁盘（可能已损坏或断开），再重新运行")
    if code == errno.ENAMETOOLONG:
        return "choose an output folder with a shorter path", "请换一个路径较短的输出文件夹"
    return (f"check the disk and the permissions of {where}, then run the command again",
            f"请检查磁盘和 {where} 的权限，再重新运行")


def system_error(exc: OSError, folders: YearFolders | None = None, *, file: str | None = None,
                 doing: tuple[str, str] = ("cannot write", "无法写入"), unchanged: bool = True) -> StorageError:
    """The one error for a failure of the system (an :class:`OSError`): what was refused and why, the
    path as the user knows it and what to do, in both languages. ``unchanged``: the caller guarantees
    that nothing was changed (the previous year is as it was)."""
    code = exc.errno
    named = file or exc.filename or (folders.root if folders else None)
    if code == errno.EPERM and exc.filename2 and os.path.lexists(exc.filename2):
        named = file or exc.filename2  # a rename onto an immutable file (or out of an immutable folder): that one
    shown = folders.shown(named) if folders is not None and named is not None else (str(named) if named else None)
    if code == errno.ENOTDIR and shown is not None:
        shown = _first_file(Path(shown)) or shown
    reason, reason_zh = reason_of(exc)
    where = shown or "."
    if code in (errno.EACCES, errno.EROFS) and shown is not None and not Path(shown).exists():
        where = str(_existing_parent(Path(shown)))  # it could not be made: the folder it goes in decides
    fix, fix_zh = _fixes(code, where)
    tail, tail_zh = ("; nothing was changed", "；未作任何修改") if unchanged else ("", "")
    error = StorageError(f"{doing[0]}: {reason}{tail}", file=shown, fix=fix,
                         message_zh=f"{doing[1]}：{reason_zh}{tail_zh}", fix_zh=fix_zh)
    error.errno = code
    return error


def _first_file(path: Path) -> str | None:
    """The first part of ``path`` that is a file (where a folder is needed)."""
    for parent in [*reversed(path.parents), path]:
        if parent.exists() and not parent.is_dir():
            return str(parent)
    return None


def _existing_parent(path: Path) -> Path:
    for parent in path.parents:
        if parent.exists():
            return parent
    return Path(".")
