"""The `audit` command: a thin Typer layer over the Python API.

Exit codes: 0 passed, 1 the gate failed, 2 usage, input or internal error, 3 not counterparts.
"""

from __future__ import annotations

import os
import sys
from enum import Enum
from pathlib import Path
from typing import Optional

import typer

from .errors import AuditError, ExitCode
from .files import write_atomic

app = typer.Typer(
    name="audit",
    help="Audit machine-translated text against its clean counterpart: align sentence by sentence "
    "and flag every mistranslation.\n\nExit codes: 0 passed, 1 gate failed, 2 usage/input/internal "
    "error, 3 the documents are not counterparts.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(str, Enum):
    table = "table"
    json = "json"


class Device(str, Enum):
    cpu = "cpu"
    cuda = "cuda"
    mps = "mps"
    auto = "auto"


@app.callback()
def _root() -> None:
    """Audit machine-translated text against its clean counterpart."""


@app.command()
def compare(
    candidate: str = typer.Argument(..., help="Candidate (machine-translated) text: a file path or a seed id such as 000."),
    reference: str = typer.Argument(..., help="Reference (clean) text: a file path or a seed id such as 001."),
    corpus: Path = typer.Option(Path("seeds"), "--corpus", help="Folder where seed ids are looked up."),
    model: Optional[str] = typer.Option(None, "--model", help="Local sentence-transformers model folder (default: bundled all-MiniLM-L6-v2)."),
    output_format: OutputFormat = typer.Option(OutputFormat.table, "--format", "-f", help="table for people, json for machines."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the output to this file instead of stdout."),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Folder of an on-disk embedding cache (keyed by model and text hash), shared by repeated and concurrent runs."),
    device: Device = typer.Option(Device.cpu, "--device", help="Where the model runs; auto takes cuda, then mps, then cpu."),
) -> None:
    """Align CANDIDATE with REFERENCE sentence by sentence and report what does not match."""
    from .api import Auditor
    from .terminal import render

    result = Auditor(model=model, device=device.value, cache=cache).compare_files(candidate, reference, corpus)
    text = result.to_json() if output_format is OutputFormat.json else render(result)
    if output:
        write_atomic(output, text)
    else:
        sys.stdout.write(text)
    if result.summary.verdict == "not_counterparts":
        raise typer.Exit(ExitCode.NOT_COUNTERPARTS)
    if result.summary.verdict == "fail":
        raise typer.Exit(ExitCode.GATE_FAILED)


def main() -> None:
    """Console entry point: user errors become one line and exit 2; so does a crash, never 0 or 1."""
    try:
        code = app(standalone_mode=False)  # click returns the code of a typer.Exit here
        sys.exit(code if isinstance(code, int) else 0)
    except AuditError as exc:
        print(f"audit: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        print("audit: interrupted", file=sys.stderr)
        sys.exit(ExitCode.USAGE_ERROR)
    except typer.TyperException as exc:  # usage errors: bad option, missing argument
        exc.show()  # type: ignore[attr-defined]
        sys.exit(ExitCode.USAGE_ERROR)
    except Exception as exc:  # a crash must not look like a pass or a failed gate
        if os.environ.get("AUDIT_DEBUG"):
            raise
        print(f"audit: internal error: {type(exc).__name__}: {exc} (set AUDIT_DEBUG=1 for a traceback)", file=sys.stderr)
        sys.exit(ExitCode.USAGE_ERROR)
