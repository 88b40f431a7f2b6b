"""Re-fitting the signal weights from people's decisions."""

import random

import pytest
from django.core.management import CommandError, call_command

from matching.core import SIGNALS
from matching.feedback import active_weights
from matching.models import MatchProposal, SignalWeights
from tests import factories

pytestmark = pytest.mark.django_db


def _labelled(personas, n=60):
    rng = random.Random(7)
    posting = factories.make_posting(personas.municipality, title="課題")
    partners = [factories.CompanyFactory() for _ in range(n)]
    for i, partner in enumerate(partners):
        approved = i % 2 == 0
        signals = {name: rng.random() * 0.5 for name in SIGNALS}
        # Decisions follow geography: nearby partners were approved.
        signals["geography"] = rng.uniform(0.6, 1.0) if approved else rng.uniform(0, 0.4)
        MatchProposal.objects.create(
            posting=posting,
            kind="pair",
            partner=partner,
            score=0.5,
            rank=i + 1,
            breakdown={"signals": signals},
            engine_version="test",
            state="approved" if approved else "rejected",
        )


def test_refit_learns_from_decisions_and_versions_weights(personas, capsys):
    _labelled(personas)
    call_command("refit_matching_weights", "--activate")
    out = capsys.readouterr().out
    assert "AUC before" in out and "after" in out
    saved = SignalWeights.objects.get(is_active=True)
    assert abs(sum(saved.weights.values()) - 1) < 0.01
    assert saved.weights["geography"] == max(saved.weights.values())
    assert saved.metrics["after"]["auc"] > 0.9
    assert active_weights()["geography"] == saved.weights["geography"]
    call_command("refit_matching_weights")  # a second version, not activated
    assert SignalWeights.objects.count() == 2
    assert SignalWeights.objects.filter(is_active=True).count() == 1


def test_refit_refuses_without_enough_feedback(personas):
    with pytest.raises(CommandError, match="Not enough feedback"):
        call_command("refit_matching_weights")
