"""Themes inferred from text when the poster chose none.

Each domain theme (partners.reference_data slugs) has cue words in SudachiPy's normalised
forms (what matching.analysis.content_tokens produces). A posting gets a theme when at least
one cue occurs; SDG goals follow from the domain themes through SDG_OF_THEME. Pure data.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

THEME_CUES: dict[str, frozenset[str]] = {
    theme: frozenset(words.split())
    for theme, words in {
        "population": "人口 人口減少 過疎 少子 少子化 高齢化 担い手 関係人口",
        "migration": "移住 定住 移住者 UIターン Uターン Iターン 二地域居住 空き家 お試し",
        "tourism": "観光 観光客 旅行 旅行者 インバウンド 宿泊 旅館 民泊 ツーリズム 誘客 周遊 "
        "観光地 名所 温泉 外国人",
        "local-industry": "地場産業 商店街 伝統工芸 工芸 職人 特産品 ものづくり 製造 産地 "
        "地域経済 中小企業 商店",
        "business-succession": "事業承継 後継者 承継 廃業 継業",
        "employment": "雇用 就職 就労 採用 人材 働き方 キャリア 職業 インターン インターンシップ",
        "agriculture": "農業 農家 農地 耕作放棄地 耕作 作物 農産物 米 野菜 果樹 スマート農業 "
        "6次産業化 農村",
        "fisheries": "漁業 漁師 漁村 水産 水産業 魚 養殖 漁港 海産物",
        "forestry": "林業 森林 木材 間伐 山林 森",
        "food": "食 食品 食材 食育 給食 料理 加工品 特産 フードロス 食品ロス 食堂",
        "health": "健康 医療 病院 運動 健診 予防 保健 フレイル",
        "welfare": "福祉 障害 障害者 生活困窮 孤立 共生 バリアフリー",
        "elderly-care": "高齢者 お年寄り シニア 介護 見守り 認知症 独居",
        "childcare": "子育て 保育 子供 乳幼児 親子 保育園 放課後 学童",
        "education": "教育 学習 探究 授業 生徒 児童 学生 出前授業 キャリア教育 PBL 学校 "
        "プログラミング",
        "culture": "文化 伝統 祭り 文化財 歴史 郷土 伝統芸能 方言 遺産",
        "arts": "芸術 アート 音楽 美術 デザイン 演劇 アーティスト",
        "sports": "スポーツ 運動 部活動 競技 大会 サッカー 野球 マラソン",
        "environment": "環境 自然 ごみ リサイクル 海洋ごみ 生物多様性 清掃 プラスチック "
        "環境教育 里山",
        "energy": "エネルギー 再生可能エネルギー 太陽光 風力 脱炭素 省エネ カーボン 電力 "
        "バイオマス 水素",
        "disaster-prevention": "防災 減災 災害 避難 地震 津波 豪雨 洪水 土砂 ハザードマップ "
        "避難所 備蓄",
        "mobility": "交通 バス 移動 公共交通 デマンド オンデマンド 買い物 ライドシェア 鉄道 "
        "モビリティ 自動運転",
        "dx": "DX デジタル ICT IT データ オープンデータ アプリ AI システム オンライン "
        "ドローン センサー",
    }.items()
}

# The SDG goals a domain theme most directly serves.
SDG_OF_THEME: dict[str, tuple[int, ...]] = {
    "population": (11,),
    "migration": (11,),
    "tourism": (8, 11),
    "local-industry": (8, 9),
    "business-succession": (8,),
    "employment": (8,),
    "agriculture": (2, 15),
    "fisheries": (14,),
    "forestry": (15,),
    "food": (2, 12),
    "health": (3,),
    "welfare": (3, 10),
    "elderly-care": (3,),
    "childcare": (4, 5),
    "education": (4,),
    "culture": (11,),
    "arts": (11,),
    "sports": (3,),
    "environment": (12, 13, 14, 15),
    "energy": (7, 13),
    "disaster-prevention": (11, 13),
    "mobility": (9, 11),
    "dx": (9,),
}


@lru_cache(maxsize=1)
def normalised_cues() -> dict[str, frozenset[str]]:
    """The cue words as the analyser normalises them (お年寄り, 子ども… become the forms
    that postings' tokens carry), plus the words as written."""
    from .analysis import content_tokens

    normalised: dict[str, frozenset[str]] = {}
    for theme, cues in THEME_CUES.items():
        words = set(cues)
        for cue in cues:
            tokens = content_tokens(cue)
            # Only a cue that stays one word adds its normalised form (お年寄り → 御年寄り);
            # parts of a compound (二地域居住 → 地域, 6次産業化 → 産業) are too generic.
            if len(set(tokens)) == 1 and len(tokens[0]) >= len(cue) - 1:
                words.add(tokens[0])
        normalised[theme] = frozenset(words)
    return normalised


def infer_themes(tokens: Iterable[str]) -> frozenset[str]:
    """Domain theme slugs and "sdg-N" slugs suggested by the words."""
    words = set(tokens)
    themes = {theme for theme, cues in normalised_cues().items() if words & cues}
    sdgs = {f"sdg-{n}" for theme in themes for n in SDG_OF_THEME.get(theme, ())}
    return frozenset(themes | sdgs)
