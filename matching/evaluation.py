"""Evaluation harness: load labelled partnership cases as organisations and postings, run the
engine as the product does, and measure how highly it ranks the true partners.

Only names, places, kinds and the parties' own texts reach the engine; `outcome`, `themes`
and any other key of a case are labels and are never used. See matching/README.md.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from sklearn.feature_extraction.text import TfidfVectorizer

from partners.models import (
    LocalGovernment,
    Organisation,
    Posting,
    PostingStatus,
    Prefecture,
    SchoolKind,
)
from partners.services import posting_create

from .core import Index
from .loading import build_index

# party key → (organisation kind, issue text key, strength text key)
PARTIES = {
    "municipality": ("municipality", "issue", "assets"),
    "company": ("company", "goal", "strengths"),
    "school": ("school", "learning_goal", "offer"),
}


class CaseError(ValueError):
    """A line of the input that cannot be used; the message says which and why."""


@dataclass
class Party:
    key: str
    organisation: Organisation
    issue: Posting | None
    strength: Posting | None


@dataclass
class Loaded:
    cases: list[tuple[str, dict[str, Party]]] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)


def read_jsonl(path: str) -> list[dict[str, Any]]:
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CaseError(f"{path}:{number}: not valid JSON ({exc.msg})") from exc
            if not isinstance(row, dict):
                raise CaseError(f"{path}:{number}: each line must be a JSON object")
            rows.append(row)
    return rows


class Loader:
    """Creates organisations and postings for cases (inside the caller's transaction)."""

    def __init__(self) -> None:
        self.prefectures = {p.name: p for p in Prefecture.objects.all()}
        self.used_governments: set[str] = set()

    def prefecture(self, name: str | None) -> Prefecture | None:
        if not name:
            return None
        name = name.strip()
        if name in self.prefectures:
            return self.prefectures[name]
        for full, prefecture in self.prefectures.items():
            if full.startswith(name) or name.startswith(full):
                return prefecture
        return None

    def government(self, name: str, prefecture: Prefecture | None) -> LocalGovernment | None:
        name = name.strip()
        as_prefecture = self.prefecture(name)
        if as_prefecture is not None and name in (as_prefecture.name,):
            return LocalGovernment.objects.filter(
                prefecture=as_prefecture, level=LocalGovernment.Level.PREFECTURE
            ).first()
        candidates = LocalGovernment.objects.exclude(level=LocalGovernment.Level.PREFECTURE)
        if prefecture is None:
            for full, pref in self.prefectures.items():
                if name.startswith(full):
                    prefecture, name = pref, name[len(full) :]
                    break
        elif name.startswith(prefecture.name):
            name = name[len(prefecture.name) :]
        if prefecture is not None:
            candidates = candidates.filter(prefecture=prefecture)
        exact = list(candidates.filter(name=name)[:2])
        if len(exact) == 1:
            return exact[0]
        loose = list(candidates.filter(name__endswith=name)[:2]) or list(
            candidates.filter(name__contains=name)[:2]
        )
        return loose[0] if len(loose) == 1 else None

    def organisation(self, kind: str, data: dict[str, Any], where: str) -> Organisation:
        name = str(data.get("name") or "").strip()
        if not name:
            raise CaseError(f"{where}: {kind} has no name")
        prefecture = self.prefecture(data.get("prefecture"))
        organisation = Organisation(kind=kind, name=name[:120], verification_status="verified")
        if kind == "municipality":
            government = self.government(name, prefecture)
            if government is not None:
                prefecture = government.prefecture
                is_prefecture = government.level == LocalGovernment.Level.PREFECTURE
                organisation.location = None if is_prefecture else government
                if government.code not in self.used_governments:
                    # One organisation per local government; later cases reuse the place.
                    organisation.local_government = government
                    self.used_governments.add(government.code)
            if prefecture is None:
                raise CaseError(f"{where}: cannot find the municipality {name!r}")
        elif kind == "school":
            school_kind = data.get("kind") or data.get("school_kind") or ""
            organisation.school_kind = school_kind if school_kind in SchoolKind.values else ""
        elif kind == "company":
            industry = str(data.get("industry") or "").strip()
            organisation.description = industry
        organisation.prefecture = prefecture
        organisation.save()
        return organisation

    def posting(
        self, organisation: Organisation, direction: str, text: Any, extra: str = ""
    ) -> Posting | None:
        text = " ".join(str(text or "").split())
        if not text:
            return None
        body = f"{text}{extra}"
        first = body.split("。")[0][:120] or body[:120]
        if organisation.local_government_id or organisation.location_id:
            place = {
                "place_scope": "municipality" if organisation.location_id else "prefecture",
                "prefecture": organisation.prefecture,
                "location": organisation.location,
            }
        elif organisation.prefecture_id:
            place = {"place_scope": "prefecture", "prefecture": organisation.prefecture}
        else:
            place = {"place_scope": "nationwide"}
        posting = posting_create(
            organisation=organisation,
            actor=None,
            data={
                "direction": direction,
                "title": first,
                "body": body[:4000],
                "status": PostingStatus.OPEN,
                **place,
            },
        )
        return posting

    def party(self, key: str, data: dict[str, Any], where: str) -> Party:
        kind, issue_key, strength_key = PARTIES[key]
        organisation = self.organisation(kind, data, where)
        extra = ""
        if kind == "company" and organisation.description:
            extra = f"（業種：{organisation.description}）"
        return Party(
            key=key,
            organisation=organisation,
            issue=self.posting(organisation, "issue", data.get(issue_key)),
            strength=self.posting(organisation, "strength", data.get(strength_key), extra),
        )

    def load(
        self, cases: Iterable[dict[str, Any]], distractors: Iterable[dict[str, Any]]
    ) -> Loaded:
        loaded = Loaded()
        for number, case in enumerate(cases, start=1):
            where = f"case {case.get('id', number)}"
            parties = {
                key: self.party(key, case[key], where)
                for key in PARTIES
                if isinstance(case.get(key), dict)
            }
            if len(parties) < 2:
                raise CaseError(f"{where}: at least two parties are needed")
            loaded.cases.append((str(case.get("id", number)), parties))
            loaded.organisations += [p.organisation for p in parties.values()]
        for number, row in enumerate(distractors, start=1):
            kind = row.get("kind")
            if kind not in PARTIES:
                raise CaseError(f"distractor {row.get('id', number)}: unknown kind {kind!r}")
            data = {**row, "kind": row.get("school_kind") or row.get("kind")}
            party = self.party(kind, data, f"distractor {row.get('id', number)}")
            loaded.organisations.append(party.organisation)
        return loaded


def _metrics(ranks: list[int], ks: list[int]) -> dict[str, Any]:
    if not ranks:
        return {**{f"recall@{k}": None for k in ks}, "mrr": None, "pairs": 0}
    array = np.array(ranks)
    return {
        **{f"recall@{k}": round(float((array <= k).mean()), 4) for k in ks},
        "mrr": round(float((1.0 / array).mean()), 4),
        "pairs": len(ranks),
    }


class Baseline:
    """Text only: TF-IDF over character 2–3-grams of each organisation's postings."""

    def __init__(self, organisations: list[Organisation], texts: dict[int, str]) -> None:
        self.ids = [o.pk for o in organisations]
        self.kinds = np.array([o.kind for o in organisations])
        self.vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 3), sublinear_tf=True)
        self.matrix = self.vectorizer.fit_transform([texts.get(i, "") for i in self.ids])

    def rank_of(self, query: str, own_id: int, target_id: int, kind: str) -> int:
        scores = np.asarray((self.matrix @ self.vectorizer.transform([query]).T).todense())
        scores = scores.ravel()
        rows = [
            i for i, org_id in enumerate(self.ids) if self.kinds[i] == kind and org_id != own_id
        ]
        order = sorted(rows, key=lambda i: (-scores[i], self.ids[i]))
        ids = [self.ids[i] for i in order]
        return ids.index(target_id) + 1 if target_id in ids else len(ids) + 1


def evaluate(loaded: Loaded, *, ks: list[int], index: Index | None = None) -> dict[str, Any]:
    """Rank every true partner for every party's issue posting; see the module docstring."""
    organisation_ids = [o.pk for o in loaded.organisations]
    postings = Posting.objects.filter(
        organisation_id__in=organisation_ids, status=PostingStatus.OPEN
    )
    index = index or build_index(postings=postings)
    texts: dict[int, list[str]] = defaultdict(list)
    for posting in postings:
        texts[posting.organisation_id].append(f"{posting.title} {posting.body}")
    baseline = Baseline(loaded.organisations, {k: " ".join(v) for k, v in texts.items()})
    count_of_kind = {
        kind: sum(1 for o in loaded.organisations if o.kind == kind)
        for kind in ("company", "municipality", "school")
    }

    ranks: list[int] = []
    base_ranks: list[int] = []
    by_direction: dict[str, list[int]] = defaultdict(list)
    base_by_direction: dict[str, list[int]] = defaultdict(list)
    triad_hits: list[bool] = []
    base_triad_hits: list[bool] = []
    for _case_id, parties in loaded.cases:
        for party in parties.values():
            if party.issue is None or party.issue.pk not in index.posts:
                continue
            post = index.posts[party.issue.pk]
            own = party.organisation
            for other in parties.values():
                if other is party:
                    continue
                target = other.organisation
                if target.kind == own.kind:
                    continue
                candidates = index.rank(
                    post,
                    kind=target.kind,
                    limit=count_of_kind[target.kind],
                    shortlist=count_of_kind[target.kind],
                )
                ids = [c.org_id for c in candidates]
                rank = ids.index(target.pk) + 1 if target.pk in ids else count_of_kind[target.kind]
                direction = f"{own.kind}→{target.kind}"
                ranks.append(rank)
                by_direction[direction].append(rank)
                base_rank = baseline.rank_of(
                    f"{party.issue.title} {party.issue.body}", own.pk, target.pk, target.kind
                )
                base_ranks.append(base_rank)
                base_by_direction[direction].append(base_rank)
        if len(parties) == 3 and parties["municipality"].issue is not None:
            issue = parties["municipality"].issue
            if issue.pk in index.posts:
                wanted = (parties["company"].organisation.pk, parties["school"].organisation.pk)
                triads = index.triads(
                    index.posts[issue.pk],
                    limit=10,
                    beam=min(15, count_of_kind["company"], count_of_kind["school"]),
                )
                triad_hits.append(any(t.org_ids == wanted for t in triads))
                base_triad_hits.append(
                    _baseline_triad(
                        baseline, issue, parties["municipality"].organisation.pk, wanted
                    )
                )
    result = _metrics(ranks, ks)
    result["triad@10"] = round(sum(triad_hits) / len(triad_hits), 4) if triad_hits else None
    result["per_direction"] = {d: _metrics(r, ks) for d, r in sorted(by_direction.items())}
    result["baseline"] = {
        **_metrics(base_ranks, ks),
        "triad@10": (
            round(sum(base_triad_hits) / len(base_triad_hits), 4) if base_triad_hits else None
        ),
        "per_direction": {d: _metrics(r, ks) for d, r in sorted(base_by_direction.items())},
    }
    result["cases"] = len(loaded.cases)
    result["organisations"] = len(loaded.organisations)
    return result


def _baseline_triad(
    baseline: Baseline, issue: Posting, own_id: int, wanted: tuple[int, int]
) -> bool:
    """The baseline's triads: its top 10 companies × top 10 schools by text, ranked by the
    sum of their ranks; is the true pair in the best 10?"""
    query = f"{issue.title} {issue.body}"
    scores = np.asarray(
        (baseline.matrix @ baseline.vectorizer.transform([query]).T).todense()
    ).ravel()

    def top(kind: str) -> list[int]:
        rows = [
            i
            for i, org_id in enumerate(baseline.ids)
            if baseline.kinds[i] == kind and org_id != own_id
        ]
        rows.sort(key=lambda i: (-scores[i], baseline.ids[i]))
        return [baseline.ids[i] for i in rows[:10]]

    companies, schools = top("company"), top("school")
    pairs = sorted(
        ((c, s) for c in companies for s in schools),
        key=lambda pair: (companies.index(pair[0]) + schools.index(pair[1]), pair),
    )
    return wanted in pairs[:10]


def run(cases_path: str, *, distractors_path: str | None, ks: list[int]) -> dict[str, Any]:
    """Load, evaluate, and roll everything back: the database is left as it was."""
    cases = read_jsonl(cases_path)
    distractors = read_jsonl(distractors_path) if distractors_path else []
    with transaction.atomic():
        loaded = Loader().load(cases, distractors)
        result = evaluate(loaded, ks=ks)
        transaction.set_rollback(True)
    return result
