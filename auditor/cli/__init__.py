"""The `audit` command: a thin Typer layer over the Python API, one module per command.

Exit codes: 0 passed, 1 the gate failed, 2 usage, configuration, input or internal error, 3 not counterparts.
In machine formats stdout carries only that format; every message goes to stderr.
"""

from __future__ import annotations

import os
import sys

import typer

from auditor.cli import batch, calibrate, compare, match
from auditor.errors import AuditError, ExitCode

app = typer.Typer(
    name="audit",
    help="Audit machine-translated text against its clean counterpart: align sentence by sentence "
    "and flag every mistranslation.\n\nExit codes: 0 the gate passed, 1 the gate failed, 2 usage, configuration, "
    "input or internal error, 3 the documents are not counterparts, 130 interrupted.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: '[ray]' stays literal text, flags show click's metavars
)


def _show_version(value: bool) -> None:
    if value:
        from auditor.version import __version__

        print(f"audit (auditor) {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Audit machine-translated text against its clean counterpart."""


for _command in (compare.compare, batch.batch, match.match, calibrate.calibrate):  # in the order `audit --help` lists them
    app.command()(_command)


def main() -> None:
    """Console entry point: user errors become one line and exit 2; so does a crash, never 0 or 1."""
    try:
        code = app(standalone_mode=False)  # click returns the code of a typer.Exit here
        if code == ExitCode.INTERRUPTED:  # Typer turns Ctrl-C inside a command into Exit(130)
            print("audit: interrupted", file=sys.stderr)
        sys.exit(code if isinstance(code, int) else 0)
    except AuditError as exc:
        from auditor.render.safe_text import visible

        print(f"audit: error: {visible(str(exc))}", file=sys.stderr)  # quoted names and ids escaped
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("audit: interrupted", file=sys.stderr)
        sys.exit(ExitCode.INTERRUPTED)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        exc.show()  # type: ignore[attr-defined]
        sys.exit(ExitCode.USAGE_ERROR)
    except Exception as exc:  # a crash must not look like a pass or a failed gate
        if os.environ.get("AUDIT_DEBUG"):
            raise
        from auditor.render.safe_text import visible

        print(f"audit: internal error: {type(exc).__name__}: {visible(str(exc))} (set AUDIT_DEBUG=1 for a traceback)", file=sys.stderr)
        sys.exit(ExitCode.USAGE_ERROR)
