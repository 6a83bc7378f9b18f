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
)


@app.callback()
def _root() -> None:
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
        print(f"audit: error: {exc}", file=sys.stderr)
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
        print(f"audit: internal error: {type(exc).__name__}: {exc} (set AUDIT_DEBUG=1 for a traceback)", file=sys.stderr)
        sys.exit(ExitCode.USAGE_ERROR)
