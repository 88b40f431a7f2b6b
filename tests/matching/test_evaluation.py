"""The evaluation harness computes its metrics correctly (a tiny hand-checked set) and
leaves the database as it was."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from matching.evaluation import _metrics
from partners.models import Organisation, Posting

HERE = Path(__file__).parent


def test_metrics_by_hand():
    # Ranks 1, 2 and 10 → recall@1 1/3, recall@5 2/3, recall@10 1, MRR (1 + 1/2 + 1/10) / 3.
    metrics = _metrics([1, 2, 10], [1, 5, 10])
    assert metrics == {
        "recall@1": 0.3333,
        "recall@5": 0.6667,
        "recall@10": 1.0,
        "mrr": 0.5333,
        "pairs": 3,
    }
    assert _metrics([], [1])["mrr"] is None


@pytest.mark.django_db
def test_harness_on_a_tiny_set(reference_data, capsys):
    before = (Organisation.objects.count(), Posting.objects.count())
    call_command(
        "evaluate_matching",
        str(HERE / "tiny_cases.jsonl"),
        "--distractors",
        str(HERE / "tiny_distractors.jsonl"),
        "--k",
        "1,5,10",
    )
    lines = capsys.readouterr().out.strip().splitlines()
    result = json.loads(lines[-1])
    # Two three-party cases: each party's issue against the two others → 6 pairs a case.
    assert result["pairs"] == 12
    assert set(result["per_direction"]) == {
        "company→municipality",
        "company→school",
        "municipality→company",
        "municipality→school",
        "school→company",
        "school→municipality",
    }
    for key in ("recall@1", "recall@5", "recall@10", "mrr", "triad@10"):
        assert 0 <= result[key] <= 1
        assert key in result["baseline"]
    # Three candidates of each kind at most, so every true partner is within the top 5.
    assert result["recall@5"] == 1.0
    # The cases are clear: the engine puts the true partner first for most pairs.
    assert result["recall@1"] >= 0.75
    assert result["triad@10"] == 1.0
    # Everything was rolled back.
    assert (Organisation.objects.count(), Posting.objects.count()) == before


@pytest.mark.django_db
def test_harness_reports_bad_input(reference_data, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        '{"id": "x", "company": {"name": "A", "goal": "g", "strengths": "s"}}\n', encoding="utf-8"
    )
    with pytest.raises(CommandError, match="at least two parties"):
        call_command("evaluate_matching", str(bad))
    with pytest.raises(CommandError, match="No such file"):
        call_command("evaluate_matching", str(tmp_path / "missing.jsonl"))
    bad.write_text("not json\n", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        call_command("evaluate_matching", str(bad))
    with pytest.raises(CommandError, match="--k"):
        call_command("evaluate_matching", str(bad), "--k", "one")
