"""Learning the signal weights from decisions people made about proposals.

Approved and accepted proposals are positive examples, rejected and declined ones negative.
A logistic regression over the stored signal values (the score's components) gives each
signal a weight; negative coefficients are clipped to zero and the weights are scaled to sum
to one, so the score stays in [0, 1] and stays explainable.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils import timezone

from .core import DEFAULT_WEIGHTS, SIGNALS
from .models import MatchProposal, SignalWeights

POSITIVE = (MatchProposal.State.APPROVED, MatchProposal.State.ACCEPTED)
NEGATIVE = (MatchProposal.State.REJECTED, MatchProposal.State.DECLINED)


def active_weights() -> dict[str, float]:
    active = SignalWeights.objects.filter(is_active=True).first()
    return {**DEFAULT_WEIGHTS, **(active.weights if active else {})}


def labelled_pairs() -> tuple[np.ndarray, np.ndarray]:
    rows = MatchProposal.objects.filter(
        kind=MatchProposal.Kind.PAIR, state__in=[*POSITIVE, *NEGATIVE]
    ).values_list("breakdown", "state")
    features, labels = [], []
    for breakdown, state in rows:
        signals = (breakdown or {}).get("signals", {})
        features.append([float(signals.get(name, 0.0)) for name in SIGNALS])
        labels.append(1 if state in POSITIVE else 0)
    return np.array(features).reshape(-1, len(SIGNALS)), np.array(labels)


def _auc(scores: np.ndarray, labels: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if len(set(labels.tolist())) < 2:
        return None
    return round(float(roc_auc_score(labels, scores)), 4)


@dataclass
class Refit:
    weights: dict[str, float]
    before: dict[str, float | None]
    after: dict[str, float | None]
    pairs: int


class NotEnoughFeedback(ValueError):
    pass


def refit(*, min_pairs: int = 30) -> Refit:
    """Fit new weights; AUC before/after is measured out of sample (5-fold)."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    features, labels = labelled_pairs()
    positives = int(labels.sum()) if labels.size else 0
    if labels.size < min_pairs or positives == 0 or positives == labels.size:
        raise NotEnoughFeedback(
            f"{labels.size} labelled pairs ({positives} positive); at least {min_pairs} with "
            "both outcomes are needed."
        )
    current = active_weights()
    before_scores = features @ np.array([current[name] for name in SIGNALS])
    model = LogisticRegression(max_iter=1000)
    folds = min(5, positives, labels.size - positives)
    after_scores = (
        cross_val_predict(
            model, features, labels, cv=StratifiedKFold(folds), method="predict_proba"
        )[:, 1]
        if folds >= 2
        else before_scores
    )
    model.fit(features, labels)
    coefficients = np.clip(model.coef_[0], 0, None)
    total = float(coefficients.sum())
    weights = (
        {name: round(float(c) / total, 4) for name, c in zip(SIGNALS, coefficients, strict=True)}
        if total > 0
        else dict(current)
    )
    return Refit(
        weights=weights,
        before={"auc": _auc(before_scores, labels)},
        after={"auc": _auc(after_scores, labels)},
        pairs=int(labels.size),
    )


@transaction.atomic
def weights_save(*, result: Refit, activate: bool) -> SignalWeights:
    version = f"{timezone.now():%Y%m%d-%H%M%S}-{SignalWeights.objects.count() + 1}"
    if activate:
        SignalWeights.objects.filter(is_active=True).update(is_active=False)
    return SignalWeights.objects.create(
        version=version,
        weights=result.weights,
        metrics={"before": result.before, "after": result.after},
        labelled_pairs=result.pairs,
        is_active=activate,
    )
