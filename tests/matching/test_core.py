"""The pure matching core (matching.core): signals, rules and the in-memory index, with
organisations and postings built by hand. No database (STYLE.md rule 3)."""

import math
from dataclasses import replace
from datetime import date

import pytest

from matching.analysis import content_tokens
from matching.core import (
    PARTNER_KINDS,
    Candidate,
    Index,
    Org,
    Post,
    funding_allowed,
    geography_score,
    haversine_km,
    rerank_for_diversity,
    scale_score,
    timing_score,
)

TODAY = date(2026, 11, 10)

# Real-ish places: (prefecture code, local government code, (lat, lng)).
NAGANO = (20, "202011", (36.6486, 138.1948))
MATSUMOTO = (20, "202029", (36.2380, 137.9720))
NAGANO_PREFECTURE = (20, "200000", (36.6513, 138.1810))
SHINJUKU = (13, "131041", (35.6938, 139.7034))
MAEBASHI = (10, "102016", (36.3895, 139.0634))
SENDAI = (4, "041009", (38.2682, 140.8694))
OSAKA = (27, "271004", (34.6937, 135.5023))
FUKUOKA = (40, "401307", (33.5902, 130.4017))
SAPPORO = (1, "011002", (43.0621, 141.3544))
NAHA = (47, "472018", (26.2124, 127.6792))

ISSUE_TOURISM = (
    "温泉街を訪れる観光客が減っています。外国人旅行者を呼び込む観光振興の企画と、"
    "SNSでの情報発信を手伝ってくれる方を探しています。"
)
STRENGTH_TOURISM = (
    "観光客向けの多言語ウェブサイト制作と、旅行者の周遊データ分析で観光振興を支援します。"
    "温泉地での実績があります。"
)
STRENGTH_MANUFACTURING = "金属部品の精密加工と試作品の製造を短納期で請け負います。"
SCHOOL_TOURISM = "観光学科の学生が温泉街を調査し、外国人旅行者向けの周遊ツアーを企画します。"
SCHOOL_ROBOTICS = "ロボット部の生徒がプログラミングを学び、競技大会に出場しています。"


def org(id, kind, place=None, **kwargs):
    prefecture, municipality, (lat, lng) = place or (None, None, (None, None))
    return Org(
        id=id,
        kind=kind,
        name=f"{kind}-{id}",
        prefecture=prefecture,
        municipality=municipality,
        lat=lat,
        lng=lng,
        **kwargs,
    )


def post(id, org_id, direction, text, **kwargs):
    return Post(
        id=id,
        org_id=org_id,
        direction=direction,
        tokens=content_tokens(text),
        text=text,
        **kwargs,
    )


def ids(candidates):
    return [c.org_id for c in candidates]


# -- geography_score ------------------------------------------------------------------------------


def geo(a, b, **kwargs):
    return geography_score(a[0], a[1], a[2], b[0], b[1], b[2], **kwargs)


def test_geography_orders_municipality_prefecture_region_and_far_apart():
    same_municipality, _ = geo(NAGANO, NAGANO)
    same_prefecture, _ = geo(NAGANO, MATSUMOTO)
    same_region, _ = geo(SHINJUKU, MAEBASHI)
    far_apart, _ = geo(SAPPORO, NAHA)

    assert same_municipality == 1.0
    assert same_prefecture == 0.8
    assert same_region == 0.55
    assert far_apart < 0.5
    assert same_municipality > same_prefecture > same_region > far_apart


def test_geography_falls_with_distance_across_regions():
    destinations = [SENDAI, OSAKA, FUKUOKA, NAHA]  # ever further from Tokyo, all other regions
    results = [geo(SHINJUKU, place) for place in destinations]
    distances = [distance for _score, distance in results]
    scores = [score for score, _distance in results]

    assert distances == sorted(distances)
    assert scores == sorted(scores, reverse=True)
    assert len(set(scores)) == len(scores)  # strictly falling
    assert all(score < 0.55 for score in scores)  # never above the same region


def test_geography_unknown_prefecture_is_neutral():
    score, distance = geography_score(None, None, None, 20, "202011", NAGANO[2])
    assert score == 0.4
    assert distance is None
    assert geography_score(20, "202011", None, None, None, None)[0] == 0.4


def test_geography_online_lifts_far_apart_to_at_least_0_6():
    score, _ = geo(SAPPORO, NAHA, online=True)
    assert score >= 0.6
    assert geo(NAGANO, NAGANO, online=True)[0] == 1.0  # never lowers


def test_geography_nationwide_lifts_far_apart_to_at_least_0_5():
    score, _ = geo(SAPPORO, NAHA, nationwide=True)
    assert score >= 0.5
    assert geo(NAGANO, MATSUMOTO, nationwide=True)[0] == 0.8  # never lowers


def test_geography_returns_plausible_distance_in_km():
    _score, tokyo_osaka = geo(SHINJUKU, OSAKA)
    assert 380 <= tokyo_osaka <= 420
    assert geo(NAGANO, NAGANO)[1] == 0.0
    assert haversine_km(SAPPORO[2], NAHA[2]) == pytest.approx(2240, abs=60)


# -- timing_score ---------------------------------------------------------------------------------


def timed(starts_on=None, ends_on=None, **kwargs):
    return Post(
        id=0,
        org_id=0,
        direction="issue",
        tokens=[],
        starts_on=starts_on,
        ends_on=ends_on,
        **kwargs,
    )


def test_timing_overlapping_periods_score_1():
    a = timed(date(2027, 1, 1), date(2027, 6, 30))
    b = timed(date(2027, 6, 1), date(2027, 12, 31))
    assert timing_score(a, b, today=TODAY) == 1.0
    assert timing_score(b, a, today=TODAY) == 1.0


def test_timing_gap_decays():
    query = timed(date(2027, 1, 1), date(2027, 3, 31))
    near = timed(date(2027, 6, 1), date(2027, 8, 31))
    far = timed(date(2027, 12, 1), date(2028, 2, 28))
    very_far = timed(date(2029, 6, 1), date(2029, 8, 31))

    scores = [timing_score(query, other, today=TODAY) for other in (near, far, very_far)]

    assert 1.0 > scores[0] > scores[1] > scores[2]
    assert scores[2] == 0.0
    assert timing_score(near, query, today=TODAY) == scores[0]  # symmetric


def test_timing_unknown_is_neutral():
    known = timed(date(2027, 4, 1), date(2028, 3, 31))
    assert timing_score(known, timed(), today=TODAY) == 0.5
    assert timing_score(timed(), known, today=TODAY) == 0.5
    assert timing_score(known, None, today=TODAY) == 0.5


def test_timing_school_year_overlaps_company_offer_in_autumn():
    school_year = timed(date(2027, 4, 1), date(2028, 3, 31))
    autumn_offer = timed(date(2027, 9, 1), date(2027, 11, 30))
    assert timing_score(school_year, autumn_offer, today=TODAY) == 1.0
    assert timing_score(autumn_offer, school_year, today=TODAY) == 1.0


def test_timing_budget_next_year_fits_work_after_next_april():
    municipality_issue = timed(budget_next_year=True)
    from_may = timed(date(2027, 5, 1), date(2027, 12, 31))
    ends_in_february = timed(date(2026, 12, 1), date(2027, 2, 28))

    assert timing_score(municipality_issue, from_may, today=TODAY) == 1.0
    assert timing_score(municipality_issue, ends_in_february, today=TODAY) == 0.2
    # The same whichever side is the query.
    assert timing_score(from_may, municipality_issue, today=TODAY) == 1.0
    assert timing_score(ends_in_february, municipality_issue, today=TODAY) == 0.2


def test_timing_budget_next_year_counts_from_the_coming_april():
    municipality_issue = timed(budget_next_year=True)
    summer_2027 = timed(date(2027, 6, 1), date(2027, 8, 31))
    # In February 2027 the coming April is April 2027; in May 2027 it is April 2028.
    assert timing_score(municipality_issue, summer_2027, today=date(2027, 2, 1)) == 1.0
    assert timing_score(municipality_issue, summer_2027, today=date(2027, 5, 1)) == 0.2


# -- scale_score ----------------------------------------------------------------------------------


def test_scale_budget_that_fits_scores_higher_than_one_that_does_not():
    issue = timed(budget_max=500_000)
    affordable = timed(budget_min=300_000)
    too_dear = timed(budget_min=800_000)
    assert scale_score(issue, affordable) == 1.0
    assert scale_score(issue, too_dear) == 0.2


def test_scale_student_counts_closer_in_size_score_higher():
    class_of_30 = timed(student_count=30)
    same = scale_score(class_of_30, timed(student_count=30))
    close = scale_score(class_of_30, timed(student_count=40))
    far = scale_score(class_of_30, timed(student_count=300))
    assert same == 1.0
    assert same > close > far
    assert far == pytest.approx(0.4 + 0.6 * 30 / 300)
    assert scale_score(timed(student_count=300), class_of_30) == far  # symmetric


def test_scale_unknown_is_neutral():
    assert scale_score(timed(), timed()) == 0.5
    assert scale_score(timed(budget_max=500_000), timed(student_count=30)) == 0.5
    assert scale_score(timed(budget_max=500_000), None) == 0.5


def test_scale_budget_fit_is_the_same_whichever_side_is_the_query():
    municipality_issue = timed(budget_max=500_000)
    company_offer = timed(budget_min=800_000)
    assert scale_score(company_offer, municipality_issue) == 0.2


# -- funding_allowed ------------------------------------------------------------------------------

FURUSATO = "corporate_furusato"


def test_corporate_furusato_refused_for_the_head_office_municipality():
    city = org(1, "municipality", NAGANO)
    head_office_here = org(2, "company", NAGANO)
    issue = post(10, 1, "issue", ISSUE_TOURISM, funding_route=FURUSATO)
    assert not funding_allowed(issue, city, head_office_here)


def test_corporate_furusato_refused_for_the_prefecture_of_the_head_office():
    prefecture = org(1, "municipality", NAGANO_PREFECTURE)
    head_office_in_matsumoto = org(2, "company", MATSUMOTO)
    issue = post(10, 1, "issue", ISSUE_TOURISM, funding_route=FURUSATO)
    assert not funding_allowed(issue, prefecture, head_office_in_matsumoto)


def test_corporate_furusato_allowed_elsewhere():
    city = org(1, "municipality", NAGANO)
    prefecture = org(2, "municipality", NAGANO_PREFECTURE)
    in_matsumoto = org(3, "company", MATSUMOTO)
    in_tokyo = org(4, "company", SHINJUKU)
    city_issue = post(10, 1, "issue", ISSUE_TOURISM, funding_route=FURUSATO)
    prefecture_issue = post(11, 2, "issue", ISSUE_TOURISM, funding_route=FURUSATO)

    assert funding_allowed(city_issue, city, in_matsumoto)  # same prefecture, other city
    assert funding_allowed(city_issue, city, in_tokyo)
    assert funding_allowed(prefecture_issue, prefecture, in_tokyo)


def test_other_funding_routes_always_allowed():
    city = org(1, "municipality", NAGANO)
    prefecture = org(2, "municipality", NAGANO_PREFECTURE)
    head_office_here = org(3, "company", NAGANO)
    for route in ("", "commission", "subsidy"):
        assert funding_allowed(
            post(10, 1, "issue", ISSUE_TOURISM, funding_route=route), city, head_office_here
        )
        assert funding_allowed(
            post(11, 2, "issue", ISSUE_TOURISM, funding_route=route), prefecture, head_office_here
        )


def test_corporate_furusato_rule_applies_whichever_side_is_the_query():
    city = org(1, "municipality", NAGANO)
    prefecture = org(2, "municipality", NAGANO_PREFECTURE)
    head_office_here = org(3, "company", NAGANO)
    offer = post(30, 3, "strength", STRENGTH_TOURISM, funding_route=FURUSATO)

    assert not funding_allowed(offer, head_office_here, city)
    assert not funding_allowed(offer, head_office_here, prefecture)
    assert funding_allowed(offer, head_office_here, org(4, "municipality", OSAKA))


# -- Index.rank -----------------------------------------------------------------------------------


def tourism_world():
    """A city with a tourism issue, and candidates of every kind around it."""
    orgs = [
        org(1, "municipality", NAGANO),
        org(2, "company", MATSUMOTO),  # tourism strength
        org(3, "company", MATSUMOTO),  # manufacturing strength only
        org(4, "school", NAGANO),  # tourism course
        org(5, "municipality", MATSUMOTO),  # the same issue as the city
    ]
    posts = [
        post(101, 1, "issue", ISSUE_TOURISM),
        post(200, 2, "strength", STRENGTH_MANUFACTURING),  # lower id: best post by words only
        post(201, 2, "strength", STRENGTH_TOURISM),
        post(301, 3, "strength", STRENGTH_MANUFACTURING),
        post(401, 4, "strength", SCHOOL_TOURISM),
        post(501, 5, "issue", ISSUE_TOURISM),
    ]
    return orgs, posts


def tourism_index():
    orgs, posts = tourism_world()
    index = Index(orgs, posts, today=TODAY)
    return index, index.posts[101]


def test_rank_for_municipality_issue_returns_only_companies_and_schools():
    index, issue = tourism_index()

    results = index.rank(issue)

    assert set(ids(results)) == {2, 3, 4}
    assert all(index.orgs[c.org_id].kind in PARTNER_KINDS["municipality"] for c in results)
    assert 1 not in ids(results)  # never itself
    assert 5 not in ids(results)  # never another municipality, however relevant


def test_rank_kind_restricts_candidates():
    index, issue = tourism_index()
    assert ids(index.rank(issue, kind="school")) == [4]
    assert set(ids(index.rank(issue, kind="company"))) == {2, 3}


def test_rank_exclude_org_ids_drops_them():
    index, issue = tourism_index()
    assert 2 not in ids(index.rank(issue, exclude_org_ids=[2]))


def test_rank_prefers_strength_about_the_issue_over_unrelated_strength():
    index, issue = tourism_index()

    results = index.rank(issue, kind="company")

    assert ids(results) == [2, 3]
    assert results[0].signals["complement"] == 1.0
    assert results[1].signals["complement"] < results[0].signals["complement"]


def test_rank_need_to_offer_beats_need_to_need_when_all_else_is_equal():
    orgs = [
        org(1, "municipality", NAGANO),
        org(2, "company", MATSUMOTO),  # has the same text as an issue of its own
        org(3, "company", MATSUMOTO),  # offers it
    ]
    posts = [
        post(101, 1, "issue", ISSUE_TOURISM),
        post(201, 2, "issue", STRENGTH_TOURISM),
        post(301, 3, "strength", STRENGTH_TOURISM),
    ]
    index = Index(orgs, posts, today=TODAY)

    results = index.rank(index.posts[101])

    assert ids(results) == [3, 2]
    offer, need = results
    assert offer.signals["ngram"] == need.signals["ngram"]
    assert offer.signals["geography"] == need.signals["geography"]
    assert offer.signals["complement"] > need.signals["complement"]


def test_rank_geography_breaks_tie_between_equally_relevant_companies():
    orgs = [
        org(1, "municipality", NAGANO),
        org(2, "company", SAPPORO),  # the lower id would win a pure tie
        org(3, "company", MATSUMOTO),
    ]
    posts = [
        post(101, 1, "issue", ISSUE_TOURISM),
        post(201, 2, "strength", STRENGTH_TOURISM),
        post(301, 3, "strength", STRENGTH_TOURISM),
    ]
    index = Index(orgs, posts, today=TODAY)

    near, far = index.rank(index.posts[101])

    assert (near.org_id, far.org_id) == (3, 2)
    for signal in ("complement", "shared_goal", "ngram", "theme"):
        assert near.signals[signal] == far.signals[signal]
    assert near.signals["geography"] > far.signals["geography"]
    assert near.distance_km < far.distance_km


def test_rank_excludes_head_office_company_under_corporate_furusato():
    orgs = [
        org(1, "municipality", NAGANO),
        org(2, "company", NAGANO),  # head office in the city
        org(3, "company", MATSUMOTO),
    ]
    posts = [
        post(101, 1, "issue", ISSUE_TOURISM, funding_route=FURUSATO),
        post(201, 2, "strength", STRENGTH_TOURISM),
        post(301, 3, "strength", STRENGTH_TOURISM),
    ]
    index = Index(orgs, posts, today=TODAY)
    assert ids(index.rank(index.posts[101])) == [3]

    commission = replace(index.posts[101], id=102, funding_route="")
    assert set(ids(index.rank(commission))) == {2, 3}


def test_rank_excludes_head_office_municipality_for_company_offering_corporate_furusato():
    orgs = [
        org(1, "company", NAGANO),
        org(2, "municipality", NAGANO),  # the head office's city
        org(3, "municipality", OSAKA),
    ]
    posts = [
        post(101, 1, "strength", STRENGTH_TOURISM, funding_route=FURUSATO),
        post(201, 2, "issue", ISSUE_TOURISM),
        post(301, 3, "issue", ISSUE_TOURISM),
    ]
    index = Index(orgs, posts, today=TODAY)
    assert ids(index.rank(index.posts[101])) == [3]


def test_rank_excludes_head_office_municipality_whose_issue_asks_for_corporate_furusato():
    orgs = [
        org(1, "company", NAGANO),
        org(2, "municipality", NAGANO),  # the head office's city
        org(3, "municipality", OSAKA),
    ]
    posts = [
        post(101, 1, "strength", STRENGTH_TOURISM),
        post(201, 2, "issue", ISSUE_TOURISM, funding_route=FURUSATO),
        post(301, 3, "issue", ISSUE_TOURISM, funding_route=FURUSATO),
    ]
    index = Index(orgs, posts, today=TODAY)
    assert 2 not in ids(index.rank(index.posts[101], kind="municipality"))


def test_rank_explains_the_match():
    index, issue = tourism_index()

    best = index.rank(issue, kind="company")[0]

    assert best.org_id == 2
    assert best.shared_words
    candidate_tokens = set(index.posts[201].tokens) | set(index.posts[200].tokens)
    assert set(best.shared_words) <= set(issue.tokens) & candidate_tokens
    assert "観光" in best.shared_words
    assert "tourism" in best.shared_themes
    expected_km = haversine_km(NAGANO[2], MATSUMOTO[2])
    assert best.distance_km == pytest.approx(expected_km, abs=0.1)
    assert 40 < best.distance_km < 60
    assert best.posting_id == 201  # the tourism strength, not the manufacturing one
    assert 0.0 <= best.score <= 1.0
    assert set(best.signals) == {
        "complement",
        "shared_goal",
        "ngram",
        "theme",
        "geography",
        "timing",
        "scale",
    }


def test_rank_unrelated_candidate_shares_no_words():
    index, issue = tourism_index()
    unrelated = next(c for c in index.rank(issue) if c.org_id == 3)
    assert unrelated.shared_words == []
    assert "tourism" not in unrelated.shared_themes


def test_rank_is_deterministic():
    first_index, first_issue = tourism_index()
    second_index, second_issue = tourism_index()

    first = first_index.rank(first_issue)
    again = first_index.rank(first_issue)
    rebuilt = second_index.rank(second_issue)

    def summary(results):
        return [(c.org_id, c.score, c.posting_id, tuple(c.shared_words)) for c in results]

    assert summary(first) == summary(again) == summary(rebuilt)


def test_rank_limit_cuts_the_list_without_reordering():
    index, issue = tourism_index()
    full = index.rank(issue)
    assert ids(index.rank(issue, limit=1)) == ids(full)[:1]
    assert ids(index.rank(issue, limit=2)) == ids(full)[:2]


def test_rank_shortlist_keeps_only_the_best_by_text():
    index, issue = tourism_index()
    shortlisted = index.rank(issue, kind="company", shortlist=1)
    assert ids(shortlisted) == [2]
    assert len(index.rank(issue, shortlist=2)) == 2


def test_rank_with_no_candidate_of_the_kind_is_empty():
    orgs = [org(1, "municipality", NAGANO), org(2, "municipality", MATSUMOTO)]
    posts = [post(101, 1, "issue", ISSUE_TOURISM), post(201, 2, "issue", STRENGTH_TOURISM)]
    index = Index(orgs, posts, today=TODAY)
    assert index.rank(index.posts[101]) == []


def test_index_builds_over_a_single_organisation():
    index = Index(
        [org(1, "municipality", NAGANO)], [post(101, 1, "issue", ISSUE_TOURISM)], today=TODAY
    )
    assert index.rank(index.posts[101]) == []


def test_index_builds_over_nothing():
    index = Index([], [], today=TODAY)

    assert index.org_ids == []


def test_index_builds_when_two_organisations_wrote_the_same_text():
    orgs = [org(1, "municipality", NAGANO), org(2, "school", NAGANO)]
    posts = [post(101, 1, "issue", ISSUE_TOURISM), post(201, 2, "strength", ISSUE_TOURISM)]
    index = Index(orgs, posts, today=TODAY)
    assert ids(index.rank(index.posts[101])) == [2]


# -- Index.triads ---------------------------------------------------------------------------------


def triad_index():
    orgs = [
        org(1, "municipality", NAGANO),
        org(2, "company", NAHA),  # manufacturing, far away
        org(3, "company", MATSUMOTO),  # tourism, near
        org(4, "school", SAPPORO),  # robotics, far away
        org(5, "school", NAGANO),  # tourism course, near
    ]
    posts = [
        post(101, 1, "issue", ISSUE_TOURISM),
        post(201, 2, "strength", STRENGTH_MANUFACTURING),
        post(301, 3, "strength", STRENGTH_TOURISM),
        post(401, 4, "strength", SCHOOL_ROBOTICS),
        post(501, 5, "strength", SCHOOL_TOURISM),
    ]
    index = Index(orgs, posts, today=TODAY)
    return index, index.posts[101]


def test_triads_for_municipality_issue_pair_a_company_with_a_school():
    index, issue = triad_index()

    triads = index.triads(issue)

    assert len(triads) == 4  # 2 companies × 2 schools
    for triad in triads:
        company_id, school_id = triad.org_ids
        assert index.orgs[company_id].kind == "company"
        assert index.orgs[school_id].kind == "school"
        assert tuple(m.org_id for m in triad.members) == triad.org_ids
        assert 0.0 <= triad.score <= 1.0
        assert 0.0 <= triad.fit <= 1.0


def test_triads_are_ordered_by_score_with_the_fitting_pair_first():
    index, issue = triad_index()

    triads = index.triads(issue)

    scores = [t.score for t in triads]
    assert scores == sorted(scores, reverse=True)
    assert triads[0].org_ids == (3, 5)
    assert triads[-1].org_ids == (2, 4)


def test_triads_limit():
    index, issue = triad_index()
    assert [t.org_ids for t in index.triads(issue, limit=2)] == [
        t.org_ids for t in index.triads(issue)[:2]
    ]


def test_pair_fit_prefers_near_and_related_partners():
    index, _issue = triad_index()
    assert index.pair_fit(3, 5) > index.pair_fit(2, 4)
    assert 0.0 <= index.pair_fit(2, 4) <= 1.0


def test_pair_fits_gives_every_pair_fit_at_once():
    index, _issue = triad_index()
    fits = index.pair_fits([2, 3], [4, 5])
    for i, a in enumerate([2, 3]):
        for j, b in enumerate([4, 5]):
            assert math.isclose(fits[i, j], index.pair_fit(a, b))


def _summary(candidates):
    return [
        (c.org_id, c.score, c.signals, c.shared_words, c.shared_themes, c.posting_id)
        for c in candidates
    ]


def test_rank_reuses_a_posting_s_work_without_changing_results():
    index, issue = triad_index()
    first_triads = [(t.org_ids, t.score) for t in index.triads(issue)]
    pairs = _summary(index.rank(issue))
    by_kind = _summary(index.rank(issue, kind="school"))

    fresh, fresh_issue = triad_index()  # nothing cached
    assert _summary(fresh.rank(fresh_issue, kind="school")) == by_kind
    assert _summary(fresh.rank(fresh_issue)) == pairs
    assert [(t.org_ids, t.score) for t in fresh.triads(fresh_issue)] == first_triads


def test_rank_sees_a_changed_query_posting():
    index, issue = triad_index()
    before = index.rank(issue, kind="company")
    changed = replace(issue, tokens=content_tokens(STRENGTH_MANUFACTURING), text="")

    after = index.rank(changed, kind="company")

    assert ids(before)[0] == 3  # tourism
    assert ids(after)[0] == 2  # manufacturing now


def test_prepared_vectors_give_the_same_ranks():
    index, issue = triad_index()
    expected = _summary(index.rank(issue))

    fresh, fresh_issue = triad_index()
    fresh.prepare([fresh_issue, *fresh.posts.values()])

    assert _summary(fresh.rank(fresh_issue)) == expected


def test_profile_vectors_are_bit_for_bit_what_the_vectorisers_transform_gives():
    # The index fits and transforms in one pass; the profiles must equal transform()'s
    # vectors exactly (not only closely), or a rounding at the 6th decimal could move ranks.
    index, _issue = triad_index()
    profiles = {
        "offer_matrix": [index._profile_tokens(i, "strength") for i in index.org_ids],
        "need_matrix": [index._profile_tokens(i, "issue") for i in index.org_ids],
    }
    for name, documents in profiles.items():
        expected = index.words.transform(documents)
        expected.sort_indices()
        assert (getattr(index, name) != expected).nnz == 0
        assert getattr(index, name).data.tolist() == expected.data.tolist()
    texts = [" ".join(p.text for p in index.posts_by_org.get(i, [])) for i in index.org_ids]
    expected = index.chars.transform(texts)
    expected.sort_indices()
    assert index.char_matrix.data.tolist() == expected.data.tolist()


def test_text_cosines_by_kind_equal_the_whole_matrix_product():
    index, issue = triad_index()
    query = index._query(issue)
    index._text_of(query, ("company", "municipality", "school"))
    vector = index.words.transform([issue.tokens])
    offers = (vector @ index.offer_matrix.T).toarray().ravel()
    chars = (index.chars.transform([issue.text]) @ index.char_matrix.T).toarray().ravel()

    assert query.complement.tolist() == offers.tolist()
    assert query.ngram.tolist() == chars.tolist()


# -- candidate retrieval in a large corpus (RETRIEVAL_BUDGET) --------------------------------

SENTENCES = (
    STRENGTH_TOURISM,
    STRENGTH_MANUFACTURING,
    SCHOOL_TOURISM,
    SCHOOL_ROBOTICS,
    "地域の祭りを学生と一緒に企画し、観光客との交流を広げます。",
    "農産物の加工と販売で、地域の特産品づくりを支援します。",
)


def crowded_index(**settings):
    """A city with a tourism issue and 16 companies whose offers mix the sentences above,
    so that most of them share some of its words and n-grams."""
    orgs = [org(1, "municipality", NAGANO)]
    posts = [post(101, 1, "issue", ISSUE_TOURISM)]
    for i in range(16):
        org_id = 10 + i
        orgs.append(org(org_id, "company", (MATSUMOTO, OSAKA, SENDAI)[i % 3]))
        text = SENTENCES[i % 6] + SENTENCES[(i * 5 + 1) % 6] * (i % 3)
        posts.append(post(1000 + i, org_id, "strength", text))
    index = Index(orgs, posts, today=TODAY)
    for name, value in settings.items():
        setattr(index, name, value)
    return index, index.posts[101]


def test_small_corpora_are_scored_exhaustively():
    index, issue = crowded_index()

    query = index._query(issue)

    assert query.pools == {}
    assert "company" in query.kinds_done


def test_retrieved_pool_has_exactly_the_exhaustive_cosines():
    index, issue = crowded_index(retrieval_budget=1, retrieval_pool=3)
    everything, everything_issue = crowded_index()
    exhaustive = everything._query(everything_issue)

    query = index._query(issue)

    rows, complement, shared, ngram = query.pools["company"]
    assert 3 <= rows.size < 16
    assert rows.tolist() == sorted(rows.tolist())
    assert complement.tolist() == exhaustive.complement[rows].tolist()
    assert shared.tolist() == exhaustive.shared[rows].tolist()
    assert ngram.tolist() == exhaustive.ngram[rows].tolist()


def test_retrieval_keeps_the_best_candidates_of_the_exhaustive_ranking():
    # A budget that leaves out the commonest n-grams only; the shortlist within the pool.
    index, issue = crowded_index(retrieval_budget=100, retrieval_pool=4)
    everything, everything_issue = crowded_index()

    retrieved = _summary(index.rank(issue, limit=2, shortlist=4))

    assert index._query(issue).pools["company"][0].size < 16
    assert retrieved == _summary(everything.rank(everything_issue, limit=2, shortlist=4))


def test_a_shortlist_longer_than_the_pool_scores_every_organisation():
    index, issue = crowded_index(retrieval_budget=1, retrieval_pool=3)
    everything, everything_issue = crowded_index()

    ranked = index.rank(issue, limit=16, shortlist=16)

    assert len(ranked) == 16
    expected = everything.rank(everything_issue, limit=16, shortlist=16)
    assert _summary(ranked) == _summary(expected)


def test_diversity_in_batches_with_carried_exposure_equals_one_pass():
    lists = crowded_lists()
    whole = rerank_for_diversity(lists)

    exposure: dict[int, int] = {}
    first = rerank_for_diversity({k: lists[k] for k in (1, 2)}, exposure=exposure)
    second = rerank_for_diversity({k: lists[k] for k in (3, 4)}, exposure=exposure)

    assert {k: ids(v) for k, v in {**first, **second}.items()} == {
        k: ids(v) for k, v in whole.items()
    }


# -- rerank_for_diversity -------------------------------------------------------------------------

BIG = 99


def crowded_lists():
    """A large organisation (99) tops every posting's list by a hair."""
    return {
        posting_id: [
            Candidate(org_id=BIG, score=0.90, signals={}),
            Candidate(org_id=posting_id, score=0.885, signals={}),
        ]
        for posting_id in (1, 2, 3, 4)
    }


def test_diversity_pushes_an_ubiquitous_organisation_down_in_later_lists():
    result = rerank_for_diversity(crowded_lists())

    assert ids(result[1]) == [BIG, 1]  # first appearance costs nothing
    for posting_id in (2, 3, 4):
        assert ids(result[posting_id]) == [posting_id, BIG]


def test_diversity_cap_keeps_an_organisation_in_at_most_cap_lists():
    result = rerank_for_diversity(crowded_lists(), cap=2)

    appearances = [posting_id for posting_id, cands in result.items() if BIG in ids(cands)]
    assert appearances == [1, 2]
    for posting_id in (1, 2, 3, 4):
        assert posting_id in ids(result[posting_id])  # the others stay


def test_diversity_is_deterministic_whatever_the_input_order():
    lists = crowded_lists()
    reversed_lists = dict(reversed(list(lists.items())))

    def summary(result):
        return {k: ids(v) for k, v in result.items()}

    assert summary(rerank_for_diversity(lists)) == summary(rerank_for_diversity(lists))
    assert summary(rerank_for_diversity(lists, cap=2)) == summary(
        rerank_for_diversity(reversed_lists, cap=2)
    )


def test_diversity_does_not_change_scores():
    result = rerank_for_diversity(crowded_lists())
    assert {c.score for cands in result.values() for c in cands if c.org_id == BIG} == {0.90}


def test_haversine_is_symmetric():
    assert math.isclose(haversine_km(SHINJUKU[2], OSAKA[2]), haversine_km(OSAKA[2], SHINJUKU[2]))
