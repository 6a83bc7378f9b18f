"""The severity policies: the rule table, the shipped fitted pair-risk policy (the default, evaluated
without scikit-learn), its file, and `audit calibrate`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.detect import DetectorSet, SeverityPolicy
from auditor.detect.features import PAIR_FEATURES
from auditor.detect.policy import DEFAULT_SEVERITIES, POLICIES, PolicyError, policy_json
from detect_context import make_context, outcomes

ROOT = Path(__file__).resolve().parent.parent
FITTED = SeverityPolicy.named("mqm-zhen")


def test_the_default_policy_is_the_fitted_one_and_the_rule_table_is_its_base(auditor):
    assert auditor.detectors.policy == FITTED and FITTED.identity == "mqm-zhen-1"
    table = SeverityPolicy()
    assert table.identity == "rules-2" and SeverityPolicy.named("rules") == table
    assert FITTED.data["table"] == table.data["table"]  # the fitted policy caps the table's severities, it does not invent its own
    assert table.settings(DEFAULT_SEVERITIES) == {r: None if s is None else s.value for r, s in sorted(DEFAULT_SEVERITIES.items())}
    assert DEFAULT_SEVERITIES["meaning.sentence"] is None  # the sentence-level proposal is the fitted policy's alone


def test_the_fitted_policy_is_named_versioned_and_written_the_one_way():
    assert (POLICIES / "mqm-zhen.json").read_text(encoding="utf-8") == policy_json(FITTED.data)
    assert set(FITTED.data["risk"]["weights"]) == set(PAIR_FEATURES)
    t = FITTED.thresholds
    assert 0 < t["major"] <= t["critical"] < 1


@pytest.mark.parametrize("policy", [SeverityPolicy(), FITTED], ids=["rules", "mqm-zhen"])
def test_a_changed_numeral_and_a_respelled_name_stay_critical(policy):
    """The one change in an otherwise identical sentence keeps its rule's severity under either policy."""
    found = outcomes("The plant employs 450 people.", "The plant employs 480 people.", ["number"], policy=policy)
    assert found == [("number", "critical", "450", "480")]
    found = outcomes("The lawyer Alexei Tabarov said so.", "The lawyer Alexei Tabalov said so.", ["name"], policy=policy)
    assert found == [("name", "critical", "Tabarov", "Tabalov")]


def test_only_fact_rules_can_be_critical():
    """A clause added to a sentence is at most major whatever its pair looks like."""
    cand = "The council approved the plan after a long night of angry debate between all the members."
    found = DetectorSet.build(names=["content"], policy=FITTED).run(make_context(cand, "The council approved the plan."))
    assert found and all(f.severity != "critical" for f in found)


def test_hand_fixed_rules_win_over_the_model():
    cand, ref = "It cost 5 dollars.", "It cost 6 dollars."
    assert outcomes(cand, ref, ["number"], policy=FITTED.replaced({"number.changed": "minor"})) == [("number", "minor", "5", "6")]
    assert outcomes(cand, ref, ["number"], policy=FITTED.replaced({"number.changed": None})) == []


PARAPHRASED = ("The firm said on Monday that 300 workers would lose their jobs at the plant this year.",
               "On Monday the company said 200 employees at the factory would be laid off this year.")


@pytest.mark.parametrize("similarity, expected", [(0.97, "major"), (0.2, "critical")])
def test_the_same_change_is_milder_in_a_pair_that_reads_closer(similarity, expected):
    """A changed figure inside a paraphrased pair: the rule says critical; the pair's risk decides."""
    context = make_context(*PARAPHRASED)
    object.__setattr__(context.alignment.beads[0], "similarity", similarity)
    detectors = DetectorSet.build(policy=FITTED)
    risk = FITTED.pair_risks(detectors.propose(context), context)[0]
    assert (risk >= FITTED.thresholds["critical"]) == (expected == "critical") and risk >= FITTED.thresholds["major"]
    numbers = [(f.candidate_text, f.severity) for f in detectors.run(context) if f.category == "number"]
    assert numbers == [("300", expected)]


def test_a_sentence_level_finding_stands_exactly_where_its_pair_risk_is_major_and_the_risk_falls_with_similarity():
    risks = []
    for similarity in (0.05, 0.2, 0.5, 0.9):
        context = make_context("The cat sat on the mat near the door.", "Stocks fell sharply in early trading on Monday.")
        object.__setattr__(context.alignment.beads[0], "similarity", similarity)
        proposals = DetectorSet.build(names=["similarity"]).propose(context)
        (risk,) = FITTED.pair_risks(proposals, context).values()
        risks.append(risk)
        assert [p.rule for p in proposals] == ["meaning.sentence"]
        assert FITTED.decide_all(proposals, context) == ["major" if risk >= FITTED.thresholds["major"] else None]
        assert [SeverityPolicy().decide(p) for p in proposals] == [None]  # the table does not report it
    assert risks == sorted(risks, reverse=True) and risks[0] > risks[-1]


def test_evaluating_a_policy_needs_no_scikit_learn():
    code = (
        "import sys; from auditor.detect import SeverityPolicy, DetectorSet; "
        "sys.path.insert(0, 'tests'); from detect_context import outcomes; "
        "assert outcomes('It cost 5 dollars.', 'It cost 6 dollars.', ['number'], policy=SeverityPolicy.named('mqm-zhen')); "
        "assert 'sklearn' not in sys.modules and 'scipy' not in sys.modules, sorted(m for m in sys.modules if 'sk' in m)"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, env={"PYTHONPATH": str(ROOT), "PATH": ""})


def test_an_unknown_policy_name_is_refused_naming_the_shipped_ones():
    with pytest.raises(PolicyError, match="nosuch: no such policy \\(shipped: rules, mqm-zhen;"):
        SeverityPolicy.named("nosuch")


@pytest.mark.parametrize("content, message", [("{", "not a severity policy"), ('{"format": 9}', "format must be 2")])
def test_a_bad_policy_file_is_refused_naming_it(tmp_path, content, message):
    path = tmp_path / "policy.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PolicyError, match=message):
        SeverityPolicy.load(path)


# --- calibrate on a small hand-written annotation file ------------------------------------------

def _annotated_pairs() -> list[dict]:
    """A made-up newsroom whose reviewers never mind a changed head count in a reworded sentence but
    always mark a changed verb as a major error (a hand-written fixture, not MQM data)."""
    verbs = [("rose", "fell"), ("won", "lost"), ("opened", "closed"), ("hired", "fired"), ("bought", "sold"), ("started", "ended"),
             ("gained", "dropped"), ("grew", "shrank"), ("accepted", "refused"), ("passed", "failed")]
    pairs = []
    for k, (ref_verb, cand_verb) in enumerate(verbs):
        ref = f"Shares of the firm {ref_verb} sharply on Monday.\nThe board of {k + 3} members met on Tuesday in the capital."
        cand = f"Shares of the firm {cand_verb} sharply on Monday.\nThat Tuesday the {k + 13}-member board gathered in the capital city."
        at = cand.index(cand_verb)
        pairs.append({
            "doc_id": f"p{k}", "candidate": cand, "reference": ref, "mqm_per_word": 0.5 + k,
            "errors": [{"doc_char_start": at, "doc_char_end": at + len(cand_verb), "severity": "Major"}],
        })
    return pairs


def test_calibrate_fits_a_policy_on_a_small_annotated_file_and_it_changes_a_severity(cli, tmp_path):
    annotations = tmp_path / "reviews.jsonl"
    annotations.write_text("".join(json.dumps(p) + "\n" for p in _annotated_pairs()), encoding="utf-8")
    first, second = tmp_path / "policy.json", tmp_path / "again.json"
    assert cli("calibrate", str(annotations), "--output", str(first), "--name", "newsroom").returncode == 0
    assert cli("calibrate", str(annotations), "--output", str(second), "--name", "newsroom").returncode == 0
    assert first.read_bytes() == second.read_bytes()  # reproducible byte for byte
    custom = SeverityPolicy.load(first)
    assert custom.identity == "newsroom-1" and custom.data["trained_on"]["pairs"] == 10
    cand = "That Tuesday the 45-member board gathered in the capital city."
    ref = "The board of 35 members met on Tuesday in the capital."
    def numbers(policy):
        return [(f.candidate_text, f.severity) for f in DetectorSet.build(policy=policy).run(make_context(cand, ref)) if f.category == "number"]

    assert numbers(FITTED) == [("45", "critical")]  # a changed figure, says the shipped policy
    assert numbers(custom) == [("45", "minor")]  # these reviewers do not mind it
    config = tmp_path / "audit.toml"
    config.write_text('policy = "policy.json"\n', encoding="utf-8")
    (tmp_path / "c.txt").write_text(cand + "\n", encoding="utf-8")
    (tmp_path / "r.txt").write_text(ref + "\n", encoding="utf-8")
    result = cli("compare", str(tmp_path / "c.txt"), str(tmp_path / "r.txt"), "--config", str(config), "--format", "json")
    signature = json.loads(result.stdout)["tool"]["signature"]
    assert signature["policy"]["name"] == "newsroom" and f"|policy:newsroom-1@{custom.file_hash}" in signature["line"]


def test_calibrate_refuses_a_file_that_is_not_annotations(cli, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"candidate": "x"}\n', encoding="utf-8")
    result = cli("calibrate", str(bad), "--output", str(tmp_path / "p.json"))
    assert result.returncode == 2 and "bad.jsonl:1: not an annotated pair" in result.stderr


# --- the document score and its gate ------------------------------------------------------------

def test_the_penalty_counts_checked_findings_over_checked_words_and_the_rest_apart(seed_pair):
    from auditor.verdict.score import PENALTY_POINTS

    s = seed_pair.summary
    beads = seed_pair.alignment.beads
    checked = [f for f in seed_pair.findings if f.alignment is not None and beads[f.alignment].aligned]
    assert s.penalty == pytest.approx(100 * sum(PENALTY_POINTS[f.severity] for f in checked) / s.checked_words)
    assert s.unchecked["findings"] == len(seed_pair.findings) - len(checked) > 0
    assert 0 < s.score < 100 and s.to_dict()["score"] == round(s.score, 2)


@pytest.mark.parametrize("minimum, fails", [(None, False), (0.0, False), (100.0, True)])
def test_min_score_fails_the_gate_below_it(seed_pair, minimum, fails):
    from auditor.verdict.score import ScoreOptions, summarise

    r = seed_pair
    s = summarise(r.alignment, r.candidate_sentences, r.reference_sentences, r.findings, ScoreOptions(fail_on="never", min_coverage=0.0, min_score=minimum),
                  score_params=SeverityPolicy().score_params)
    assert s.score == pytest.approx(r.summary.score)
    assert (s.reasons == (f"score {s.score:.1f} below the minimum 100",)) is fails and (s.verdict == "fail") is fails
    with pytest.raises(ValueError, match="min_score"):
        ScoreOptions(min_score=101)


def test_the_policy_and_min_score_come_from_the_configuration(tmp_path):
    from auditor.config import ConfigError, load_config

    (tmp_path / "p.json").write_text(policy_json({**FITTED.data, "name": "desk"}), encoding="utf-8")
    config = tmp_path / "audit.toml"
    config.write_text('policy = "p.json"\nmin-score = 42\n', encoding="utf-8")
    settings = load_config(config)
    assert settings.policy == tmp_path / "p.json" and settings.severity_policy().identity == "desk-1"
    assert settings.score_options().min_score == 42.0
    config.write_text('policy = "mqm-zhen"\n', encoding="utf-8")
    assert load_config(config).severity_policy() == FITTED  # a shipped policy by name, not a file
    from auditor.config import Config

    from auditor import Auditor

    # The policy's fitted minimum score is the default gate, for the CLI and the API alike; 0 turns it off.
    assert Config().score_options().min_score == FITTED.min_score == Auditor().score_options.min_score == 29.0
    assert Config(min_score=0.0).score_options().min_score == 0.0
    config.write_text("min-score = 120\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="min-score must be a finite number between 0 and 100"):
        load_config(config)
