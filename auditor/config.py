"""Project configuration: `[tool.audit]` in pyproject.toml, or an audit.toml, found from the current folder upward.

Precedence: command-line options > the configuration file > built-in defaults. Paths in the file
(corpus, model) are relative to the file's folder.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
import math
from pathlib import Path
from typing import Any

from auditor.verdict.baseline import Baseline
from auditor.domain import DEFAULT_FAIL_ON, SEVERITIES, FailOn
from auditor.detect.glossary import GlossaryEntry
from auditor.detect.policy import SeverityPolicy, is_policy_name
from auditor.pipeline.embed import DEFAULT_MODEL, BACKENDS
from auditor.errors import AuditError
from auditor.io.load import DEFAULT_CORPUS, Limits
from auditor.io.storage import READ_TIMEOUT
from auditor.verdict.score import DEFAULT_MIN_COVERAGE, ScoreOptions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib


CONFIG_NAMES = ("audit.toml", "pyproject.toml")
KEYS = ("fail-on", "max-penalty", "min-coverage", "min-score", "policy", "read-timeout", "model", "encoder", "corpus", "accepted-wording", "glossary")
GLOSSARY_KEYS = ("term", "required", "forbidden", "severity")


class ConfigError(AuditError):
    """A configuration file that cannot be read or says something invalid."""


@dataclass(frozen=True)
class Config:
    """Every setting a comparison takes from the configuration file, with the built-in defaults."""

    fail_on: str = DEFAULT_FAIL_ON.value
    max_penalty: float | None = None
    min_coverage: float | None = DEFAULT_MIN_COVERAGE
    read_timeout: float = READ_TIMEOUT  # seconds a remote document or manifest may take to read
    min_score: float | None = None  # None: the policy's fitted minimum score; 0: no score gate
    policy: str | Path | None = None  # a shipped policy's name or a policy file from `audit calibrate`; None: the shipped fitted policy
    model: str | None = None
    encoder: str | None = None  # auto, onnx or torch (see embed.resolve_backend)
    corpus: Path = DEFAULT_CORPUS
    accepted_wording: tuple[tuple[str, str], ...] = ()
    glossary: tuple[GlossaryEntry, ...] = ()

    def override(self, **options: Any) -> "Config":
        """These settings with every option that was given (not None) taking precedence."""
        return replace(self, **{k: v for k, v in options.items() if v is not None})

    def severity_policy(self) -> SeverityPolicy:
        return SeverityPolicy.named(self.policy) if self.policy is not None else SeverityPolicy.default()

    def score_options(self, policy: SeverityPolicy | None = None) -> ScoreOptions:
        """The gate: the minimum score, unless set, is the policy's fitted one (`gate.min_score` in its file)."""
        min_score = self.min_score if self.min_score is not None else (policy or self.severity_policy()).min_score
        return ScoreOptions(fail_on=self.fail_on, max_penalty=self.max_penalty, min_coverage=self.min_coverage, min_score=min_score)


def find_config(start: Path) -> tuple[Path, dict] | None:
    """The nearest audit.toml, or pyproject.toml with a [tool.audit] table, in `start` or a folder
    above it, with its parsed contents."""
    for folder in (start.resolve(), *start.resolve().parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                data = _read(candidate)
                if name == "audit.toml" or "audit" in data.get("tool", {}):
                    return candidate, data
    return None


def load_config(path: Path | None = None, start: Path | None = None) -> Config:
    """Settings from `path`, or from the file `find_config` finds; the defaults when there is none."""
    if path is not None and not Path(path).is_file():
        raise ConfigError(f"{path}: no such configuration file")
    found = (Path(path), _read(Path(path))) if path is not None else find_config(start or Path.cwd())
    if found is None:
        return Config()
    path, data = found
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("audit", {})
        where = "[tool.audit]"
    else:
        table, where = data, "the top level"
    return _parse(table, path, where)


def _read(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))  # a BOM (as Windows editors write) is no error
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not valid UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML ({exc})") from None


def _parse(table: Any, path: Path, where: str) -> Config:
    """Check every key and value; the first problem is an error naming the file and the key."""

    def fail(message: str) -> ConfigError:
        return ConfigError(f"{path}: {message}")

    if not isinstance(table, dict):
        raise fail(f"{where} must be a table")
    unknown = sorted(set(table) - set(KEYS))
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' in {where} (known: {', '.join(KEYS)})")
    settings: dict[str, Any] = {}
    if "fail-on" in table:
        settings["fail_on"] = _choice(table["fail-on"], tuple(FailOn), "fail-on", fail)
    if "max-penalty" in table:
        settings["max_penalty"] = _number(table["max-penalty"], "max-penalty", fail, 0.0, None)
    if "encoder" in table:
        settings["encoder"] = _choice(table["encoder"], BACKENDS, "encoder", fail)
    if "min-coverage" in table:
        settings["min_coverage"] = _number(table["min-coverage"], "min-coverage", fail, 0.0, 1.0)
    if "read-timeout" in table:
        settings["read_timeout"] = _number(table["read-timeout"], "read-timeout", fail, 0.0, None, positive=True)
    if "min-score" in table:
        settings["min_score"] = _number(table["min-score"], "min-score", fail, 0.0, 100.0)
    if "policy" in table:
        if not isinstance(table["policy"], str) or not table["policy"].strip():
            raise fail("policy must be a non-empty string (a shipped policy's name or a policy file)")
        settings["policy"] = table["policy"] if is_policy_name(table["policy"]) else path.parent / table["policy"]
    for key in ("model", "corpus"):
        if key in table and (not isinstance(table[key], str) or not table[key].strip()):
            raise fail(f"{key} must be a non-empty string (a folder)")
    if "corpus" in table:
        settings["corpus"] = path.parent / table["corpus"]
    if "model" in table:
        settings["model"] = table["model"] if table["model"] == DEFAULT_MODEL else str(path.parent / table["model"])
    if "accepted-wording" in table:
        pairs = table["accepted-wording"]
        if not isinstance(pairs, list) or not all(_is_pair(p) for p in pairs):
            raise fail('accepted-wording must be a list of pairs of words, e.g. [["amnesty", "pardon"]]')
        settings["accepted_wording"] = tuple((a, b) for a, b in pairs)
    if "glossary" in table:
        entries = table["glossary"]
        if not isinstance(entries, list):
            raise fail("glossary must be an array of tables ([[tool.audit.glossary]] or [[glossary]])")
        settings["glossary"] = tuple(_glossary_entry(e, k, fail) for k, e in enumerate(entries, 1))
    return Config(**settings)


def _choice(value: Any, choices: tuple[str, ...], key: str, fail) -> str:
    if value not in choices:
        raise fail(f"{key} must be one of {', '.join(choices)} (got {value!r})")
    return value


def _number(value: Any, key: str, fail, low: float, high: float | None, positive: bool = False) -> float:
    """A finite number in range, checked like its command-line option: NaN compares false with
    every bound, so it is refused by name, as is inf."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or value < low or (positive and value <= low) or (high is not None and value > high):
        bounds = f"between {low:g} and {high:g}" if high is not None else f"{'above' if positive else 'at least'} {low:g}"
        raise fail(f"{key} must be a finite number {bounds} (got {value!r})")
    return float(value)


def _is_pair(value: Any) -> bool:
    return _strings(value) and len(value) == 2


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(w, str) and w.strip() for w in value)


def _glossary_entry(entry: Any, number: int, fail) -> GlossaryEntry:
    where = f"glossary entry {number}"
    if not isinstance(entry, dict):
        raise fail(f"{where} must be a table")
    unknown = sorted(set(entry) - set(GLOSSARY_KEYS))
    if unknown:
        raise fail(f"unknown key '{unknown[0]}' in {where} (known: {', '.join(GLOSSARY_KEYS)})")
    term = entry.get("term")
    if not isinstance(term, str) or not term.strip():
        raise fail(f"{where} needs a term (the reference's wording)")
    for key in ("required", "forbidden"):
        if key in entry and not _strings(entry[key]):
            raise fail(f"{key} of {where} ({term!r}) must be a list of non-empty strings")
    if not entry.get("required") and not entry.get("forbidden"):
        raise fail(f"{where} ({term!r}) needs required or forbidden renderings")
    severity = _choice(entry.get("severity", "major"), SEVERITIES, f"severity of {where}", fail)
    return GlossaryEntry(term, tuple(entry.get("required", ())), tuple(entry.get("forbidden", ())), severity)
