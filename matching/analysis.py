"""Japanese text analysis shared by the posting search and the matching engine. Pure: text in,
tokens out; no database.

- `content_tokens`: SudachiPy (packaged core dictionary) in split mode C with the normalised
  form of each morpheme, so 子ども/子供 and 取組/取り組み meet; compounds are also split in
  mode A so 観光振興 matches 観光. Only content words (nouns, verbs, adjectives, adjectival
  nouns) survive, minus light words such as する/ある/こと.
- `char_ngrams`: character bigrams of the NFKC-normalised text, the fallback for words the
  dictionary does not know (place names, product names, new coinages).

Sudachi's dictionary costs ≈ 100 MB per process, so it is loaded once per process and thread.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from functools import lru_cache

_local = threading.local()

CONTENT_POS = frozenset({"名詞", "動詞", "形容詞", "形状詞"})
# Normalised forms too light to carry meaning in a posting.
_STOP_WORDS_TEXT = """
    為る する 有る ある 居る いる 成る なる 出来る できる こと 事 もの 物 ため 為 よう 様 等
    など 方 中 的 化 者 人 年 月 日 時 回 件 点 上 下 行う 思う 考える いう 言う これ それ ここ
    そこ 私 我々 弊社 当社 本 今回 今後 現在 以上 以下
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())
# Runs of text are broken at spaces and punctuation (not at ー, which is part of katakana).
_SPLIT_PUNCT = re.compile(
    r"[\s\u3000、。・，．,.!?！？「」『』（）()\[\]【】〈〉《》:：;；/／\-〜~]+"
)


def _tokenizers():  # type: ignore[no-untyped-def]
    tokenizers = getattr(_local, "tokenizers", None)
    if tokenizers is None:
        from sudachipy import SplitMode

        dictionary = _dictionary()
        # SudachiPy 0.7 renamed create() to tokenizer(); accept both.
        make = getattr(dictionary, "tokenizer", None) or dictionary.create
        tokenizers = (make(mode=SplitMode.C), make(mode=SplitMode.A))
        _local.tokenizers = tokenizers
    return tokenizers


@lru_cache(maxsize=1)
def _dictionary():  # type: ignore[no-untyped-def]
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def normalise(text: str) -> str:
    """NFKC (full-width ASCII → ASCII, half-width kana → full-width) and lower case."""
    return unicodedata.normalize("NFKC", text or "").lower()


def _keep(morpheme) -> bool:  # type: ignore[no-untyped-def]
    pos = morpheme.part_of_speech()
    if pos[0] not in CONTENT_POS:
        return False
    if pos[1] in {"数詞", "非自立可能"} and pos[0] == "名詞":
        return False
    form = morpheme.normalized_form()
    return form not in STOP_WORDS and len(form.strip()) > 0


def content_tokens(text: str) -> list[str]:
    """Normalised content words of `text`, in order, with compound parts after each compound.

    >>> content_tokens("子どもの活動")
    ['子供', '活動']
    """
    text = normalise(text)
    if not text.strip():
        return []
    mode_c, mode_a = _tokenizers()
    tokens: list[str] = []
    # Sudachi refuses inputs over ~49 KB; postings are far shorter, but cut safely anyway.
    for chunk in _chunks(text, 4000):
        for morpheme in mode_c.tokenize(chunk):
            if not _keep(morpheme):
                continue
            form = _form(morpheme)
            tokens.append(form)
            if len(morpheme.surface()) > 2:
                for part in mode_a.tokenize(morpheme.surface()):
                    if _keep(part):
                        sub = _form(part)
                        if sub != form:
                            tokens.append(sub)
    return tokens


def _form(morpheme) -> str:  # type: ignore[no-untyped-def]
    """The normalised form; for a verb in its 連用形 used as a noun (取り組み, 見守り) Sudachi
    gives the verb's dictionary form (取り組む), which would not meet the noun in other
    texts, so verbs are keyed by their normalised 連用形 surface when it ends in い-row kana."""
    form = morpheme.normalized_form()
    if morpheme.part_of_speech()[0] == "動詞" and morpheme.part_of_speech()[5].startswith("連用形"):
        surface = morpheme.surface()
        if surface and surface[-1] in "いきしちにひみりぎじびぴえけせてねへめれげぜでべぺ":
            # Re-normalise the surface as a noun: 取り組み/取組 both map to 取り組み.
            return _noun_form(surface) or form
    return form


@lru_cache(maxsize=20_000)
def _noun_form(surface: str) -> str | None:
    mode_c, _mode_a = _tokenizers()
    morphemes = list(mode_c.tokenize(surface))
    if len(morphemes) == 1 and morphemes[0].part_of_speech()[0] == "名詞":
        return morphemes[0].normalized_form()
    return None


def _chunks(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def char_ngrams(text: str, n: int = 2) -> list[str]:
    """Character n-grams within runs of text (punctuation and spaces break runs)."""
    grams: list[str] = []
    for run in _SPLIT_PUNCT.split(normalise(text)):
        if len(run) < n:
            if run:
                grams.append(run)
            continue
        grams.extend(run[i : i + n] for i in range(len(run) - n + 1))
    return grams


def warm_up() -> None:
    """Load the dictionary now (worker start) rather than on the first request."""
    content_tokens("準備")
