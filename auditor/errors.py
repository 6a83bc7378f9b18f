"""Errors a user can cause, each with the exit code the CLI returns for it."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Process exit codes, in the linter family (ruff, mypy, click)."""

    PASSED = 0
    GATE_FAILED = 1
    USAGE_ERROR = 2
    NOT_COUNTERPARTS = 3
    INTERRUPTED = 130  # Ctrl-C: 128 + SIGINT, as shells report it


class AuditError(Exception):
    """A problem with the user's input or options: reported in one line, never as a traceback."""

    exit_code = ExitCode.USAGE_ERROR


class InputError(AuditError):
    """A document cannot be found, read or decoded."""


class ModelError(AuditError):
    """The embedding model cannot be loaded."""
