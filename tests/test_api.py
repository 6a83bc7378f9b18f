"""The Python API reads like the README: its example runs and gives the CLI's findings."""

from __future__ import annotations

import contextlib
import io
import json
import re

import pytest
from conftest import ROOT, SEEDS

from auditor.config import Config
from auditor.detect.glossary import GlossaryEntry


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"<!-- api-example -->\n```python\n(.*?)```", text, re.S)
    assert match, "the README lost its API example"
    return match.group(1)


def test_the_readme_example_gives_the_cli_findings(cli, monkeypatch):
    monkeypatch.chdir(ROOT)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(readme_example(), "README.md", "exec"), {})
    printed = out.getvalue().splitlines()
    data = json.loads(cli("compare", "000", "001", "--fail-on", "critical", "-f", "json").stdout)
    expected = [f"{f['id']} {f['severity']} {f['category']} {f['message']}" for f in data["findings"]]
    assert printed[:-1] == expected and len(expected) > 10
    assert printed[-1] == data["summary"]["verdict"] == "fail"


def test_compare_takes_every_cli_setting(auditor):
    candidate = "The committee approved the budget of 12 million dollars on Monday. It met in Paris."
    reference = "The committee approved the budget of 15 million dollars on Monday. It met in Paris."
    import auditor as package

    strict = package.compare(candidate, reference, config=Config(), max_penalty=0.5, min_coverage=1.0, fail_on="never", min_score=99.0, policy="mqm-zhen")
    assert strict.summary.options.gate_dict() == {"fail_on": "never", "max_penalty": 0.5, "min_coverage": 1.0, "min_score": 99.0}
    assert strict.signature.policy["name"] == "mqm-zhen" and "score " in " ".join(strict.summary.reasons)
    assert strict.summary.verdict == "fail" and strict.summary.reasons[0].startswith("penalty ")
    glossary = [GlossaryEntry("committee", required=("panel",))]
    checked = package.Auditor.from_config(Config(), glossary=glossary, accepted_wording=[("Paris", "Lyon")])
    assert checked.glossary == tuple(glossary) and checked.accepted_wording == (("Paris", "Lyon"),)
    assert any(f.category == "terminology" for f in checked.compare(candidate, reference).findings)
    with pytest.raises(TypeError, match="unknown option 'fail'"):
        package.Auditor.from_config(Config(), fail="major")


def test_compare_files_and_the_configuration_file(tmp_path):
    import auditor as package

    config = tmp_path / "audit.toml"
    config.write_text('fail-on = "never"\nmax-penalty = 1000\nmin-coverage = 0\nmin-score = 0\n', encoding="utf-8")
    checker = package.Auditor.from_config(config)
    result = checker.compare_files("000", "001", SEEDS)
    assert result.summary.options.gate_dict() == {"fail_on": "never", "max_penalty": 1000.0, "min_coverage": 0.0, "min_score": 0.0}
    assert result.summary.verdict == "incomplete"
