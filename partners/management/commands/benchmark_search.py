"""`manage.py benchmark_search`: time the posting search on a large synthetic data set.

It never touches the configured database's data. On the PostgreSQL server of the `default`
connection it creates a scratch database `<NAME>_bench` (dropped first if it exists), points
the `default` connection at it for the duration of the run, migrates it, loads the reference
data, generates N realistic postings, runs ANALYZE and then times what the posting list page
does for a set of typical searches: `partners.selectors.posting_search` (the capped, ordered
keys: at most SEARCH_CAP matches, so "matches" reads e.g. "500+" when the cap was hit), the
paginator over them and the first page of 20 rows with its select_related/prefetch. The
scratch database is dropped at the end unless --keep is given.

Figures are printed, never asserted (QUALITY.md target: p95 < 50 ms at 100,000 postings).
With --json the last line of the output is one JSON object with every figure.

Generation is fast because the Japanese text is composed from phrase pools: every distinct
phrase is analysed with SudachiPy (matching.analysis) once, and each posting's
search_tokens/search_ngrams are the concatenation of its phrases' precomputed tokens and
bigrams, in the order partners.services.postings.posting_text joins the fields. Phrases end
in punctuation, so the bigrams are exactly what analysing the whole text would give; the
tokens can differ only where Sudachi would read across a sentence boundary.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sankangaku_benchbase \\
        python manage.py benchmark_search --postings 100000 --explain
"""

from __future__ import annotations

import json
import os
import random
import statistics
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.paginator import Paginator
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from matching.analysis import char_ngrams, content_tokens
from sankangaku.benchmarking import percentile, scratch_database

ALIAS = "default"
BATCH_SIZE = 5_000
PAGE_SIZE = 20  # partners.views.organisations.PAGE_SIZE, what the list page shows
SCRATCH_SUFFIX = "_bench"
FIDELITY_SAMPLE = 200
SIMILAR_SAMPLE = 30

# --- Phrase pools -------------------------------------------------------------------------
#
# One entry per theme: the domain theme slugs it is tagged with, SDG numbers it often carries,
# its popularity, and phrases for issues (課題) and strengths (強み). Earlier phrases in a list
# are picked more often (Zipf-like weights), and the "rare" sentences only now and then, so
# word frequencies look like real postings: 地域 in most rows, ジビエ in very few.


@dataclass(frozen=True)
class ThemePool:
    slugs: tuple[str, ...]
    sdgs: tuple[int, ...]
    weight: float
    issue_titles: tuple[str, ...]
    strength_titles: tuple[str, ...]
    issue: tuple[str, ...]
    strength: tuple[str, ...]
    rare: tuple[str, ...] = ()


POOLS: dict[str, ThemePool] = {
    "観光": ThemePool(
        slugs=("tourism",),
        sdgs=(8, 11),
        weight=1.4,
        issue_titles=(
            "観光客の滞在時間を延ばしたい",
            "インバウンド観光客の受け入れ体制づくり",
            "観光資源の磨き上げと情報発信",
            "観光DXで周遊データを活用したい",
            "閑散期の観光誘客策を一緒に考えてください",
            "外国人観光客向けの多言語案内を整えたい",
        ),
        strength_titles=(
            "観光プロモーションの企画と運営を支援します",
            "観光案内の多言語化を請け負います",
            "体験型観光プログラムの造成ノウハウ",
            "観光DXの導入を伴走支援します",
            "旅行商品の販売チャネルを提供します",
        ),
        issue=(
            "観光客の多くが日帰りで、宿泊や飲食への波及効果が限られています。",
            "地域の観光資源はあるものの、情報発信が十分ではありません。",
            "インバウンド需要を取り込みたいが、多言語対応が追いついていません。",
            "観光案内所の人手が不足し、繁忙期の対応が難しくなっています。",
            "観光DXとして人流データや予約データを分析し、周遊ルートを見直したいと考えています。",
            "閑散期の誘客が課題で、冬季の観光コンテンツが不足しています。",
            "二次交通が弱く、駅から観光地までの移動手段が限られています。",
            "観光協会と事業者の連携が弱く、地域全体での受け入れ体制が整っていません。",
        ),
        strength=(
            "観光プロモーションの企画から動画制作、SNS運用まで一貫して対応できます。",
            "外国語対応スタッフが在籍し、多言語の観光案内や翻訳を提供できます。",
            "体験型観光プログラムを全国で企画運営してきた実績があります。",
            "予約システムと人流データの分析により観光DXを支援します。",
            "旅行会社として旅行商品の造成と販売を担うことができます。",
            "地域の食や文化を生かしたツアーづくりを得意としています。",
        ),
        rare=(
            "サイクルツーリズムの拠点づくりを検討しています。",
            "ワーケーション施設の誘致に関心があります。",
            "酒蔵ツーリズムとして日本酒の試飲と蔵見学を組み合わせたい。",
            "アドベンチャーツーリズムの受け入れを始めたいと考えています。",
        ),
    ),
    "防災": ThemePool(
        slugs=("disaster-prevention",),
        sdgs=(11, 13),
        weight=0.9,
        issue_titles=(
            "地域の防災力を高めたい",
            "避難所運営の見直しに協力してください",
            "災害時の情報伝達手段を確保したい",
            "自主防災組織の担い手不足",
            "防災教育のプログラムを探しています",
        ),
        strength_titles=(
            "防災訓練の企画と実施を支援します",
            "災害時の物資供給で協力できます",
            "防災アプリと情報配信システムを提供します",
            "非常用電源の貸し出しが可能です",
        ),
        issue=(
            "大雨や地震への備えとして、地域の防災体制を見直す必要があります。",
            "自主防災組織の高齢化が進み、防災訓練の参加者が減っています。",
            "避難所の運営マニュアルが古く、女性や要配慮者の視点が不足しています。",
            "災害時に高齢者へ確実に情報を届ける手段が課題です。",
            "ハザードマップの周知が進まず、住民の防災意識に差があります。",
            "防災備蓄品の管理と更新に手間がかかっています。",
            "土砂災害警戒区域に住む世帯の避難支援を強化したいと考えています。",
        ),
        strength=(
            "防災訓練の企画運営と防災教育の講師派遣を行っています。",
            "災害時の物資供給に関する協定の締結が可能です。",
            "防災アプリや緊急情報の一斉配信システムを提供できます。",
            "非常用電源や蓄電池を災害時に貸し出すことができます。",
            "建物の耐震診断と防災改修の技術を持っています。",
        ),
        rare=(
            "ドローンを使った被災状況の把握を試したいと考えています。",
            "防災キャンプとして親子で避難生活を体験する企画を考えています。",
            "津波避難タワーの維持管理が課題です。",
        ),
    ),
    "子育て": ThemePool(
        slugs=("childcare",),
        sdgs=(3, 4, 5),
        weight=1.0,
        issue_titles=(
            "子育て世帯の孤立を防ぎたい",
            "放課後の子どもの居場所づくり",
            "登下校時の子どもの見守り体制",
            "共働き世帯の子育て支援を充実させたい",
            "子ども食堂の運営を支えてください",
        ),
        strength_titles=(
            "子育て支援アプリを提供します",
            "子どもの見守りサービスで協力できます",
            "社員ボランティアで子ども食堂を支援します",
            "親子向けワークショップを開催できます",
        ),
        issue=(
            "子育て世帯が地域で孤立しがちで、相談できる場が不足しています。",
            "放課後に子どもが安心して過ごせる居場所が足りません。",
            "登下校時の子どもの見守りを担う地域の人材が減っています。",
            "共働き世帯が増え、病児保育や一時預かりの需要が高まっています。",
            "子ども食堂の食材確保と運営スタッフの確保が課題です。",
            "子育て支援の情報が分散しており、必要な家庭に届いていません。",
        ),
        strength=(
            "子育て支援アプリで行政情報や予防接種の通知を届けることができます。",
            "GPS端末を使った子どもの見守りサービスを提供しています。",
            "社員ボランティアが子ども食堂の運営や食材提供に協力できます。",
            "親子向けの体験型ワークショップを企画運営しています。",
            "保育士資格を持つスタッフが一時預かりに対応できます。",
        ),
        rare=(
            "ひとり親家庭への学習支援とフードパントリーを組み合わせたい。",
            "産後ケアの訪問サービスを地域に広げたいと考えています。",
        ),
    ),
    "高齢者": ThemePool(
        slugs=("elderly-care", "welfare"),
        sdgs=(3, 10),
        weight=1.0,
        issue_titles=(
            "高齢者の見守り体制を強化したい",
            "買い物弱者への支援策",
            "介護人材の確保と定着",
            "高齢者の社会参加を促したい",
            "独居高齢者の孤立を防ぎたい",
        ),
        strength_titles=(
            "高齢者見守りセンサーを提供します",
            "移動販売で買い物支援ができます",
            "介護現場の業務効率化を支援します",
            "シニア向けスマホ教室を開催します",
        ),
        issue=(
            "独居の高齢者が増え、日常的な見守りが追いついていません。",
            "商店の撤退により、高齢者の買い物が困難になっています。",
            "介護人材の確保が難しく、事業所の負担が大きくなっています。",
            "高齢者の外出機会が減り、フレイル予防が課題となっています。",
            "認知症の方と家族を地域で支える仕組みが必要です。",
            "高齢者のデジタル機器の利用を支援する人材が不足しています。",
        ),
        strength=(
            "電力データや人感センサーを使った高齢者の見守りサービスを提供しています。",
            "移動販売車による買い物支援を行うことができます。",
            "介護記録の電子化など介護現場の業務効率化を支援できます。",
            "シニア向けのスマホ教室を各地で開催してきました。",
            "配食サービスと安否確認を組み合わせて提供できます。",
        ),
        rare=(
            "eスポーツを使った高齢者の交流会を試してみたい。",
            "回想法を取り入れた認知症予防の講座を開いています。",
        ),
    ),
    "農業": ThemePool(
        slugs=("agriculture", "food"),
        sdgs=(2, 12, 15),
        weight=1.0,
        issue_titles=(
            "農業の担い手を確保したい",
            "耕作放棄地の活用策を募集します",
            "鳥獣被害への対策を一緒に考えてください",
            "地元農産物の販路を広げたい",
            "スマート農業を導入したい",
        ),
        strength_titles=(
            "スマート農業機器の実証に協力します",
            "農産物の加工と商品開発を支援します",
            "農作業の人材マッチングを提供します",
            "地元産品の販路開拓を支援します",
        ),
        issue=(
            "農業者の高齢化が進み、担い手の確保が急務です。",
            "耕作放棄地が増えており、農地の活用方法を探しています。",
            "イノシシやシカによる鳥獣被害が深刻です。",
            "地元の農産物の販路が限られ、価格が安定しません。",
            "スマート農業に関心はあるものの、導入費用と知識が不足しています。",
            "規格外の野菜が大量に廃棄されています。",
        ),
        strength=(
            "ドローンや自動操舵トラクターなどスマート農業機器の実証に協力できます。",
            "農産物の加工と商品開発、パッケージデザインを支援できます。",
            "繁忙期の農作業に人材を派遣するマッチングサービスを運営しています。",
            "首都圏の飲食店やスーパーへの販路開拓を支援できます。",
            "土壌分析と栽培指導のノウハウがあります。",
        ),
        rare=(
            "捕獲したシカやイノシシをジビエとして活用したいと考えています。",
            "棚田オーナー制度の参加者を募集しています。",
            "養蜂と果樹栽培を組み合わせた取り組みを広げたい。",
            "有機農業の産地づくりを目指しています。",
        ),
    ),
    "DX": ThemePool(
        slugs=("dx",),
        sdgs=(9, 17),
        weight=1.2,
        issue_titles=(
            "行政手続きのオンライン化を進めたい",
            "庁内業務のDXを推進したい",
            "中小企業のデジタル化を支援してほしい",
            "データ活用の人材を育てたい",
            "デジタル人材の確保が課題です",
        ),
        strength_titles=(
            "自治体DXの伴走支援を行います",
            "ノーコードツールの導入を支援します",
            "データ分析とダッシュボード構築",
            "デジタル人材の育成研修を提供します",
            "業務システムのクラウド移行を支援します",
        ),
        issue=(
            "行政手続きの多くが紙と押印に依存しており、オンライン化が遅れています。",
            "庁内の業務が属人化しており、DXを進める人材が不足しています。",
            "地域の中小企業でデジタル化が進まず、生産性が伸び悩んでいます。",
            "データは蓄積されているものの、政策立案に活用できていません。",
            "デジタル人材の採用が難しく、育成の仕組みも整っていません。",
            "窓口の混雑解消のため、予約やキャッシュレス決済を導入したいと考えています。",
        ),
        strength=(
            "自治体DXの計画策定から業務改善まで伴走支援してきた実績があります。",
            "ノーコードツールの導入と職員向けの研修を提供できます。",
            "オープンデータを活用したデータ分析とダッシュボード構築を得意としています。",
            "デジタル人材を育成する研修プログラムを提供しています。",
            "業務システムのクラウド移行とセキュリティ対策を支援できます。",
            "生成AIを業務に取り入れるための研修と導入支援を行っています。",
        ),
        rare=(
            "RPAで定型業務を自動化した事例を共有できます。",
            "デジタル地域通貨の導入を検討しています。",
            "マイナンバーカードの利活用を広げたいと考えています。",
        ),
    ),
    "環境": ThemePool(
        slugs=("environment",),
        sdgs=(7, 12, 13, 14, 15),
        weight=0.9,
        issue_titles=(
            "脱炭素の取り組みを進めたい",
            "海洋ごみの削減に取り組みたい",
            "食品ロスを減らしたい",
            "里山の保全活動を続けたい",
            "ごみの分別とリサイクルを徹底したい",
        ),
        strength_titles=(
            "脱炭素経営の支援を行います",
            "リサイクル技術を提供します",
            "環境教育のプログラムを提供します",
            "森林保全活動に社員が参加できます",
        ),
        issue=(
            "ゼロカーボンシティを宣言したものの、具体的な施策が定まっていません。",
            "海岸に漂着する海洋ごみの回収に人手が足りません。",
            "食品ロスの削減に向けて、事業者と住民の協力が必要です。",
            "里山の保全活動を担う団体の高齢化が進んでいます。",
            "ごみの分別が徹底されず、リサイクル率が伸びていません。",
            "公共施設の省エネルギー化を進めたいと考えています。",
        ),
        strength=(
            "温室効果ガス排出量の算定と脱炭素経営の支援を行っています。",
            "廃プラスチックのリサイクル技術を持っています。",
            "小中学校向けの環境教育プログラムを提供できます。",
            "社員による森林保全活動や清掃活動に参加できます。",
            "食品ロスを減らすためのフードシェアリングの仕組みを提供しています。",
        ),
        rare=(
            "ブルーカーボンとして藻場の再生に取り組みたい。",
            "生ごみの堆肥化を地域で循環させたいと考えています。",
            "ビオトープの整備を学校と一緒に進めたい。",
        ),
    ),
    "教育": ThemePool(
        slugs=("education",),
        sdgs=(4,),
        weight=1.1,
        issue_titles=(
            "探究学習の外部講師を探しています",
            "キャリア教育に協力してくれる企業を募集",
            "プログラミング教育の充実",
            "地域学習の教材づくり",
            "出前授業をお願いしたい",
        ),
        strength_titles=(
            "出前授業を無償で提供します",
            "キャリア教育の講師を派遣します",
            "プログラミング教材を提供します",
            "職場体験の受け入れが可能です",
        ),
        issue=(
            "総合的な探究の時間で、地域の課題を扱う外部講師を探しています。",
            "生徒のキャリア教育のため、職場体験を受け入れてくれる企業を募集しています。",
            "プログラミング教育を担当できる教員が不足しています。",
            "地域の歴史や産業を学ぶ教材を一緒に作りたいと考えています。",
            "理科の実験や科学教室を行う出前授業を希望しています。",
            "不登校の生徒の学びの場を確保したいと考えています。",
        ),
        strength=(
            "社員が講師となる出前授業を無償で提供しています。",
            "キャリア教育の講演や職業紹介のために講師を派遣できます。",
            "プログラミング教材と指導案を学校向けに提供できます。",
            "中学生と高校生の職場体験を受け入れることができます。",
            "大学の研究室として探究学習の指導に協力できます。",
        ),
        rare=(
            "STEAM教育の教材を共同で開発したいと考えています。",
            "高専の学生と地域課題解決のハッカソンを開きたい。",
        ),
    ),
    "移住": ThemePool(
        slugs=("migration", "population"),
        sdgs=(11,),
        weight=0.8,
        issue_titles=(
            "移住者を増やしたい",
            "空き家を活用した移住体験住宅",
            "関係人口を増やしたい",
            "若者の定住を促したい",
        ),
        strength_titles=(
            "移住希望者とのマッチングを支援します",
            "空き家の改修と活用を提案します",
            "地方でのテレワーク導入を支援します",
        ),
        issue=(
            "人口減少が続き、移住者の受け入れに力を入れています。",
            "空き家を活用した移住体験住宅の運営を担う事業者を探しています。",
            "都市部の人との関係人口を増やす仕組みが必要です。",
            "若者の転出が多く、定住につながる仕事と住まいが不足しています。",
            "移住相談の窓口はあるものの、移住後の定着支援が手薄です。",
        ),
        strength=(
            "移住希望者向けのマッチングサイトと相談会を運営しています。",
            "空き家の改修と活用の提案から運営まで対応できます。",
            "地方拠点でのテレワークやサテライトオフィスの導入を支援できます。",
            "副業人材と地域の事業者をつなぐサービスを提供しています。",
        ),
        rare=(
            "地域おこし協力隊の任期後の起業を支援したい。",
            "お試し移住の参加者に地元の仕事を体験してもらいたい。",
        ),
    ),
    "事業承継": ThemePool(
        slugs=("business-succession", "local-industry"),
        sdgs=(8,),
        weight=0.6,
        issue_titles=(
            "地元企業の事業承継を支援したい",
            "後継者不在の事業者とのマッチング",
            "商店街の活性化",
        ),
        strength_titles=(
            "事業承継の専門家を派遣します",
            "M&Aによる事業承継を仲介します",
            "創業支援のノウハウを提供します",
        ),
        issue=(
            "後継者が見つからず、廃業を考える事業者が増えています。",
            "地域の中小企業の事業承継を円滑に進める仕組みが必要です。",
            "商店街の空き店舗が増え、にぎわいが失われています。",
            "事業承継の相談先が分かりにくいという声があります。",
        ),
        strength=(
            "事業承継の専門家として経営者との面談と計画づくりを支援できます。",
            "M&Aによる事業承継の仲介とデューデリジェンスを行っています。",
            "創業希望者と後継者不在の事業者をつなぐ支援を行っています。",
            "空き店舗を活用した創業支援の実績があります。",
        ),
        rare=("第三者承継の事例を地域で共有する勉強会を開きたい。",),
    ),
    "伝統工芸": ThemePool(
        slugs=("culture", "local-industry"),
        sdgs=(8, 11),
        weight=0.5,
        issue_titles=(
            "伝統工芸の後継者を育てたい",
            "伝統工芸品の新しい販路",
            "祭りと伝統文化の継承",
        ),
        strength_titles=(
            "伝統工芸の技術を生かした商品開発",
            "工芸品の海外展開を支援します",
            "職人による体験教室を開きます",
        ),
        issue=(
            "伝統工芸の後継者不足が深刻で、技術の継承が危ぶまれています。",
            "伝統工芸品の需要が減り、新しい販路を探しています。",
            "地域の祭りや伝統文化を担う若い世代が減っています。",
            "工房の設備が古く、生産性の向上が課題です。",
        ),
        strength=(
            "伝統工芸の技術を生かした現代的な商品開発を行っています。",
            "工芸品の海外展開と越境ECを支援できます。",
            "職人による体験教室や工房見学を受け入れています。",
        ),
        rare=(
            "漆器の修理と金継ぎの技術を伝える講座を開きたい。",
            "藍染の原料となる藍の栽培を復活させたい。",
            "和紙の原料となる楮の生産者が減っています。",
        ),
    ),
    "地域交通": ThemePool(
        slugs=("mobility",),
        sdgs=(9, 11),
        weight=0.7,
        issue_titles=(
            "地域公共交通を維持したい",
            "高齢者の移動手段を確保したい",
            "デマンド交通の導入を検討しています",
        ),
        strength_titles=(
            "デマンド交通システムを提供します",
            "MaaSの実証に協力します",
            "送迎車両の共同運行を提案します",
        ),
        issue=(
            "路線バスの減便が続き、地域公共交通の維持が難しくなっています。",
            "運転免許を返納した高齢者の移動手段が不足しています。",
            "デマンド交通の導入を検討していますが、運行事業者が見つかりません。",
            "通学と通院の移動をまとめて支える仕組みが必要です。",
        ),
        strength=(
            "予約に応じて運行するデマンド交通システムを提供できます。",
            "交通と観光を組み合わせたMaaSの実証に協力できます。",
            "福祉施設の送迎車両を共同で運行する仕組みを提案できます。",
        ),
        rare=(
            "自動運転バスの実証運行を誘致したいと考えています。",
            "グリーンスローモビリティを観光地に導入したい。",
        ),
    ),
    "健康": ThemePool(
        slugs=("health",),
        sdgs=(3,),
        weight=0.8,
        issue_titles=(
            "住民の健康づくりを進めたい",
            "特定健診の受診率を上げたい",
            "地域医療の担い手を確保したい",
        ),
        strength_titles=(
            "健康アプリで住民の健康づくりを支援",
            "オンライン診療の導入を支援します",
            "健康経営のノウハウを共有します",
        ),
        issue=(
            "特定健診の受診率が低く、生活習慣病の予防が課題です。",
            "医師や看護師が不足し、地域医療の維持が難しくなっています。",
            "住民の運動習慣が少なく、健康づくりの機会を増やしたいと考えています。",
            "こころの健康に関する相談体制を強化したいと考えています。",
        ),
        strength=(
            "歩数や健診結果と連動した健康アプリを提供できます。",
            "オンライン診療の導入とへき地医療の支援を行っています。",
            "健康経営の取り組みを地域の企業と共有できます。",
            "管理栄養士による食生活の改善指導を提供できます。",
        ),
        rare=(
            "ナッジを活用した受診勧奨を試したいと考えています。",
            "ウェアラブル端末で高齢者の健康状態を把握したい。",
        ),
    ),
    "スポーツ": ThemePool(
        slugs=("sports",),
        sdgs=(3, 4),
        weight=0.6,
        issue_titles=(
            "部活動の地域移行を進めたい",
            "スポーツを通じたまちづくり",
            "スポーツ大会の運営を支えてほしい",
        ),
        strength_titles=(
            "指導者を派遣できます",
            "スポーツ施設を開放します",
            "スポーツイベントの運営を支援します",
        ),
        issue=(
            "部活動の地域移行に向けて、指導者と活動場所の確保が課題です。",
            "スポーツを通じた交流人口の拡大を目指しています。",
            "マラソン大会の運営ボランティアが不足しています。",
        ),
        strength=(
            "資格を持つ指導者を部活動やスポーツ教室に派遣できます。",
            "自社のスポーツ施設を地域に開放することができます。",
            "スポーツイベントの企画運営と協賛を行っています。",
        ),
        rare=(
            "ボッチャを通じた障がい者スポーツの普及に取り組みたい。",
            "スポーツ合宿の誘致に力を入れています。",
        ),
    ),
    "エネルギー": ThemePool(
        slugs=("energy",),
        sdgs=(7, 13),
        weight=0.5,
        issue_titles=(
            "再生可能エネルギーの導入を進めたい",
            "地域新電力の設立を検討しています",
        ),
        strength_titles=(
            "太陽光発電の導入を支援します",
            "省エネ診断を提供します",
        ),
        issue=(
            "公共施設への太陽光発電と蓄電池の導入を検討しています。",
            "地域で生まれた再生可能エネルギーを地域で使う仕組みが必要です。",
            "地域新電力の設立に向けて、事業計画の策定を支援してほしい。",
        ),
        strength=(
            "太陽光発電と蓄電池の設計から施工、保守まで対応できます。",
            "工場や公共施設の省エネ診断を提供できます。",
            "PPAモデルによる初期費用のない再エネ導入を提案できます。",
        ),
        rare=(
            "木質バイオマスの熱利用を広げたいと考えています。",
            "小水力発電の適地調査を行いたい。",
        ),
    ),
    "水産": ThemePool(
        slugs=("fisheries",),
        sdgs=(14,),
        weight=0.4,
        issue_titles=("漁業の担い手を確保したい", "水産物のブランド化"),
        strength_titles=("水産加工の技術を提供します", "陸上養殖の実証に協力します"),
        issue=(
            "漁業者の高齢化と後継者不足が進んでいます。",
            "未利用魚の活用と水産物のブランド化を進めたいと考えています。",
            "海水温の上昇で漁獲量が減っています。",
        ),
        strength=(
            "水産加工と冷凍の技術で未利用魚を商品にできます。",
            "陸上養殖の設備と運用ノウハウを提供できます。",
        ),
        rare=("磯焼けの対策としてウニの駆除と蓄養を行いたい。",),
    ),
}

# Text that many postings share, whatever their theme: 地域, 連携, 協力 end up in most rows.
COMMON_ISSUE = (
    "地域の課題を一緒に解決してくれるパートナーを探しています。",
    "地域の担い手が不足しており、外部の力を借りたいと考えています。",
    "民間企業や大学との連携により、地域の課題解決を目指します。",
    "まずは小さな実証から始め、効果を確かめたいと考えています。",
    "地域住民の声を聞きながら進めることを大切にしています。",
    "人口減少と高齢化が進む中で、持続可能な地域づくりが求められています。",
)
COMMON_STRENGTH = (
    "地域の課題解決に貢献したいと考えています。",
    "これまで各地の自治体や学校と連携してきた実績があります。",
    "社会貢献活動の一環として、地域との協働を進めています。",
    "自社の強みを生かして地域に貢献したいと考えています。",
    "全国の拠点を生かして、地域の取り組みを支援できます。",
)
PARTNERSHIP_FORMS = (
    "委託や協定など、形式は柔軟に相談できます。",
    "企業版ふるさと納税による支援も歓迎します。",
    "協賛や現物の提供による協力をお願いしたいと考えています。",
    "共同での実証事業として進めることを想定しています。",
    "ボランティアやプロボノでの参加も歓迎します。",
)
CONSTRAINTS = (
    "予算は限られているため、費用の分担を相談させてください。",
    "年度内に成果を確認できることが望ましいです。",
    "個人情報の取り扱いには十分な配慮が必要です。",
    "平日の日中に打ち合わせができる方を希望します。",
)
CONDITIONS = (
    "交通費などの実費のみご負担いただければ対応できます。",
    "年間数件まで無償で対応しています。",
    "事前に打ち合わせを行い、内容を調整させていただきます。",
    "オンラインでの対応も可能です。",
)
CAPACITY = (
    "月に二件程度まで対応できます。",
    "年間を通じて対応可能です。",
    "繁忙期を除き、随時相談に応じます。",
)

COMPANY_WORDS = (
    "みらい",
    "さくら",
    "あおば",
    "ひかり",
    "つなぐ",
    "ふるさと",
    "グリーン",
    "テクノ",
    "ソリューションズ",
    "デザイン",
    "ネットワーク",
    "ラボ",
    "クリエイト",
    "ホールディングス",
    "システム",
    "フーズ",
    "トラベル",
    "エナジー",
    "ケア",
    "コンサルティング",
)
SCHOOL_SUFFIXES = (
    ("elementary", "小学校", 1, 6),
    ("junior_high", "中学校", 7, 9),
    ("high", "高等学校", 10, 12),
    ("university", "大学", None, None),
    ("technical_college", "工業高等専門学校", None, None),
)
FUNDING_WEIGHTS = {
    "undecided": 40,
    "commission": 18,
    "corporate_furusato": 12,
    "sponsorship": 10,
    "in_kind": 12,
    "volunteer": 8,
}


# --- The searches that are timed ------------------------------------------------------------


@dataclass(frozen=True)
class SearchCase:
    name: str
    q: str
    filters: dict[str, Any]  # plain values; "prefecture" is a code, "theme" a slug


SEARCH_CASES = (
    SearchCase(
        "観光 DX + prefecture + direction", "観光 DX", {"prefecture": 1, "direction": "issue"}
    ),
    SearchCase(
        "子ども 見守り + region + kind", "子ども 見守り", {"region": "kanto", "kind": "school"}
    ),
    SearchCase(
        "防災 + theme + funding",
        "防災",
        {"theme": "disaster-prevention", "funding": "corporate_furusato"},
    ),
    SearchCase(
        "rare ジビエ + region + direction", "ジビエ", {"region": "chubu", "direction": "issue"}
    ),
    SearchCase(
        "common 地域 + direction + kind", "地域", {"direction": "strength", "kind": "company"}
    ),
    SearchCase("common 地域 連携 (no filters)", "地域 連携", {}),
    SearchCase(
        "n-gram fallback インバウン + region + direction",
        "インバウン",
        {"region": "kinki", "direction": "issue"},
    ),
    SearchCase(
        "miss 量子コンピュータ + prefecture + direction",
        "量子コンピュータ",
        {"prefecture": 13, "direction": "strength"},
    ),
    SearchCase("no text: prefecture + theme", "", {"prefecture": 27, "theme": "tourism"}),
)


# --- Helpers --------------------------------------------------------------------------------


def _zipf(count: int, exponent: float = 0.9) -> list[float]:
    return [1 / (rank + 1) ** exponent for rank in range(count)]


@dataclass
class Analysed:
    """search_tokens and search_ngrams parts of one phrase, computed once."""

    tokens: list[str]
    ngrams: list[str]


@dataclass
class PhraseCache:
    entries: dict[str, Analysed] = field(default_factory=dict)
    theme_tokens: dict[tuple[int, ...], list[str]] = field(default_factory=dict)

    def get(self, phrase: str) -> Analysed:
        entry = self.entries.get(phrase)
        if entry is None:
            entry = Analysed(content_tokens(phrase), char_ngrams(phrase))
            self.entries[phrase] = entry
        return entry


# --- The command ----------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Benchmark the posting search on a scratch PostgreSQL database (<NAME>_bench) filled "
        "with N synthetic postings. Prints p50/p95/max per search, index sizes and generation "
        "time; never asserts. The configured database is not touched."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--postings", type=int, default=100_000, help="default 100000")
        parser.add_argument("--organisations", type=int, default=3_000, help="default 3000 (≥ 100)")
        parser.add_argument("--repeat", type=int, default=30, help="timed runs per search")
        parser.add_argument("--warmup", type=int, default=3, help="untimed runs per search")
        parser.add_argument("--seed", type=int, default=20260401)
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database afterwards"
        )
        parser.add_argument(
            "--json", action="store_true", help="print all figures as JSON on the last line"
        )
        parser.add_argument(
            "--explain",
            action="store_true",
            help="print EXPLAIN (ANALYZE, BUFFERS) of the slowest search's SQL",
        )

    # -- entry point --------------------------------------------------------------------------

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[ALIAS]
        if connection.vendor != "postgresql":
            raise CommandError(
                "benchmark_search runs on PostgreSQL only (the search relies on its GIN "
                f"full-text indexes); the '{ALIAS}' database is {connection.vendor}. Set "
                "DATABASE_URL=postgres://USER@HOST:PORT/NAME; a scratch database NAME"
                f"{SCRATCH_SUFFIX} is created on that server and the database NAME itself is "
                "not touched."
            )
        if options["postings"] < 1 or options["repeat"] < 1 or options["organisations"] < 100:
            raise CommandError("--postings and --repeat must be ≥ 1, --organisations ≥ 100.")

        self.verbose = options["verbosity"] > 0
        self.figures: dict[str, Any] = {
            "postings_requested": options["postings"],
            "repeat": options["repeat"],
            "seed": options["seed"],
        }
        with scratch_database(SCRATCH_SUFFIX, keep=options["keep"], say=self.say) as name:
            self.figures["database"] = name
            self._prepare_schema()
            self._generate(options)
            self._measure(options)
            self._measure_similar(options)
            self._sizes()
            if options["explain"]:
                self._explain_slowest(options)
            self._report()
        if options["json"]:
            self.stdout.write(json.dumps(self.figures, ensure_ascii=False, sort_keys=True))

    def say(self, line: str = "") -> None:
        if self.verbose:
            self.stdout.write(line)

    def _prepare_schema(self) -> None:
        started = time.perf_counter()
        call_command("migrate", database=ALIAS, interactive=False, verbosity=0)
        # load_reference_data has no --database option: it writes through `default`, which
        # points at the scratch database for the whole run.
        from partners.management.commands.load_reference_data import reference_data_load

        reference_data_load()
        self.figures["schema_seconds"] = round(time.perf_counter() - started, 2)
        self.say(f"Migrated and loaded reference data in {self.figures['schema_seconds']} s.")

    # -- generation ---------------------------------------------------------------------------

    def _generate(self, options: dict[str, Any]) -> None:
        from partners.models import (
            LocalGovernment,
            Organisation,
            OrganisationKind,
            Posting,
            Theme,
            VerificationStatus,
        )

        rng = random.Random(options["seed"])
        started = time.perf_counter()
        now = timezone.now()
        today = timezone.localdate()
        cache = PhraseCache()

        municipalities = list(
            LocalGovernment.objects.exclude(level=LocalGovernment.Level.PREFECTURE).select_related(
                "prefecture"
            )
        )
        tokyo = [lg for lg in municipalities if lg.prefecture_id == 13]
        themes_by_slug = {t.slug: t for t in Theme.objects.all()}
        sdg_by_number = {t.number: t for t in themes_by_slug.values() if t.number}

        # Organisations: half companies (a quarter of them in Tokyo), a quarter municipalities
        # (each its own local government), a quarter schools; all verified, so all may post.
        organisations: list[Organisation] = []
        n_orgs = options["organisations"]
        municipal_lgs = rng.sample(municipalities, min(n_orgs // 4, len(municipalities)))
        for lg in municipal_lgs:
            organisations.append(
                Organisation(
                    kind=OrganisationKind.MUNICIPALITY,
                    name=f"{lg.prefecture.name}{lg.name}",
                    prefecture_id=lg.prefecture_id,
                    location=lg,
                    local_government=lg,
                    verification_status=VerificationStatus.VERIFIED,
                    verified_at=now,
                )
            )
        n_schools = n_orgs // 4
        for index in range(n_orgs - len(organisations) - n_schools):
            lg = rng.choice(tokyo) if rng.random() < 0.25 else rng.choice(municipalities)
            words = rng.sample(COMPANY_WORDS, 2)
            organisations.append(
                Organisation(
                    kind=OrganisationKind.COMPANY,
                    name=f"株式会社{words[0]}{words[1]}{index}",
                    prefecture_id=lg.prefecture_id,
                    location=lg,
                    legal_form=rng.choice(["kk", "kk", "kk", "gk", "npo", "ippan_shadan"]),
                    verification_status=VerificationStatus.VERIFIED,
                    verified_at=now,
                )
            )
        for index in range(n_schools):
            lg = rng.choice(municipalities)
            school_kind, suffix, grade_from, grade_to = rng.choices(
                SCHOOL_SUFFIXES, weights=[35, 25, 25, 10, 5]
            )[0]
            organisations.append(
                Organisation(
                    kind=OrganisationKind.SCHOOL,
                    name=f"{lg.name}立第{index}{suffix}",
                    prefecture_id=lg.prefecture_id,
                    location=lg,
                    school_kind=school_kind,
                    grade_from=grade_from,
                    grade_to=grade_to,
                    verification_status=VerificationStatus.VERIFIED,
                    verified_at=now,
                )
            )
        Organisation.objects.bulk_create(organisations, batch_size=1_000)
        lg_by_code = {lg.code: lg for lg in municipalities}

        pool_names = list(POOLS)
        pool_weights = [POOLS[name].weight for name in pool_names]
        funding_routes = list(FUNDING_WEIGHTS)
        funding_weights = list(FUNDING_WEIGHTS.values())
        Through = Posting.themes.through

        def pick(phrases: tuple[str, ...]) -> str:
            return rng.choices(phrases, weights=_zipf(len(phrases)))[0]

        def sentences(pool: ThemePool, direction: str, count: int) -> list[str]:
            phrases = pool.issue if direction == "issue" else pool.strength
            chosen = [pick(phrases) for _ in range(count)]
            if pool.rare and rng.random() < 0.04:
                chosen.append(rng.choice(pool.rare))
            return list(dict.fromkeys(chosen))

        def compose(parts: list[list[str]]) -> tuple[str, str]:
            """The phrases of each field, in order → (search_tokens, search_ngrams)."""
            tokens: list[str] = []
            ngrams: list[str] = []
            for phrases in parts:
                for phrase in phrases:
                    analysed = cache.get(phrase)
                    tokens.extend(analysed.tokens)
                    ngrams.extend(analysed.ngrams)
            return " ".join(tokens), " ".join(ngrams)

        total = options["postings"]
        fidelity_sample: list[tuple[Posting, tuple[int, ...]]] = []
        created = 0
        through_rows = 0
        insert_seconds = 0.0
        while created < total:
            batch: list[Posting] = []
            batch_themes: list[list[int]] = []
            for _ in range(min(BATCH_SIZE, total - created)):
                organisation = rng.choice(organisations)
                kind = organisation.kind
                issue_share = {"municipality": 0.8, "school": 0.7, "company": 0.25}[kind]
                direction = "issue" if rng.random() < issue_share else "strength"
                pool_name = rng.choices(pool_names, weights=pool_weights)[0]
                pool = POOLS[pool_name]
                second = None
                if rng.random() < 0.3:
                    second = POOLS[rng.choices(pool_names, weights=pool_weights)[0]]
                    if second is pool:
                        second = None

                titles = pool.issue_titles if direction == "issue" else pool.strength_titles
                title_parts = [pick(titles)]
                if kind == "municipality" and rng.random() < 0.4:
                    lg = lg_by_code[organisation.location_id]
                    title_parts.insert(0, f"【{lg.name}】")
                title = "".join(title_parts)

                body_parts = sentences(pool, direction, rng.randint(2, 4))
                if second is not None:
                    body_parts += sentences(second, direction, rng.randint(1, 2))
                common = COMMON_ISSUE if direction == "issue" else COMMON_STRENGTH
                if rng.random() < 0.85:
                    body_parts.append(pick(common))
                body_parts = list(dict.fromkeys(body_parts))

                fields: dict[str, list[str]] = {}
                if direction == "issue":
                    fields["situation"] = sentences(pool, "issue", 1)
                    fields["desired_outcome"] = [pick(common)]
                    if rng.random() < 0.6:
                        fields["constraints"] = [rng.choice(CONSTRAINTS)]
                    if rng.random() < 0.7:
                        fields["partnership_forms"] = [rng.choice(PARTNERSHIP_FORMS)]
                else:
                    fields["offer_what"] = sentences(pool, "strength", 1)
                    if rng.random() < 0.7:
                        fields["conditions"] = [rng.choice(CONDITIONS)]
                    if rng.random() < 0.5:
                        fields["capacity"] = [rng.choice(CAPACITY)]

                theme_ids = [themes_by_slug[slug].pk for slug in pool.slugs[:1]]
                if len(pool.slugs) > 1 and rng.random() < 0.5:
                    theme_ids.append(themes_by_slug[pool.slugs[1]].pk)
                if second is not None and rng.random() < 0.5:
                    theme_ids.append(themes_by_slug[second.slugs[0]].pk)
                if rng.random() < 0.6:
                    theme_ids.append(sdg_by_number[rng.choice(pool.sdgs)].pk)
                theme_ids = list(dict.fromkeys(theme_ids))
                key = tuple(sorted(theme_ids))
                if key not in cache.theme_tokens:
                    names = " ".join(t.name_ja for t in themes_by_slug.values() if t.pk in key)
                    cache.theme_tokens[key] = content_tokens(names)

                # Same order as partners.services.postings.SEARCH_FIELDS (title twice).
                ordered = [title_parts, title_parts, body_parts]
                ordered += [
                    fields.get(name, [])
                    for name in (
                        "situation",
                        "desired_outcome",
                        "constraints",
                        "assets",
                        "partnership_forms",
                        "offer_what",
                        "offer_for_whom",
                        "conditions",
                        "capacity",
                    )
                ]
                tokens, ngrams = compose(ordered)
                tokens = " ".join(filter(None, [tokens, " ".join(cache.theme_tokens[key])]))

                published = now - timedelta(seconds=rng.randint(0, 365 * 86_400))
                roll = rng.random()
                status = "open" if roll < 0.92 else ("closed" if roll < 0.97 else "draft")
                roll = rng.random()
                visibility = (
                    "public" if roll < 0.85 else ("members" if roll < 0.95 else "coordinators")
                )
                scope_roll = rng.random()
                if scope_roll < 0.65:
                    place_scope, prefecture_id, location_id = (
                        "municipality",
                        organisation.prefecture_id,
                        organisation.location_id,
                    )
                elif scope_roll < 0.85:
                    place_scope, prefecture_id, location_id = (
                        "prefecture",
                        organisation.prefecture_id,
                        None,
                    )
                elif scope_roll < 0.95:
                    place_scope, prefecture_id, location_id = "nationwide", None, None
                else:
                    place_scope, prefecture_id, location_id = "online", None, None
                starts_on = ends_on = None
                if rng.random() < 0.5:
                    starts_on = today + timedelta(days=rng.randint(-120, 120))
                    ends_on = starts_on + timedelta(days=rng.randint(30, 365))
                is_open_call = (
                    direction == "issue" and kind == "municipality" and rng.random() < 0.1
                )
                posting = Posting(
                    organisation=organisation,
                    direction=direction,
                    title=title,
                    body="".join(body_parts),
                )
                for name, phrases in fields.items():
                    setattr(posting, name, "".join(phrases))
                posting.place_scope = place_scope
                posting.prefecture_id = prefecture_id
                posting.location_id = location_id
                posting.online_ok = rng.random() < 0.4
                posting.starts_on = starts_on
                posting.ends_on = ends_on
                if kind == "school" and organisation.grade_from:
                    posting.grade_from = organisation.grade_from
                    posting.grade_to = organisation.grade_to
                    posting.school_year = today.year
                posting.funding_route = rng.choices(funding_routes, weights=funding_weights)[0]
                posting.status = status
                posting.visibility = visibility
                posting.published_at = published if status != "draft" else None
                posting.last_confirmed_at = posting.published_at
                posting.expires_on = today + timedelta(days=rng.randint(1, 180))
                posting.is_open_call = is_open_call
                if is_open_call:
                    posting.call_budget = rng.choice([500_000, 1_000_000, 3_000_000])
                    posting.call_deadline = today + timedelta(days=rng.randint(7, 90))
                posting.search_tokens = tokens
                posting.search_ngrams = ngrams
                batch.append(posting)
                batch_themes.append(theme_ids)
                if len(fidelity_sample) < FIDELITY_SAMPLE and rng.random() < 0.05:
                    fidelity_sample.append((posting, key))

            insert_started = time.perf_counter()
            Posting.objects.bulk_create(batch, batch_size=BATCH_SIZE)
            Through.objects.bulk_create(
                [
                    Through(posting_id=posting.pk, theme_id=theme_id)
                    for posting, theme_ids in zip(batch, batch_themes, strict=True)
                    for theme_id in theme_ids
                ],
                batch_size=BATCH_SIZE * 2,
            )
            insert_seconds += time.perf_counter() - insert_started
            through_rows += sum(len(ids) for ids in batch_themes)
            created += len(batch)
            if created % 20_000 == 0 or created == total:
                self.say(
                    f"  {created:>7,} postings  ({time.perf_counter() - started:6.1f} s, "
                    f"{len(cache.entries)} distinct phrases analysed)"
                )

        self._check_fidelity(fidelity_sample, cache, themes_by_slug)

        analyse_started = time.perf_counter()
        with connections[ALIAS].cursor() as cursor:
            cursor.execute("ANALYZE")
        analyse_seconds = time.perf_counter() - analyse_started

        self.figures.update(
            organisations=len(organisations),
            postings=created,
            posting_theme_rows=through_rows,
            distinct_phrases_analysed=len(cache.entries),
            generation_seconds=round(time.perf_counter() - started, 1),
            insert_seconds=round(insert_seconds, 1),
            analyze_seconds=round(analyse_seconds, 1),
        )
        self.say(
            f"Generated {len(organisations):,} organisations and {created:,} postings "
            f"({through_rows:,} theme links) in {self.figures['generation_seconds']} s "
            f"(of which INSERT {self.figures['insert_seconds']} s, ANALYZE "
            f"{self.figures['analyze_seconds']} s). Text was composed from phrase pools; each "
            f"of the {len(cache.entries)} distinct phrases was analysed by SudachiPy once and "
            "search_tokens/search_ngrams were concatenated from the precomputed results."
        )

    def _check_fidelity(
        self,
        sample: list[tuple[Any, tuple[int, ...]]],
        cache: PhraseCache,
        themes_by_slug: dict[str, Any],
    ) -> None:
        """Compare the composed search columns of a sample with a full analysis of the same
        text (what partners.services.postings does on save)."""
        from partners.services.postings import posting_text

        names = {t.pk: t.name_ja for t in themes_by_slug.values()}
        same_tokens = same_token_sets = same_ngrams = 0
        for posting, key in sample:
            text = posting_text(posting)
            tokens = content_tokens(text) + content_tokens(" ".join(names[pk] for pk in key))
            composed = posting.search_tokens.split()
            same_tokens += sorted(tokens) == sorted(composed)
            same_token_sets += set(tokens) == set(composed)
            same_ngrams += " ".join(char_ngrams(text)) == posting.search_ngrams
        n = len(sample) or 1
        self.figures["fidelity"] = {
            "sample": len(sample),
            "identical_tokens": round(same_tokens / n, 3),
            "identical_token_sets": round(same_token_sets / n, 3),
            "identical_ngrams": round(same_ngrams / n, 3),
        }
        self.say(
            f"Fidelity check on {len(sample)} postings against a full analysis of their text: "
            f"identical search_tokens {same_tokens}/{len(sample)} (same word set "
            f"{same_token_sets}/{len(sample)}), identical search_ngrams "
            f"{same_ngrams}/{len(sample)}."
        )

    # -- measurement --------------------------------------------------------------------------

    def _arguments(self, case: SearchCase) -> dict[str, Any]:
        from partners.models import Prefecture, Theme

        arguments: dict[str, Any] = {}
        if case.q:
            arguments["q"] = case.q
        for name, value in case.filters.items():
            if name == "prefecture":
                arguments[name] = Prefecture.objects.get(code=value)
            elif name == "theme":
                arguments[name] = Theme.objects.get(slug=value)
            else:
                arguments[name] = value
        return arguments

    @staticmethod
    def _run(arguments: dict[str, Any]) -> tuple[str, list[Any]]:
        """What partners.views.postings.posting_list evaluates, minus the template."""
        from partners.selectors import posting_search

        postings = posting_search(user=AnonymousUser(), **arguments)
        page = Paginator(postings, PAGE_SIZE).get_page(1)
        rows = list(page.object_list)
        for row in rows:  # what a card reads: all loaded by select_related/prefetch
            _ = (row.organisation.name, row.prefecture, [t.slug for t in row.themes.all()])
        capped = getattr(postings, "capped", False)
        return f"{page.paginator.count:,}{'+' if capped else ''}", rows

    def _measure(self, options: dict[str, Any]) -> None:
        cases = [(case, self._arguments(case)) for case in SEARCH_CASES]
        connection = connections[ALIAS]
        details: dict[str, dict[str, Any]] = {}
        for case, arguments in cases:
            for _ in range(options["warmup"]):
                self._run(arguments)
            with CaptureQueriesContext(connection) as captured:
                count, rows = self._run(arguments)
            details[case.name] = {
                "q": case.q,
                "filters": case.filters,
                "matches": count,
                "rows": len(rows),
                "queries": len(captured.captured_queries),
                "sql": [(q["sql"], float(q["time"])) for q in captured.captured_queries],
                "samples": [],
            }
        # Interleave the searches so that drift (autovacuum, caches) spreads evenly.
        for _ in range(options["repeat"]):
            for case, arguments in cases:
                started = time.perf_counter()
                self._run(arguments)
                details[case.name]["samples"].append((time.perf_counter() - started) * 1000)

        all_samples: list[float] = []
        text_samples: list[float] = []
        for case, _arguments in cases:
            entry = details[case.name]
            samples = entry["samples"]
            all_samples += samples
            if case.q:
                text_samples += samples
            entry.update(
                p50_ms=round(statistics.median(samples), 2),
                p95_ms=round(percentile(samples, 0.95), 2),
                max_ms=round(max(samples), 2),
            )
        self.details = details
        self.figures["searches"] = {
            name: {k: v for k, v in entry.items() if k not in ("sql", "samples")}
            for name, entry in details.items()
        }
        self.figures["overall_p50_ms"] = round(statistics.median(all_samples), 2)
        self.figures["overall_p95_ms"] = round(percentile(all_samples, 0.95), 2)
        self.figures["text_searches_p95_ms"] = round(percentile(text_samples, 0.95), 2)
        self.figures["target_p95_ms"] = 50

    def _measure_similar(self, options: dict[str, Any]) -> None:
        """Time partners.selectors.posting_similar (the "does this exist already?" check of the
        posting form) with the title and body of sample open postings, as someone would
        type them again."""
        from partners.models import Posting
        from partners.selectors import posting_similar

        rng = random.Random(options["seed"])
        pks = list(Posting.objects.filter(status="open").values_list("pk", flat=True))
        texts = list(
            Posting.objects.filter(pk__in=rng.sample(pks, min(SIMILAR_SAMPLE, len(pks))))
            .order_by("pk")
            .values_list("title", "body")
        )
        user = AnonymousUser()
        for title, body in texts[: options["warmup"]]:
            posting_similar(user=user, title=title, body=body)
        samples: list[float] = []
        found = 0
        for title, body in texts:
            started = time.perf_counter()
            found += bool(posting_similar(user=user, title=title, body=body))
            samples.append((time.perf_counter() - started) * 1000)
        self.figures["similar"] = {
            "texts": len(texts),
            "found_some": found,
            "p50_ms": round(statistics.median(samples), 2) if samples else None,
            "p95_ms": round(percentile(samples, 0.95), 2) if samples else None,
        }

    def _sizes(self) -> None:
        relations = {
            "partners_posting (heap)": "pg_relation_size('partners_posting')",
            "partners_posting (total, with TOAST and indexes)": (
                "pg_total_relation_size('partners_posting')"
            ),
            "partners_posting_open_search_gin": (
                "pg_relation_size('partners_posting_open_search_gin')"
            ),
            "partners_posting_open_newest": "pg_relation_size('partners_posting_open_newest')",
            "partners_posting_ngrams_gin": "pg_relation_size('partners_posting_ngrams_gin')",
            "partners_posting_themes": "pg_total_relation_size('partners_posting_themes')",
        }
        sizes: dict[str, dict[str, Any]] = {}
        with connections[ALIAS].cursor() as cursor:
            for label, expression in relations.items():
                cursor.execute(f"SELECT {expression}, pg_size_pretty({expression})")
                size, pretty = cursor.fetchone()
                sizes[label] = {"bytes": size, "pretty": pretty}
            cursor.execute("SELECT count(*) FROM partners_posting")
            self.figures["row_count"] = cursor.fetchone()[0]
            cursor.execute("SELECT count(*) FROM partners_posting WHERE status = 'open'")
            self.figures["open_count"] = cursor.fetchone()[0]
            self.figures["load_average"] = [round(x, 2) for x in os.getloadavg()]
            cursor.execute("SHOW server_version")
            self.figures["server_version"] = cursor.fetchone()[0]
            settings_seen = {}
            for name in ("work_mem", "shared_buffers", "jit", "max_parallel_workers_per_gather"):
                cursor.execute(f"SHOW {name}")
                settings_seen[name] = cursor.fetchone()[0]
            self.figures["server_settings"] = settings_seen
        self.figures["sizes"] = sizes

    def _explain_slowest(self, options: dict[str, Any]) -> None:
        slowest = max(self.details, key=lambda name: self.details[name]["p95_ms"])
        self.say("")
        self.say(f"EXPLAIN (ANALYZE, BUFFERS) for the slowest search: {slowest}")
        explained = []
        with connections[ALIAS].cursor() as cursor:
            for sql, seconds in self.details[slowest]["sql"]:
                if not sql.lstrip().upper().startswith("SELECT"):
                    continue
                cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
                plan = "\n".join(row[0] for row in cursor.fetchall())
                explained.append({"sql": sql, "seconds": seconds, "plan": plan})
                self.say("-" * 100)
                self.say(f"[{seconds * 1000:.1f} ms in the captured run] {sql}")
                self.say(plan)
        self.say("-" * 100)
        self.figures["explain"] = {"search": slowest, "statements": explained}

    # -- report -------------------------------------------------------------------------------

    def _report(self) -> None:
        f = self.figures
        self.say("")
        self.say(
            f"PostgreSQL {f['server_version']}, {f['row_count']:,} postings "
            f"({f['open_count']:,} open), {f['organisations']:,} organisations; settings "
            + ", ".join(f"{k}={v}" for k, v in f["server_settings"].items())
        )
        self.say(
            f"Load average (1/5/15 min) after the timings: {f['load_average']} on "
            f"{os.cpu_count()} CPUs — other work on the machine inflates p95 and max."
        )
        self.say(
            f"Generation {f['generation_seconds']} s (INSERT {f['insert_seconds']} s, ANALYZE "
            f"{f['analyze_seconds']} s; {f['distinct_phrases_analysed']} phrases analysed once)"
        )
        self.say("Sizes:")
        for label, size in f["sizes"].items():
            self.say(f"  {label:<50} {size['pretty']:>10}")
        self.say("")
        self.say(
            f"Search timings: posting_search + Paginator count + page 1 ({PAGE_SIZE} rows, "
            f"select_related/prefetch), anonymous user, {f['repeat']} runs each after warm-up"
        )
        header = (
            f"  {'search':<48} {'matches':>8} {'SQL':>4} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}"
        )
        self.say(header)
        for name, entry in self.details.items():
            self.say(
                f"  {name:<48} {entry['matches']:>8} {entry['queries']:>4} "
                f"{entry['p50_ms']:>8.1f} {entry['p95_ms']:>8.1f} {entry['max_ms']:>8.1f}"
            )
        verdict = "meets" if f["overall_p95_ms"] < f["target_p95_ms"] else "MISSES"
        self.say(
            f"  overall p50 {f['overall_p50_ms']:.1f} ms, p95 {f['overall_p95_ms']:.1f} ms "
            f"(text searches only: p95 {f['text_searches_p95_ms']:.1f} ms) — {verdict} the "
            f"QUALITY.md target p95 < {f['target_p95_ms']} ms"
        )
        similar = f["similar"]
        self.say(
            f"  posting_similar over {similar['texts']} sample postings' texts: p50 "
            f"{similar['p50_ms']} ms, p95 {similar['p95_ms']} ms (found look-alikes for "
            f"{similar['found_some']})"
        )
        self.say("")
        self.say("Per-statement times of one run of each search (ms):")
        for name, entry in self.details.items():
            parts = ", ".join(
                f"{_statement_kind(sql)} {seconds * 1000:.1f}" for sql, seconds in entry["sql"]
            )
            self.say(f"  {name:<48} {parts}")


def _statement_kind(sql: str) -> str:
    text = sql.strip().upper()
    if "_PREFETCH_RELATED_VAL_" in text:
        return "prefetch"
    if text.startswith("SELECT COUNT(*)"):
        return "count"
    if text.startswith("SELECT 1 AS") and text.endswith("LIMIT 1"):
        return "exists"
    if "TS_RANK(" in text:
        return "ranked keys"
    if text.startswith('SELECT "PARTNERS_POSTING"."ID" AS "PK" FROM'):
        return "keys"
    return "page"
