"""Japanese text analysis (matching.analysis) and theme inference (matching.themes): pure
functions, no database."""

import pytest

from matching.analysis import STOP_WORDS, char_ngrams, content_tokens
from matching.themes import infer_themes

# -- content_tokens: normalisation ------------------------------------------------------------


def test_kodomo_spellings_meet_in_one_token():
    assert content_tokens("子どもの居場所づくり")[0] == content_tokens("子供の居場所づくり")[0]
    assert "子供" in content_tokens("子どもの学習支援")


def test_torikumi_spellings_meet_in_one_token():
    assert content_tokens("地域の取組") == content_tokens("地域の取り組み")
    assert "取り組み" in content_tokens("脱炭素の取組を紹介します")


def test_full_width_dx_becomes_ascii_dx():
    assert content_tokens("ＤＸ推進")[0] == "DX"
    assert content_tokens("ＤＸ推進") == content_tokens("DX推進")


def test_half_width_katakana_becomes_full_width():
    assert content_tokens("ﾃﾞｰﾀ活用") == content_tokens("データ活用")


def test_compound_kanko_shinko_yields_kanko():
    tokens = content_tokens("観光振興計画を策定する")
    assert "観光" in tokens
    assert "振興" in tokens


def test_stop_words_are_dropped():
    tokens = content_tokens("地域のために事業を行うことを考える者です")
    assert tokens  # the content words survive
    assert not set(tokens) & STOP_WORDS
    assert content_tokens("することがあるものです") == []


@pytest.mark.parametrize("text", ["", " ", "\u3000\u3000", "\n\t ", None])
def test_empty_or_whitespace_input_gives_no_tokens(text):
    assert content_tokens(text) == []


def test_very_long_input_does_not_raise():
    text = "温泉街の観光振興と地域の取組を支援します。" * 3000  # 63,000 characters
    assert len(text) > 60_000

    tokens = content_tokens(text)

    assert "観光" in tokens
    assert "温泉" in tokens


# -- char_ngrams --------------------------------------------------------------------------------


def test_char_ngrams_keep_long_vowel_mark_inside_katakana_runs():
    assert char_ngrams("データセンター") == ["デー", "ータ", "タセ", "セン", "ンタ", "ター"]


def test_char_ngrams_break_runs_at_punctuation_and_spaces():
    grams = char_ngrams("カレー、ラーメン 定食")
    assert grams == ["カレ", "レー", "ラー", "ーメ", "メン", "定食"]
    assert "ーラ" not in grams  # no gram across the 、


def test_char_ngrams_keep_single_characters():
    assert char_ngrams("駅・港") == ["駅", "港"]
    assert char_ngrams("a") == ["a"]


def test_char_ngrams_normalise_full_width_letters():
    assert char_ngrams("ＡＩ") == ["ai"]


# -- infer_themes -------------------------------------------------------------------------------


def test_otoshiyori_infers_elderly_care():
    themes = infer_themes(content_tokens("お年寄りの話し相手"))
    assert "elderly-care" in themes
    assert "sdg-3" in themes


def test_bosai_and_hinan_infer_disaster_prevention_with_its_sdgs():
    for text in ("防災訓練を実施したい", "避難訓練を実施したい"):
        themes = infer_themes(content_tokens(text))
        assert "disaster-prevention" in themes
        assert {"sdg-11", "sdg-13"} <= themes


def test_generic_words_alone_infer_no_theme():
    words = ["地域", "事業", "生活", "産業", "公共", "関係"]
    assert {w: infer_themes(content_tokens(w)) for w in words} == dict.fromkeys(words, frozenset())
