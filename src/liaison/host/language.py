"""The language the command speaks: chosen once per run, and used for every word it prints — its
``--help``, click's usage errors, the error lines, notes and tables (docs/cli.md, "The output's
language").

The rule: ``--lang zh|en`` anywhere on the command line; else the first of ``LC_ALL``,
``LC_MESSAGES`` and ``LANG`` that is set (the order POSIX gives them): a locale starting with ``zh``
speaks Chinese, any other language English; a locale naming no language (unset, ``C``, ``POSIX``,
as on Windows, in a container or a cron job) keeps the command's default, Chinese — the clerk the
command is written for.

This module is the plugins' too: a plugin adding commands (the ``register_commands`` hook) declares
them with :class:`Command`, :func:`option` and :data:`lang_option`, so they speak as the core's do.

A help text is written once, in both languages, where its option or command is declared
(``help=…, help_zh=…``); :class:`Option`, :class:`Command` and :class:`Group` read ``help`` in the
run's language when click renders it.

Click's own words ("Usage:", "Options", "Missing option", "No such option", "Invalid value for",
"Show this message and exit.") come from a gettext catalogue shipped beside this module
(``locale/zh/LC_MESSAGES/liaison-click.po`` and its ``.mo``). Click marks every one of its messages
for gettext and formats many from parts (a type's refusal inside "Invalid value for …", plural forms,
"Did you mean …"): translating at the source covers them all, where overriding click's exception
and help classes would mean matching its English text after the fact and would miss each message a
new click adds (the test names those). Click looks its words up in gettext's default domain, by the
environment's language, so :func:`click_speaks` points that domain at our catalogue and sets
``LANGUAGE`` only while click parses the command line and shows a message, then puts both back: the
command's own work (and any program it starts) sees the environment as it was.
"""

from __future__ import annotations

import contextlib
import gettext
import inspect
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

LANGUAGES = ("zh", "en")
#: The language when neither the command line nor the locale names one.
DEFAULT = "zh"
#: Our catalogue's gettext domain: click's words and nothing else.
DOMAIN = "liaison-click"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: ContextVar[str | None] = ContextVar("liaison_language", default=None)


def from_locale(environ: Mapping[str, str]) -> str:
    """The language the locale names: ``zh…`` → zh, another language → en, none → :data:`DEFAULT`."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "").strip()
        if value:
            language = value.split(".")[0].split("@")[0].split("_")[0].lower()
            if language in ("", "c", "posix"):
                return DEFAULT
            return "zh" if language == "zh" else "en"
    return DEFAULT


def from_command_line(args: Sequence[str]) -> str | None:
    """The last ``--lang zh|en`` (or ``--lang=…``) of the command line, before a ``--``; None without one
    (a value click will refuse is click's to report, in the locale's language)."""
    found = None
    for index, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and index + 1 < len(args):
            value: str | None = args[index + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        else:
            value = None
        if value in LANGUAGES:
            found = value
    return found


def chosen(args: Sequence[str], environ: Mapping[str, str]) -> str:
    return from_command_line(args) or from_locale(environ)


def current() -> str:
    """The run's language (the locale's outside a run: a command invoked without the group)."""
    return _current.get() or from_locale(os.environ)


def say(en: str, zh: str) -> str:
    """The sentence in the run's language."""
    return zh if current() == "zh" else en


@contextlib.contextmanager
def click_speaks(lang: str) -> Iterator[None]:
    """Click's words from our catalogue in ``lang`` for the duration, the process's gettext domain and
    ``LANGUAGE`` restored after (see the module's docstring for why gettext, and why so briefly)."""
    domain = gettext.textdomain()
    language = os.environ.get("LANGUAGE")
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = lang  # an English run finds no catalogue: click's own words
    try:
        yield
    finally:
        gettext.textdomain(domain)
        if language is None:
            os.environ.pop("LANGUAGE", None)
        else:
            os.environ["LANGUAGE"] = language


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def _clean_zh(text: str | None) -> str | None:
    """A Chinese help as written in the source, its paragraphs' lines joined as Chinese joins them:
    with no space beside a Chinese character (click would join them with one)."""
    if text is None:
        return None
    paragraphs = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        joined = ""
        for line in paragraph.splitlines():
            line = line.strip()
            gap = "" if not joined or _wide(joined[-1]) or _wide(line[:1] or "a") else " "
            joined += gap + line
        paragraphs.append(joined)
    return "\n\n".join(paragraphs)


def short_sentence(text: str, limit: int) -> str:
    """The first sentence of ``text`` (to its 。, or its ： when a list follows), cut with … to fit
    ``limit`` columns."""
    sentence = re.split("[。：]", text.split("\n\n")[0])[0]
    shown, width = "", 0
    for char in sentence:
        width += 2 if _wide(char) else 1
        if width > limit - 1:
            return shown + "…"
        shown += char
    return shown


class Bilingual:
    """``help`` read in the run's language: the Chinese where one was given, else the English."""

    _help_en: str | None = None
    help_zh: str | None = None

    @property
    def help(self) -> str | None:
        return self.help_zh if self.help_zh and current() == "zh" else self._help_en

    @help.setter
    def help(self, value: str | None) -> None:
        self._help_en = value


#: A unit of Chinese text a line may break before: click's bracketed note (``[默认：text]``), one wide
#: character, an ASCII word, or a space.
_UNITS = re.compile(r"\s+|\[[^\]\s]*\]|[^\s\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]+|.")
#: What may not start a line (避头): closing brackets and punctuation stay with what they close.
_NO_LINE_START = frozenset("，。、；：？！）】」』》”’…")


def display_width(text: str) -> int:
    return sum(2 if _wide(char) else 1 for char in text)


def wrap_wide(text: str, width: int) -> list[str]:
    """``text``'s lines at most ``width`` columns wide, a Chinese character counted as two and a line
    broken between any two of them (click's wrapping counts characters and breaks only at spaces: a
    Chinese help overflowed the terminal, and a long run was cut inside an ASCII word)."""
    lines: list[str] = []
    for paragraph in text.split("\n\n"):
        line: list[str] = []  # its units, a space kept as " "
        space = False
        for unit in _UNITS.findall(paragraph):
            if unit.isspace():
                space = bool(line)
                continue
            added = [*line, *([" "] if space else []), unit]
            space = False
            if not line or display_width("".join(added)) <= width:
                line = added
            elif unit[0] not in _NO_LINE_START:
                lines.append("".join(line))
                line = [unit]
            else:  # the units before it go down with it, from the last one a line may start with
                start = len(line) - 1
                while start > 0 and (line[start] == " " or line[start][0] in _NO_LINE_START):
                    start -= 1
                if start > 0:
                    lines.append("".join(line[:start]).rstrip())
                    line = added[start:]
                else:
                    line = added
        lines += ["".join(line), ""]
    return lines[:-1]


class Formatter(click.HelpFormatter):
    """Click's help layout, with Chinese text wrapped by :func:`wrap_wide`; English as click wraps it."""

    def write_text(self, text: str) -> None:
        if not any(_wide(char) for char in text):
            return super().write_text(text)
        indent = " " * self.current_indent
        self.write("\n".join(indent + line if line else "" for line in wrap_wide(text, self.width - len(indent))))
        self.write("\n")
        return None

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        if not any(_wide(char) for _, second in rows for char in second):
            return super().write_dl(rows, col_max, col_spacing)
        first_col = min(max(display_width(first) for first, _ in rows), col_max) + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            lines = wrap_wide(second, max(self.width - first_col - self.current_indent, 10))
            self.write(lines[0] + "\n")
            for line in lines[1:]:
                self.write(" " * (first_col + self.current_indent) + line + "\n")
        return None


class Context(click.Context):
    formatter_class = Formatter


class Speaking:
    """A command's ``--help`` option in the run's language: click makes it once, with its words
    translated then, and keeps it (a later run in the other language would show the first's words)."""

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        found: click.Option | None = super().get_help_option(ctx)  # type: ignore[misc]
        if found is not None:
            found.help = gettext.gettext("Show this message and exit.")  # in click_speaks: the run's language
        return found

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        with click_speaks(current()):  # parsing: --help, --version and click's refusals
            context: click.Context = super().make_context(info_name, args, parent, **extra)  # type: ignore[misc]
            return context


class Option(Bilingual, click.Option):
    def __init__(self, *args: Any, help_zh: str | None = None, **kwargs: Any) -> None:
        self.help_zh = _clean_zh(help_zh)
        super().__init__(*args, **kwargs)


class Command(Speaking, Bilingual, click.Command):
    context_class = Context
    def __init__(self, *args: Any, help_zh: str | None = None, **kwargs: Any) -> None:
        self.help_zh = _clean_zh(help_zh)
        super().__init__(*args, **kwargs)

    def get_short_help_str(self, limit: int = 45) -> str:
        """In Chinese, the first sentence, cut to the columns it fills (a Chinese character fills two)."""
        if self.short_help or not self.help_zh or current() != "zh":
            return super().get_short_help_str(limit)
        return short_sentence(self.help_zh, limit)


class Group(Speaking, Bilingual, click.Group):
    """The ``liaison`` group: it chooses the run's language before click reads the command line, and
    shows click's refusals and an interrupt in it."""

    command_class = Command
    context_class = Context

    def __init__(self, *args: Any, help_zh: str | None = None, **kwargs: Any) -> None:
        self.help_zh = _clean_zh(help_zh)
        super().__init__(*args, **kwargs)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        with click_speaks(current()):  # "No such command"
            return super().resolve_command(ctx, args)

    def main(self, args: Sequence[str] | None = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        token = _current.set(chosen(list(sys.argv[1:] if args is None else args), os.environ))
        try:
            try:  # args as given: None lets click read (and on Windows expand) the process's own
                result = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
            except click.ClickException as exc:
                if not standalone_mode:
                    raise
                if current() == "zh":
                    exc.format_message = _chinese_stops(exc.format_message)  # type: ignore[method-assign]
                with click_speaks(current()):
                    exc.show()
                sys.exit(exc.exit_code)
            except (click.Abort, KeyboardInterrupt):  # Ctrl-C: click turns it into Abort on the way out
                if not standalone_mode:
                    raise
                click.echo(say("Interrupted", "已中断"), err=True)
                sys.exit(130)  # 128 + SIGINT, as a shell reports a program interrupted
            if standalone_mode:
                sys.exit(result if isinstance(result, int) and not isinstance(result, bool) else 0)
            return result
        finally:
            _current.reset(token)


def _chinese_stops(message: Callable[[], str]) -> Callable[[], str]:
    """Click ends some messages with a full stop of its own, outside the translated words ("Missing
    option '--issuer'."), and puts a space before its "Did you mean": in Chinese, 。 and no space."""

    def said() -> str:
        text = message().replace("。 （", "。（")
        return text[:-1] + "。" if text.endswith(".") else text

    return said


def option(*decls: str, help: str, help_zh: str, **kwargs: Any) -> Callable[[F], F]:
    """``click.option`` with its help in both languages."""
    return click.option(*decls, cls=Option, help=help, help_zh=help_zh, **kwargs)


#: ``--lang`` of every command, the core's and the plugins' (it may stand before or after the command's name).
lang_option = option("--lang", type=click.Choice(["zh", "en"]), default=current,
                     help="The language of everything printed: help, tables, notes, errors. Default: the locale's "
                          "(LC_ALL, LC_MESSAGES or LANG: zh_* Chinese, another language English), else Chinese.",
                     help_zh="输出的语言：帮助、表格、提示和错误信息。默认按系统的区域设置（LC_ALL、LC_MESSAGES "
                             "或 LANG：zh_* 为中文，其他语言为英文），未设置时为中文。")


def error_line(text: str, lang: str) -> str:
    """A refusal as printed: ``错误: …`` or ``error: …``."""
    return f"{'错误' if lang == 'zh' else 'error'}: {text}"
