"""``liaison upgrade FILE [--write]``: a district, records or events file of an older format in the
current one. The work is :func:`liaison.upgrade_file` (text in, text and notes out); here are the
edge's parts: reading the file, printing, and replacing it without ever leaving half a file."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import click

from liaison.base.errors import DataError
from liaison.host.language import lang_option, option
from liaison_cli.app import cli, handle_errors


@cli.command(help_zh="""
    把旧格式的区数据、记录或活动文件升级为当前格式，保留文件的注释和顺序。输出升级后的文件
    （加 --write 时替换 FILE），并在标准错误输出上列出改了什么、需要您核对或处理什么。
    结果能加载时退出状态为 0，还有需要您处理的地方时为 1（逐处列出）。
    """)
@click.argument("file", type=click.Path(dir_okay=False))
@option("--write", is_flag=True,
        help="Replace FILE with the upgraded file (atomically), keeping the original beside it as FILE.orig.",
        help_zh="用升级后的文件替换 FILE（整体替换），原文件另存为 FILE.orig。")
@lang_option
@handle_errors
def upgrade(file: str, write: bool, lang: str) -> None:
    """Bring a district, records or events file of an older format to the current one, keeping its
    comments and order. Prints the upgraded file (or, with --write, replaces FILE) and, on stderr,
    what was changed and what you must check or do. Exit 0 when the result loads, 1 when something
    is left for you (each place named)."""
    from liaison.formats.syntax import read_file
    from liaison.formats.upgrade import upgrade_file

    original = read_file(file)
    result = upgrade_file(original, file=file)
    for note in result.notes:
        click.echo(note.render(lang), err=True)
    left = () if result.remaining is None else (result.remaining.problems or (result.remaining,))
    for problem in left:
        click.echo(f"{'待办' if lang == 'zh' else 'to do'}: {problem.render(lang)}", err=True)
    if not write:
        sys.stdout.write(result.text)
        sys.stdout.flush()
    elif result.changed:
        kept = _replace(Path(file), original, result.text.encode("utf-8"))
        wrote = f"已写入 {file}（原文件保存为 {kept}）" if lang == "zh" else f"wrote {file} (the original is {kept})"
        click.echo(wrote, err=True)
    click.echo(result.summary(lang), err=True)
    if not result.complete:
        sys.exit(1)


def _replace(path: Path, original: bytes, data: bytes) -> Path:
    """``path`` holds ``data``, its old bytes kept beside it (``FILE.orig``, or ``FILE.orig.N`` when an
    earlier upgrade's copy is there): each written to a temporary file, flushed to disk and renamed, so
    a crash leaves the old file or the new one, never half of either. A link is followed: its target
    is upgraded."""
    from liaison_workspace import write_atomic

    target = Path(os.path.realpath(path))
    kept = target.with_name(target.name + ".orig")
    number = 0
    while kept.exists() or kept.is_symlink():
        number += 1
        kept = target.with_name(f"{target.name}.orig.{number}")
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
        write_atomic(kept, original)
        write_atomic(target, data)
        os.chmod(target, mode)  # the file keeps who may read and write it
    except OSError as exc:
        raise DataError(f"cannot write the upgraded file: {exc.strerror}", file=str(path),
                        fix="check the folder's permissions and free space; the file is unchanged",
                        message_zh=f"无法写入升级后的文件：{exc.strerror}",
                        fix_zh="请检查文件夹的权限和剩余空间；原文件未改动") from None
    return kept if path.is_symlink() else path.with_name(kept.name)
