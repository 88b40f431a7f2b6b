"""Plain data for `manage.py seed_demo`: the demo organisations' postings (課題 and 強み).

Every text here was written for this demo. The companies and schools are fictional; the
municipalities are real local governments, so what they "post" is an illustration of issues
common to places like them, with no statistics or commitments claimed on their behalf.

Two parts:
- `BASE_POSTINGS`: hand-written postings, one at a time.
- `TOPICS` and `COMPOSED`: recurring themes (鳥獣被害, 見守り, 出前授業 …) written once as
  templates and filled in per organisation with its own local details, grade, term and
  period. `composed_postings()` expands them deterministically.

`all_postings()` returns both. Values are plain strings (the `partners.models` choice values)
so that this module needs no app registry; `seed_demo` pushes every posting through the real
posting form and services, which validate them like any other input. Dates that depend on
the day of the run (publication, open-call deadlines) are decided there, not here.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from typing import Any

from partners import demo_data

__all__ = [
    "BASE_POSTINGS",
    "COMPOSED",
    "ORGANISATION_ADMINS",
    "STATES",
    "TOPICS",
    "DemoPosting",
    "all_postings",
    "composed_postings",
    "month_end",
    "organisation_spec",
    "school_period",
]

# Short names for the demo organisations (see demo_data), mapped to their admins' emails,
# which identify them there.
ORGANISATION_ADMINS: dict[str, str] = {
    # companies and NPOs
    "hikari": "csr@shinshu-hikari.example.jp",
    "tsubasa": "chiiki@echigo-tsubasa-bank.example.jp",
    "hakata": "hello@hakata-data.example.jp",
    "suruga": "kikaku@suruga-hohoemi.example.jp",
    "hibari": "kikaku@aso-hibari.example.jp",
    "harunire": "soumu@tokachi-harunire.example.jp",
    "shimanto": "satoyama-tsunagi@example.com",
    "tabiji": "info@miyako-tabiji.example.jp",
    "yanbaru": "contact@yanbaru-musubi.example.jp",
    "mikawa": "jimukyoku@mikawa-teshigoto.example.jp",
    # municipalities
    "achi": "kikaku@vill-achi.example.jp",
    "higashikawa": "machizukuri@town-higashikawa.example.jp",
    "matsumoto": "seisaku@city-matsumoto.example.jp",
    "sendai": "dx@city-sendai.example.jp",
    "kochi": "chiiki@pref-kochi.example.jp",
    "onomichi": "kikaku@city-onomichi.example.jp",
    "ine": "kikaku@town-ine.example.jp",
    # schools
    "harukaze": "kyomu@harukaze-es.example.jp",
    "agatanomori": "tankyu@agatanomori-jh.example.jp",
    "shimanami": "kenkyu@shimanami-mirai-hs.example.jp",
    "kitaalps": "renkei@kita-alps-kosen.example.jp",
    "rakuhoku": "renkei@rakuhoku-bunri.example.jp",
    "sakura": "sakura-pbl@example.com",
    "kusasenri": "kyomu@kusasenri-jh.example.jp",
}

_SPECS = {spec.admin: spec for spec in demo_data.ORGANISATIONS}


def organisation_spec(org: str) -> demo_data.DemoOrganisation:
    return _SPECS[ORGANISATION_ADMINS[org]]


# --- One posting ------------------------------------------------------------------------

# How a posting is left after seeding. "stale": published ~80 days ago, so it asks its owner
# to confirm it is still current; "expired": published ~100 days ago and swept to expired;
# "review": the author asked a coordinator to look first (verified organisations).
# Postings of organisations still waiting for verification go to review when published.
STATES = ("open", "draft", "review", "closed", "stale", "expired")


@dataclass(frozen=True)
class DemoPosting:
    org: str  # a key of ORGANISATION_ADMINS
    direction: str  # "issue" | "strength"
    title: str
    body: str
    themes: tuple[str, ...]  # Theme slugs
    # Framing: an issue.
    situation: str = ""
    desired_outcome: str = ""
    constraints: str = ""
    assets: str = ""
    partnership_forms: str = ""
    # Framing: a strength.
    offer_what: str = ""
    offer_for_whom: str = ""
    conditions: str = ""
    capacity: str = ""
    # Place. "" means the organisation's own place: its municipality (schools, towns and
    # cities), its prefecture (a prefectural government, and companies by default).
    place: str = ""  # "" | "municipality" | "prefecture" | "nationwide" | "online"
    place_code: str = ""  # municipality scope elsewhere than the organisation's location
    pref: int | None = None  # prefecture scope elsewhere than the organisation's prefecture
    online_ok: bool = False
    starts_on: date | None = None
    ends_on: date | None = None
    # Schools
    school_year: int | None = None
    terms: tuple[str, ...] = ()
    grades: tuple[int, int] | None = None
    student_count: int | None = None
    class_hours: int | None = None
    # Money
    budget_status: str = ""
    funding: str = "undecided"
    budget: tuple[int, int] | None = None
    visibility: str = "public"
    # Open call (逆指名): the deadline is this many days after publication, at month end.
    call_budget: int | None = None
    call_days: int | None = None
    selection_criteria: str = ""
    state: str = "open"
    author: str = ""  # email of the member who writes it; "" means the admin
    # Free-form notes for maintainers, never stored.
    note: str = field(default="", compare=False)

    @property
    def is_open_call(self) -> bool:
        return self.call_days is not None

    def period(self) -> tuple[date | None, date | None]:
        if self.starts_on or self.ends_on or not (self.school_year and self.terms):
            return self.starts_on, self.ends_on
        return school_period(self.school_year, self.terms)


_FIELD_NAMES = frozenset(f.name for f in fields(DemoPosting))

# Term → (first day, last day) as (years after the school year starts, month, day).
_TERMS: dict[str, tuple[tuple[int, int, int], tuple[int, int, int]]] = {
    "1学期": ((0, 4, 7), (0, 7, 20)),
    "2学期": ((0, 9, 1), (0, 12, 24)),
    "3学期": ((1, 1, 8), (1, 3, 24)),
    "前期": ((0, 4, 5), (0, 9, 30)),
    "後期": ((0, 10, 1), (1, 3, 15)),
}


def school_period(school_year: int, terms: tuple[str, ...]) -> tuple[date, date]:
    """The first and last day of `terms` in the school year starting in April `school_year`."""
    (y0, m0, d0), _ = _TERMS[terms[0]]
    _, (y1, m1, d1) = _TERMS[terms[-1]]
    return date(school_year + y0, m0, d0), date(school_year + y1, m1, d1)


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def _issue(org: str, title: str, body: str, themes: str, **kw: Any) -> DemoPosting:
    return DemoPosting(org, "issue", title, body, tuple(themes.split()), **kw)


def _strength(org: str, title: str, body: str, themes: str, **kw: Any) -> DemoPosting:
    return DemoPosting(org, "strength", title, body, tuple(themes.split()), **kw)


FY2027 = {"starts_on": date(2027, 4, 1), "ends_on": date(2028, 3, 31)}

# --- Hand-written postings ----------------------------------------------------------------

COMPANY_POSTINGS: tuple[DemoPosting, ...] = (
    # 信州ひかり電機 (諏訪市): sensors, precision manufacturing
    _issue(
        "hikari",
        "諏訪湖の水辺を見守るセンサー活用アイデアを募集（試作費を支援します）",
        (
            "当社の小型環境センサーを使って、湖や川の水辺の変化を地域の人が見守れる仕組みのアイデア"
            "を募集します。水温や水位の記録、外来植物の広がりの観察、子どもたちの環境学習など、"
            "使い道は問いません。採択したチームには試作費を支援し、"
            "当社の技術者が設計から設置まで伴走します。"
        ),
        "sdg-6 sdg-9 environment education",
        situation=(
            "センサーの精度は上がった一方で、地域の人が日常的に使える形での活用例はまだ少ないのが現"
            "状です。"
        ),
        desired_outcome=(
            "2027年度中に水辺で試験設置を行い、集めたデータを学校や住民が見られる形で公開すること。"
        ),
        constraints=(
            "設置場所の許可については、提案者側で相談先を示してください（当社も調整に協力します）。"
            "電源のない場所では電池で動かすことが前提です。"
        ),
        partnership_forms="共同研究、試作費の支援、技術者の派遣",
        online_ok=True,
        funding="sponsorship",
        call_budget=1_000_000,
        call_days=60,
        selection_criteria=(
            "地域の人が続けて使える仕組みになっているか／センサーの特性を生かした発想か／"
            "試作から設置までの計画が具体的か／学校や住民が参加できるか"
        ),
        author="rd@shinshu-hikari.example.jp",
        **FY2027,
    ),
    _issue(
        "hikari",
        "精密加工の若手技術者を育てる、高専・工業高校との長期インターンシップを設計したい",
        (
            "製造現場の技能を受け継ぐ若手が少なくなり、"
            "採用してから一人前になるまでの時間も長くなっています。"
            "高専や工業高校の学生に数週間から数か月、現場で実際の課題に取り組んでもらう長期インター"
            "ンシップを、学校の先生方と一緒に設計したいと考えています。"
            "授業の単位として認めていただける形を探っています。"
        ),
        "sdg-4 sdg-8 sdg-9 employment",
        situation=(
            "現在は夏休みの1週間程度の職場体験だけで、"
            "学生が当社の仕事の面白さに触れる前に終わってしまっています。"
        ),
        desired_outcome="2027年度に3〜5人の学生を受け入れ、成果を学校での発表につなげること。",
        constraints=(
            "安全のため、機械加工の実作業には事前の講習が必要です。寮や宿泊費の補助は要相談です。"
        ),
        partnership_forms="インターンシップ、授業の共同設計",
        author="jinji@shinshu-hikari.example.jp",
        **FY2027,
    ),
    _strength(
        "hikari",
        "環境センサー（温度・湿度・照度・水位）を学校や自治体に無償で貸し出します",
        (
            "当社が開発した小型の環境センサーを、探究学習や地域の実証実験のために無償で貸し出しま"
            "す。データはスマートフォンから確認でき、表計算ソフトに書き出して分析にも使えます。"
            "初回は技術者がオンラインで使い方を説明します。"
        ),
        "sdg-4 sdg-9 education environment",
        offer_what=(
            "環境センサー最大20台（温度・湿度・照度・水位の4種）と、データ閲覧用のアカウント"
        ),
        offer_for_whom="小中学校・高校・高専の探究学習、自治体の実証実験",
        conditions=(
            "貸出期間は原則6か月以内です。破損しても費用はいただきません。"
            "活用事例として学校名・自治体名を紹介させていただける場合を優先します。"
        ),
        capacity="年間10件程度",
        place="nationwide",
        online_ok=True,
        funding="in_kind",
    ),
    _strength(
        "hikari",
        "技術者による出前授業「センサーで身のまわりを測ってみよう」（中学生〜高校生）",
        (
            "当社の技術者が学校に伺い、身近な温度や明るさをセンサーで測ってグラフにする授業を行いま"
            "す。計測の結果から気づいたことを話し合い、"
            "ものづくりの仕事がどのように社会を支えているかを伝えます。"
            "理科や技術・家庭科、総合的な学習の時間に合わせて内容を調整します。"
        ),
        "sdg-4 sdg-9 education",
        offer_what="90分〜2時限の出前授業（教材・センサーを持参）",
        offer_for_whom="中学校・高校（1クラス40人程度まで）",
        conditions="長野県内は訪問、県外はオンラインで対応します。費用はかかりません。",
        capacity="年間15回程度",
        online_ok=True,
        funding="volunteer",
        state="stale",
        author="rd@shinshu-hikari.example.jp",
    ),
    _strength(
        "hikari",
        "企業版ふるさと納税で、脱炭素と防災に取り組む自治体を応援します",
        (
            "当社は2027年度、企業版ふるさと納税を活用して、"
            "再生可能エネルギーの導入や防災力の強化に取り組む自治体への寄附を計画しています。"
            "寄附だけでなく、センサーや計測の技術を生かした協力もあわせてご提案できます。"
            "地域再生計画に位置づけられた事業をお持ちの自治体からのご相談をお待ちしています。"
        ),
        "sdg-7 sdg-13 energy disaster-prevention",
        offer_what="寄附（1件あたり300万〜1,000万円程度を想定）と、技術面での協力",
        offer_for_whom="地域再生計画に脱炭素・防災の事業を掲げる自治体",
        conditions=(
            "本社所在地である長野県と諏訪市への寄附は制度の対象外のため、ご提案いただけません。"
            "寄附の見返りとなる経済的な利益は受け取りません。"
        ),
        capacity="2027年度は2〜3件",
        place="nationwide",
        funding="corporate_furusato",
        budget=(3_000_000, 10_000_000),
        visibility="members",
        **FY2027,
    ),
    # 越後つばさ銀行 (新潟市): regional bank
    _issue(
        "tsubasa",
        "店舗統合で空いた旧支店の建物を、地域の拠点として生かすアイデアを募集",
        (
            "店舗の統合により、県内の中山間地域で旧支店の建物がいくつか使われなくなっています。"
            "地域の方が集まる場、創業を目指す方の小さな店、子どもの学びの場など、"
            "建物を地域のために生かすアイデアを広く募集します。"
            "採択した提案には、改修と初年度の運営の費用を支援します。"
        ),
        "sdg-8 sdg-11 population local-industry",
        situation=(
            "対象は鉄筋コンクリート造2階建ての旧支店3棟で、いずれも駐車場があり、"
            "駅や役場から歩ける場所にあります。"
        ),
        desired_outcome=(
            "2027年度中に少なくとも1棟で新しい使い方を始め、"
            "地域の方が週に数日集まれる場にすること。"
        ),
        constraints="金庫室は撤去できません。当面は売却ではなく、賃貸での活用を考えています。",
        assets="旧支店3棟の図面、周辺の人口や通行量のデータ",
        partnership_forms="運営の受託、共同事業、地元自治体を交えた三者協定",
        funding="sponsorship",
        budget=(500_000, 2_000_000),
        call_budget=2_000_000,
        call_days=75,
        selection_criteria=(
            "地域の方の利用が見込めるか／3年以上続けられる運営体制か／"
            "地元の自治体や団体と連携しているか／建物の特徴を生かしているか"
        ),
        **FY2027,
    ),
    _issue(
        "tsubasa",
        (
            "後継者のいない県内の小規模事業者と継ぎ手候補を出会わせる仕組みを、"
            "自治体と一緒につくりたい"
        ),
        (
            "取引先の経営者の高齢化が進み、黒字でも後継者が見つからずに廃業を考える事業者が増えてい"
            "ます。当行だけでは継ぎ手候補を探しきれないため、移住を希望する方や地域おこし協力隊、"
            "大学生など、地域の外の人材とつながる仕組みを自治体と一緒につくりたいと考えています。"
        ),
        "sdg-8 business-succession migration local-industry",
        situation=(
            "事業承継の相談は増えていますが、親族や従業員以外の継ぎ手につながる例はまだ一部です。"
        ),
        desired_outcome=(
            "移住施策と事業承継を組み合わせた相談窓口を、2027年度に県内の2〜3市町村で試行すること。"
        ),
        partnership_forms="自治体との連携協定、合同相談会、移住イベントへの共同出展",
        funding="in_kind",
        visibility="members",
        author="sogyo@echigo-tsubasa-bank.example.jp",
    ),
    _strength(
        "tsubasa",
        "高校生・大学生向け金融教育の出前授業（お金の計画と起業の基礎）",
        (
            "当行の行員が学校に伺い、収入と支出の計画、ローンやクレジットの仕組み、"
            "起業に必要なお金の考え方を、ワークを交えてお伝えします。"
            "高校の家庭科で資産形成を扱うようになったことを受け、"
            "先生方と相談しながら授業の内容を調整しています。"
        ),
        "sdg-4 sdg-8 education",
        offer_what="50分〜100分の授業（ワークシート・教材付き）",
        offer_for_whom="高校、高専、大学（1回あたり200人程度まで）",
        conditions=(
            "新潟県内は訪問、県外はオンラインのみです。費用は無料です。"
            "特定の金融商品の勧誘は一切行いません。"
        ),
        capacity="年間30回程度",
        online_ok=True,
        funding="volunteer",
        state="stale",
    ),
    _strength(
        "tsubasa",
        "事業承継の専門スタッフが、自治体主催の相談会に講師・相談員として伺います",
        (
            "当行の事業承継・M&Aの専門スタッフが、商工会や自治体が主催する相談会に講師や個別相談員"
            "として参加します。後継者がいない場合の選択肢、事業の価値の考え方、"
            "引き継ぐまでの手順を、具体的な例を交えて説明します。"
        ),
        "sdg-8 business-succession local-industry",
        offer_what="セミナーの講師（60分）と個別相談（1件30分程度）",
        offer_for_whom="県内の市町村、商工会・商工会議所",
        conditions="相談の内容は秘密として扱います。費用はかかりません。",
        capacity="月2回程度",
        funding="volunteer",
        author="sogyo@echigo-tsubasa-bank.example.jp",
    ),
    _strength(
        "tsubasa",
        "企業版ふるさと納税を検討している取引先企業と、寄附先の自治体をおつなぎします",
        (
            "当行の取引先には、企業版ふるさと納税に関心はあっても、"
            "寄附先の選び方がわからない企業が多くあります。"
            "自治体の地域再生計画と企業が関心をもつ分野を照らし合わせ、"
            "双方にとって意味のある寄附につながるよう橋渡しをします。"
        ),
        "sdg-11 sdg-17 population",
        offer_what="寄附を検討する企業の紹介と、寄附後の事業報告までの伴走",
        offer_for_whom="地域再生計画をもつ自治体（新潟県外も可）",
        conditions=(
            "寄附する企業の本社がある自治体は制度の対象外となるため、紹介の対象から外します。"
        ),
        capacity="年間10件程度の橋渡し",
        place="nationwide",
        funding="corporate_furusato",
        visibility="members",
    ),
    # はかたデータ工房 (福岡市博多区): small software company
    _issue(
        "hakata",
        "地図で見る人口・施設分析ツールの実証実験に協力してくださる自治体を探しています",
        (
            "当社が開発中の、人口の推計と公共施設の配置を地図上で重ねて見られる分析ツールを、"
            "実際の業務で試していただける自治体を探しています。"
            "施設の統廃合や通学路、避難所の検討などでお使いいただき、"
            "使いにくい点を率直に教えてください。実証期間中の利用料はいただきません。"
        ),
        "sdg-9 sdg-11 dx",
        situation=(
            "機能はひととおり揃いましたが、自治体の職員の方に日常の業務で使っていただいた経験がまだ"
            "ありません。"
        ),
        desired_outcome=(
            "2〜3の自治体で半年間使っていただき、改善点をまとめて正式版に反映すること。"
        ),
        constraints=(
            "個人情報は扱いません。LGWAN環境から使う場合は、接続方法について別途ご相談が必要です。"
        ),
        partnership_forms="実証実験（無償）、共同研究",
        place="nationwide",
        online_ok=True,
        funding="in_kind",
        starts_on=date(2027, 4, 1),
        ends_on=date(2027, 9, 30),
    ),
    _issue(
        "hakata",
        "中高生向けプログラミング講座を一緒に教えてくれる大学生・高専生を募集",
        (
            "福岡市内で月に2回開いている中高生向けのプログラミング講座が好評で、"
            "講師が足りなくなっています。教える経験を積みたい大学生や高専生に、"
            "サポート講師として参加していただけないでしょうか。"
            "教材は当社で用意し、初回は社員と一緒に教室に入っていただきます。"
        ),
        "sdg-4 education dx",
        situation="受講の希望者が定員の倍近くになり、お断りすることが増えています。",
        desired_outcome="サポート講師を5人程度確保し、講座の回数を月4回に増やすこと。",
        constraints=(
            "土曜日の午後に福岡市内の会場へ来られる方を募集します。交通費は当社が負担します。"
        ),
        partnership_forms="ボランティア、大学の授業やサークル活動との連携",
        funding="volunteer",
        state="draft",
        author="dev@hakata-data.example.jp",
    ),
    _strength(
        "hakata",
        "人口・観光・施設のデータを地図で見える化するダッシュボードを構築します",
        (
            "自治体や観光協会がもつ統計やアンケートの結果を、"
            "地図とグラフで誰でも見られるダッシュボードにまとめます。"
            "職員の方が自分でデータを更新できるよう、手順書と操作研修まで含めてお手伝いします。"
            "小さく始めて、必要に応じて機能を足していく進め方を大切にしています。"
        ),
        "sdg-9 sdg-17 dx",
        offer_what="ダッシュボードの設計・構築、操作研修、1年間の保守",
        offer_for_whom="自治体、観光協会、商工団体",
        conditions=(
            "委託契約（目安は100万〜300万円）です。小規模な自治体向けに、"
            "機能を絞った安価なプランもあります。"
        ),
        capacity="同時に3件まで",
        place="nationwide",
        online_ok=True,
        funding="commission",
        budget=(1_000_000, 3_000_000),
        state="stale",
    ),
    _strength(
        "hakata",
        "紙とFAXの申請・予約業務を、小さなウェブアプリに置き換える試作を無償で行います",
        (
            "学校の施設予約や公民館の利用申請、イベントの参加受付など、"
            "紙やFAXで行っている業務を一つ選んでいただければ、"
            "当社のエンジニアが2か月程度で試作版のウェブアプリをつくります。"
            "実際に使ってみて効果があれば、本格的な導入を一緒に検討しましょう。"
        ),
        "sdg-9 sdg-16 dx",
        offer_what="業務の聞き取り、試作アプリの開発（2か月程度）、試用期間中のサポート",
        offer_for_whom="自治体、学校、公民館、地域の団体",
        conditions=(
            "試作は年3件まで無償です。試作の成果（個人情報を除く）"
            "を事例として紹介させていただきます。"
        ),
        capacity="年3件",
        place="nationwide",
        online_ok=True,
        funding="volunteer",
        author="dev@hakata-data.example.jp",
    ),
    _strength(
        "hakata",
        "オープンデータの公開を始めたい自治体に、データの整備と公開の手順を伴走します",
        (
            "オープンデータを公開したいものの、どのデータから、"
            "どのような形式で出せばよいかわからないという自治体の声をよく伺います。"
            "庁内にあるデータの棚卸しから、推奨される形式への変換、公開ページの整備、"
            "職員向けの勉強会までを一緒に進めます。"
        ),
        "sdg-9 sdg-16 sdg-17 dx",
        offer_what="データの棚卸し、形式の変換、公開の手順づくり、職員向け勉強会（全4回）",
        offer_for_whom="これからオープンデータに取り組む自治体",
        conditions="委託契約（目安は50万〜150万円）です。オンラインでの支援が中心です。",
        capacity="年間4件程度",
        place="online",
        funding="commission",
        budget=(500_000, 1_500_000),
    ),
    # 駿河ほほえみ食品 (焼津市): fish processing
    _issue(
        "suruga",
        "かつおの加工で出る端材を生かした新商品を、高校生・大学生と一緒に考えたい",
        (
            "かつお節や缶詰をつくる過程では、血合いや皮、小さな切れ端などの端材が毎日出ています。"
            "一部は飼料や肥料になっていますが、おいしく食べられる部分も少なくありません。"
            "端材を生かした新しい食品のアイデアを、高校生や大学生と一緒に考え、"
            "試作から販売まで取り組みたいと考えています。"
        ),
        "sdg-12 sdg-14 food local-industry",
        situation=(
            "端材の多くは低い価格で飼料用に出荷しており、"
            "食品としての活用はごく一部にとどまっています。"
        ),
        desired_outcome=(
            "学生と共同で開発した商品を一つ以上、2027年度中に地元の直売所で試験販売すること。"
        ),
        constraints="衛生管理の都合上、試作は当社の工場の試作室で行います。",
        assets="端材の種類と量の記録、試作室、商品化までの手順のノウハウ",
        partnership_forms="共同研究、授業での商品企画",
        funding="in_kind",
        **FY2027,
    ),
    _issue(
        "suruga",
        "賞味期限の近い缶詰やだしパックを、子ども食堂やフードバンクへ確実に届けたい",
        (
            "包装の印字のかすれや賞味期限が近いことで出荷できない商品が、毎月一定量出ています。"
            "これまでは個別にお声がけして寄付してきましたが、"
            "受け取る側の保管場所や配送の手間が課題でした。"
            "県内の自治体や社会福祉協議会、NPOと一緒に、"
            "必要な場所へ無理なく届く仕組みをつくりたいと考えています。"
        ),
        "sdg-2 sdg-12 food welfare",
        situation="寄付できる商品は月に段ボール30〜50箱程度で、時期によって量が変わります。",
        desired_outcome=(
            "配送のルートと受け取りの窓口を決め、毎月決まった日に届けられる体制をつくること。"
        ),
        constraints="当社のトラックで配送できるのは焼津市の周辺に限られます。",
        partnership_forms="寄付、配送の協力、自治体との協定",
        funding="in_kind",
    ),
    _strength(
        "suruga",
        "小学校向け食育出前授業「かつお節ができるまで」と削り節の体験",
        (
            "当社の社員が小学校に伺い、かつおが港に揚がってからかつお節になるまでの工程を、"
            "写真と実物で紹介します。削り器を使った削り節の体験や、だしの飲み比べも行い、"
            "海の恵みと食べものを大切にする気持ちを育てます。"
        ),
        "sdg-4 sdg-14 food education",
        offer_what="45分×2時限の出前授業（削り器・試食用のだしを持参）",
        offer_for_whom="小学校3〜6年生（社会科・総合的な学習の時間）",
        conditions=(
            "静岡県内の学校が対象です。費用はかかりません。"
            "食物アレルギーのある児童には試食の代わりを用意します。"
        ),
        capacity="年間20回程度",
        funding="volunteer",
        state="stale",
    ),
    _strength(
        "suruga",
        "災害時の備蓄用に缶詰・保存食を提供し、防災訓練の炊き出しにも協力します",
        (
            "地震や津波への備えとして、長く保存できる缶詰やレトルト食品を、"
            "自治体や学校の備蓄用に提供します。防災訓練の日には社員が炊き出しに参加し、"
            "備蓄食のおいしい食べ方も紹介します。"
        ),
        "sdg-2 sdg-11 disaster-prevention food",
        offer_what="備蓄用の缶詰（年間最大2,000食分）、防災訓練での炊き出しの協力（社員5人程度）",
        offer_for_whom="静岡県内の自治体、学校、自主防災組織",
        conditions="提供は年に1回で、賞味期限が1年以上残るものをお届けします。",
        capacity="年間5か所程度",
        funding="in_kind",
    ),
    # 阿蘇ひばり交通 (阿蘇市): buses and a tourist train
    _issue(
        "hibari",
        "予約型乗合タクシーの実証実験に協力してくださる集落と、大学の研究者を探しています",
        (
            "利用者の少ない路線バスの一部を、電話やスマートフォンで予約する乗合タクシーに置き換える"
            "ことを検討しています。実際に走らせて、高齢の方が使いやすい予約方法や運行の効率を確かめ"
            "る実証実験を行いたいと考えています。地元の集落の皆さんと、"
            "交通計画を研究する大学の先生に参加していただきたいです。"
        ),
        "sdg-3 sdg-11 mobility elderly-care",
        situation=(
            "山あいの路線では1便あたりの乗客が数人の時間帯が多く、"
            "運転士の不足もあって今の便数を保つことが難しくなっています。"
        ),
        desired_outcome=(
            "2027年度の秋に3か月間の実証運行を行い、"
            "利用状況と住民の声をもとに本格導入を判断すること。"
        ),
        constraints=(
            "運行には地域公共交通会議での合意が必要です。"
            "車両は当社のジャンボタクシー2台を使います。"
        ),
        assets="路線ごとの乗降データ（過去3年分）、車両、予約受付の電話窓口",
        partnership_forms="共同研究、実証実験、自治体との協定",
        place="municipality",
        starts_on=date(2027, 9, 1),
        ends_on=date(2027, 12, 28),
        visibility="coordinators",
        note="Coordinators only: the route change is not yet agreed with the transport council.",
    ),
    _issue(
        "hibari",
        "バス運転士の仕事を知ってもらう、高校生向けの職業体験を一緒に企画したい",
        (
            "運転士の高齢化が進み、若い世代のなり手がほとんどいないことが当社の大きな悩みです。"
            "高校生に運転士や整備士の仕事を間近で見てもらい、"
            "地域の足を支える仕事の意味を感じてもらえる職業体験を、"
            "学校の先生と一緒に企画したいと考えています。"
        ),
        "sdg-8 employment mobility education",
        desired_outcome="2027年度の夏休みに、県内の高校2〜3校から生徒を受け入れること。",
        constraints="運転の体験は、敷地内に止めたバスの運転席に座るところまでです。",
        partnership_forms="職業体験、キャリア教育の授業連携",
        funding="volunteer",
        starts_on=date(2027, 7, 20),
        ends_on=date(2027, 8, 31),
    ),
    _strength(
        "hibari",
        "観光列車の車両と駅舎を、地域のイベントや学習の場として貸し出します",
        (
            "運行のない日の観光列車の車両と、沿線の小さな駅舎を、"
            "地域のイベントや学校の授業の会場としてお貸しします。"
            "車内での演奏会やマルシェ、駅舎での写真展など、"
            "これまでにも地域の方の発表の場として使われてきました。"
        ),
        "sdg-11 tourism culture mobility",
        offer_what="観光列車の車両（停車中、最大40人）、駅舎の待合室",
        offer_for_whom="地域の団体、学校、自治体",
        conditions=(
            "平日の運行のない日に限ります。学校・地域の団体は無料、"
            "営利目的の場合は実費をいただきます。"
        ),
        capacity="月2回程度",
        place="municipality",
        funding="in_kind",
    ),
    _strength(
        "hibari",
        "路線バスの乗降データ（匿名化済み）を、交通計画の研究や授業に提供します",
        (
            "ICカードと乗降調査から集めた、停留所ごと・時間帯ごとの乗降データを、"
            "個人が特定できない形に加工して提供します。"
            "大学の研究や高校・高専の授業で、地域の交通をどう守るかを考える材料にお使いください。"
            "分析の結果は当社の路線の見直しにも生かしたいと考えています。"
        ),
        "sdg-9 sdg-11 mobility dx",
        offer_what="停留所別・時間帯別の乗降データ（CSV、過去3年分）と、データの説明会",
        offer_for_whom="大学、高専、高校、自治体の交通担当部署",
        conditions=(
            "利用の目的をお知らせください。分析の結果を当社と共有していただくことが条件です。"
        ),
        capacity="随時",
        place="nationwide",
        online_ok=True,
        funding="in_kind",
        state="stale",
    ),
    # 十勝はるにれ建設 (帯広市): construction
    _issue(
        "harunire",
        "建設業の担い手を育てる現場体験プログラムを、工業高校・高専と共同で開発したい",
        (
            "ドローン測量や3次元設計など、建設の仕事は大きく変わっていますが、"
            "そのことが若い世代に十分伝わっていません。"
            "高校生や高専生が数日間、実際の工事現場で測量や施工管理を体験できるプログラムを、"
            "学校の先生と一緒につくりたいと考えています。"
        ),
        "sdg-4 sdg-8 sdg-9 employment",
        situation=(
            "現場見学会は年に数回行っていますが、見学だけでは仕事の面白さが伝わりにくいと感じていま"
            "す。"
        ),
        desired_outcome=(
            "2027年度の夏と秋に各1回、5日間のプログラムを試行し、学校の単位認定につなげること。"
        ),
        constraints="現場での体験は、安全教育を受けたうえで社員の監督のもとで行います。",
        partnership_forms="インターンシップ、授業連携、教材の共同開発",
        funding="in_kind",
        **FY2027,
    ),
    _issue(
        "harunire",
        "十勝産カラマツを使った木造の小さな公共施設を、一緒に計画してくださる自治体を探しています",
        (
            "十勝のカラマツは強度に優れ、住宅だけでなく公共の建物にも十分使える木材です。"
            "バスの待合所や公園のトイレ、地域の集会所など、"
            "小さな公共施設を地元の木材でつくる計画を、"
            "自治体の皆さんと一緒に立ち上げたいと考えています。"
            "森林の手入れと地域の仕事を同時に生み出すきっかけにしたいと考えています。"
        ),
        "sdg-9 sdg-11 sdg-15 forestry",
        situation=(
            "道内の公共施設は鉄骨造や鉄筋コンクリート造が多く、"
            "地元産の木材を使った例はまだ多くありません。"
        ),
        desired_outcome="2027年度中に1件、設計の段階から自治体と協働するモデル事業を始めること。",
        partnership_forms="設計段階からの協働、補助金の共同申請",
        state="expired",
    ),
    _strength(
        "harunire",
        "ドローン測量と3次元モデルで、災害時の被害把握と防災学習をお手伝いします",
        (
            "当社はドローンによる測量と、地形や建物の3次元モデルの作成を行っています。"
            "大雨や地震の後に被害の範囲を素早く把握するための協力や、"
            "平時に地域の地形を立体で見ながら避難経路を考える防災学習の教材づくりをお手伝いで"
            "きます。"
        ),
        "sdg-11 sdg-13 disaster-prevention dx",
        offer_what="ドローンによる空撮・測量、3次元モデルの作成、防災学習の教材の提供",
        offer_for_whom="北海道内の自治体、学校、自主防災組織",
        conditions=(
            "災害時の出動は自治体との協定に基づきます。平時の教材づくりは実費のみいただきます。"
        ),
        capacity="平時の教材づくりは年間5件程度",
        funding="in_kind",
        state="stale",
    ),
    _strength(
        "harunire",
        "重機の乗車体験ができる工事現場の見学会を、小中学生向けに開きます",
        (
            "道路や河川の工事現場を、安全に配慮したうえで子どもたちに公開し、"
            "重機の運転席に座る体験や、ドローンの操作の見学を行います。"
            "働く人の話を直接聞くことで、まちをつくる仕事を身近に感じてもらうことがねらいです。"
        ),
        "sdg-4 sdg-9 education employment",
        offer_what="2時間程度の現場見学会（ヘルメット・ベストを貸し出し）",
        offer_for_whom="帯広市と周辺の町村の小中学校、子ども会",
        conditions=(
            "工事の時期に合わせて日程を調整します。費用はかかりません。"
            "送迎のバスは学校側でご用意ください。"
        ),
        capacity="年間8回程度",
        place="municipality",
        funding="volunteer",
    ),
    # しまんと里山つなぎ隊 (四万十町, NPO; waiting for verification)
    _issue(
        "shimanto",
        "耕作放棄された棚田の再生に、企業の社員ボランティアを継続して受け入れたい",
        (
            "流域の山あいには、手入れが途絶えて草木に覆われつつある棚田が多く残っています。"
            "地域のお年寄りに米づくりを教わりながら、田んぼを一枚ずつ再生する活動を続けていますが、"
            "草刈りや石垣の補修には人手が足りません。年に数回、"
            "社員研修やボランティアとして継続して参加してくださる企業を探しています。"
        ),
        "sdg-2 sdg-15 agriculture environment",
        situation="現在は会員15人ほどで3枚の田んぼを管理しています。",
        desired_outcome=(
            "再生した田んぼを5枚に増やし、収穫した米を参加企業の社員食堂などで使っていただくこと。"
        ),
        constraints=(
            "宿泊は町内の民宿や、廃校を活用した施設を紹介します。交通手段は各自でご用意ください。"
        ),
        partnership_forms="社員ボランティア、企業研修、協賛",
        place="municipality",
        funding="volunteer",
    ),
    _issue(
        "shimanto",
        "活動を続けるための資金づくり：協賛企業とクラウドファンディングの経験者を求めています",
        (
            "会費と助成金だけでは、草刈り機の燃料や保険、"
            "ボランティアの受け入れにかかる費用をまかないきれなくなってきました。"
            "活動に共感してくださる協賛企業との出会いと、"
            "クラウドファンディングの企画や広報を手伝ってくださる方を探しています。"
        ),
        "sdg-15 sdg-17 environment",
        desired_outcome=(
            "年間の活動費の3割程度を、協賛とクラウドファンディングで安定して確保すること。"
        ),
        partnership_forms="協賛、プロボノ（広報・企画）",
        online_ok=True,
        funding="sponsorship",
        state="draft",
    ),
    _strength(
        "shimanto",
        "川の生きもの観察会とカヌー体験の講師を、小中学校に派遣します",
        (
            "四万十川の支流で、川に入って魚や水生昆虫を捕まえて観察し、"
            "川の環境について考える体験学習を行っています。"
            "カヌー体験と組み合わせることもでき、安全管理はライフジャケットの着用と、"
            "経験のあるスタッフの配置で行います。"
        ),
        "sdg-4 sdg-15 environment education",
        offer_what="半日または1日の体験学習（講師2〜4人、網・ライフジャケットを用意）",
        offer_for_whom="高知県内の小中学校、子ども会、県外からの修学旅行",
        conditions="実施は6月〜9月です。保険料と交通費の実費（1人500円程度）をいただきます。",
        capacity="年間15回程度",
        funding="in_kind",
    ),
    _strength(
        "shimanto",
        "大学生のフィールドワークを受け入れ、集落の方への聞き取りを調整します",
        (
            "中山間地域の暮らしや農業、川との関わりを学びたい大学生のフィールドワークを受け入れてい"
            "ます。集落のお年寄りへの聞き取りの調整や、"
            "活動に参加しながら地域を知るプログラムの組み立てをお手伝いします。"
        ),
        "sdg-4 sdg-11 population education",
        offer_what="フィールドワークの受け入れ（3日〜2週間）、聞き取り先の調整、宿泊先の紹介",
        offer_for_whom="大学・短大のゼミや授業",
        conditions=(
            "受け入れの1か月前までにご相談ください。調整費として1日あたり3,000円程度をいただきま"
            "す。"
        ),
        place="municipality",
        funding="in_kind",
    ),
    _strength(
        "shimanto",
        "草刈りや間伐を体験する、企業研修としての里山保全ワークを受け入れます",
        (
            "企業の新人研修やチームづくりの研修として、里山の草刈りや竹林の整備、"
            "間伐の体験を受け入れています。地域のお年寄りから道具の使い方を教わり、"
            "汗を流した後は地元の食材を使った昼食を囲んで交流します。"
            "自然の中で協力して働く経験は、社員同士の関係づくりにも役立つと好評です。"
        ),
        "sdg-8 sdg-15 environment forestry",
        offer_what="1日または1泊2日の研修プログラム（作業の指導、道具の貸し出し、昼食）",
        offer_for_whom="企業の新人研修・チーム研修、労働組合、大学のゼミ",
        conditions="参加費は1人あたり5,000円（昼食・保険料込み）です。宿泊は町内の宿を紹介します。",
        capacity="1回10〜30人、年間8回程度",
        place="municipality",
        funding="commission",
    ),
    # みやこ旅路舎 (京都市): travel agency
    _issue(
        "tabiji",
        "京都府北部の漁村や農村を巡る少人数ツアーを、地元の方と一緒につくりたい",
        (
            "京都市内の有名な観光地に人が集中する一方で、"
            "府北部の海や山の暮らしに触れたいという声が、海外の方を中心に増えています。"
            "地元の漁師さんや農家の方が案内役となる少人数のツアーを地域の皆さんと一緒に企画し、"
            "地域にお金と仕事が落ちる形にしたいと考えています。"
        ),
        "sdg-8 sdg-11 tourism fisheries",
        situation="府北部へのツアーは日帰りが多く、宿泊や地元での食事につながっていません。",
        desired_outcome=(
            "2027年度に1泊2日のモデルツアーを4回実施し、地元の案内役を10人程度育てること。"
        ),
        constraints="地域の暮らしに負担をかけないよう、1回の参加は10人までとします。",
        partnership_forms="共同企画、地元ガイドの育成、自治体・観光協会との連携",
        **FY2027,
    ),
    _issue(
        "tabiji",
        "修学旅行の探究型プログラムを受け入れてくださる企業・大学・地域を探しています",
        (
            "修学旅行の行き先で、生徒が企業や大学、地域の人から課題を聞き、"
            "グループで解決策を考える探究型のプログラムを希望する学校が増えています。"
            "京都府内で、半日ほど生徒を受け入れて課題を出し、"
            "提案を聞いてくださる受け入れ先を募集しています。"
        ),
        "sdg-4 sdg-17 education tourism",
        situation=(
            "2027年度は中学校・高校あわせて約30校から、"
            "探究型のプログラムについて相談を受けています。"
        ),
        desired_outcome=(
            "受け入れ先を15か所程度に増やし、学校の探究テーマに合わせて選べるようにすること。"
        ),
        constraints="1回の受け入れは5〜8人のグループ単位です。",
        partnership_forms="受け入れ（謝礼は1回あたり1万〜3万円）、プログラムの共同開発",
        funding="commission",
        budget=(10_000, 30_000),
        **FY2027,
    ),
    _strength(
        "tabiji",
        "混雑を避けて地域を巡る周遊ルートの企画と、観光客の動きの分析をお手伝いします",
        (
            "ツアー参加者の移動の記録やアンケートをもとに、観光客がどこに集中し、"
            "どこを通り過ぎているかを分析します。そのうえで、季節や時間帯をずらした周遊ルートや、"
            "まだ知られていない見どころを組み込んだ行程を、地域の方と一緒に企画します。"
        ),
        "sdg-8 sdg-11 tourism",
        offer_what="観光客の動線の分析、周遊ルートの企画、モニターツアーの実施",
        offer_for_whom="観光地の混雑や、観光客の偏りに悩む自治体・観光協会",
        conditions="委託契約（目安は150万〜400万円）です。モニターツアーの集客は当社が担います。",
        capacity="年間3件程度",
        place="nationwide",
        funding="commission",
        budget=(1_500_000, 4_000_000),
        state="stale",
    ),
    _strength(
        "tabiji",
        "地域の方が観光ガイドとして活躍できるよう、ガイド育成講座を企画・運営します",
        (
            "地域の歴史や暮らしを自分の言葉で案内できるガイドを育てる講座を、"
            "全6回程度で企画・運営します。案内の組み立て方、外国の方への伝え方、安全管理、"
            "料金の設定まで、実際のツアーで役立つ内容を扱います。"
            "修了した方には、当社のツアーで案内役として活躍していただく道も用意しています。"
        ),
        "sdg-4 sdg-8 tourism employment",
        offer_what="ガイド育成講座（全6回）の企画・運営、修了後のツアーでの起用",
        offer_for_whom="自治体、観光協会、地域づくりの団体",
        conditions="講座の運営費は、委託または協賛でご相談に応じます。",
        capacity="年間2地域",
        funding="commission",
        state="expired",
    ),
    # やんばる結びエナジー (名護市): solar and batteries
    _issue(
        "yanbaru",
        "台風の長期停電に備え、避難所に太陽光と蓄電池を設置する自治体のパートナーを探しています",
        (
            "台風で停電が長引くと、避難所となる公民館や学校で照明や携帯電話の充電ができなくなること"
            "があります。当社は避難所に太陽光発電と蓄電池を設置し、平時は施設の電気代を下げ、"
            "停電時には非常用の電源として使える仕組みを提案しています。"
            "まずは沖縄本島北部の自治体と、1か所でモデル事業を進めたいと考えています。"
        ),
        "sdg-7 sdg-13 energy disaster-prevention",
        situation=(
            "北部の集落の多くは、停電時に頼れる電源が発電機だけで、燃料の確保が課題となっています。"
        ),
        desired_outcome=(
            "2027年度中に1か所の避難所で設備を稼働させ、停電を想定した訓練で実際に使ってみること。"
        ),
        constraints="屋根の強度と塩害への対策を事前に調べる必要があります。",
        partnership_forms="共同事業、設備の無償設置と電気料金での回収（PPA）、補助金の共同申請",
        **FY2027,
    ),
    _issue(
        "yanbaru",
        "再生可能エネルギーをテーマにした共同研究を、地元の高校・高専と始めたい",
        (
            "塩害に強い設備の保守の方法や、島の電力需要の予測など、"
            "当社が日々向き合っている課題には、生徒や学生の研究テーマになるものが多くあります。"
            "当社の発電所のデータを使いながら、1年かけて共同研究に取り組んでくださる高校・高専を探"
            "しています。"
        ),
        "sdg-4 sdg-7 energy education",
        desired_outcome="2027年度の研究成果を、年度末の発表会や学会の高校生部門で発表すること。",
        assets="発電量と気象のデータ（5年分）、発電所の見学・計測の受け入れ",
        partnership_forms="共同研究、課題研究の授業連携",
        online_ok=True,
        funding="in_kind",
        state="draft",
    ),
    _strength(
        "yanbaru",
        "停電時に使える可搬型蓄電池を貸し出し、防災訓練で使い方を講習します",
        (
            "持ち運びできる蓄電池を、地域の防災訓練や学校の避難訓練の際に貸し出します。"
            "スマートフォンの充電や照明、炊飯器などの家電をどれくらい動かせるかを実際に試し、"
            "停電への備えを具体的に考えるきっかけにしていただけます。"
        ),
        "sdg-7 sdg-11 disaster-prevention energy",
        offer_what="可搬型蓄電池10台の貸し出しと、社員による30分程度の講習",
        offer_for_whom="沖縄県内の自治体、自主防災組織、学校",
        conditions="貸出期間は1週間までです。費用はかかりません。",
        capacity="年間12回程度",
        funding="in_kind",
        state="stale",
    ),
    _strength(
        "yanbaru",
        "発電所の見学と出前授業「電気はどこから来るの？」（小中学生向け）",
        (
            "当社の太陽光発電所の見学と学校での出前授業を組み合わせて、"
            "電気がつくられて家庭に届くまでの流れや、島で再生可能エネルギーを使うことの大切さを学ぶ"
            "機会を提供します。小学校高学年から中学生向けに、簡単な発電の実験も行います。"
        ),
        "sdg-4 sdg-7 energy education",
        offer_what="発電所の見学（1時間）と出前授業（45分〜90分）",
        offer_for_whom="小学校5年生〜中学校3年生",
        conditions="見学は名護市内の発電所で行います。出前授業は沖縄本島北部の学校に限ります。",
        capacity="年間10回程度",
        funding="volunteer",
    ),
    # 三河てしごと協同組合 (岡崎市): craftspeople
    _issue(
        "mikawa",
        "石工・木工・染め物の後継者候補と出会うための、職人体験プログラムを共同でつくりたい",
        (
            "組合の職人の多くが60代以上となり、技を受け継ぐ人を見つけることが急務です。"
            "ものづくりの仕事に関心のある若い方が、数日から数週間、"
            "工房で職人と一緒に働いてみられる体験プログラムを、"
            "自治体の移住施策や学校と連携してつくりたいと考えています。"
        ),
        "sdg-8 culture business-succession local-industry",
        situation=(
            "弟子入りを希望する方からの問い合わせは年に数件ありますが、"
            "住まいや生活の見通しが立たずに実現しないことがほとんどです。"
        ),
        desired_outcome="2027年度に体験プログラムを3回開き、1人以上の弟子入りにつなげること。",
        constraints="受け入れる工房の規模が小さいため、1回の体験は2〜3人までです。",
        partnership_forms="自治体の移住・就業支援との連携、専門学校・大学との授業連携",
    ),
    _issue(
        "mikawa",
        "手仕事の魅力を写真と動画で発信してくれる学生チームを探しています",
        (
            "職人の仕事の様子や作品をSNSで若い世代に届けたいと考えていますが、"
            "発信に慣れた人が組合にいません。写真や動画の撮影と編集が得意な高校生・大学生のチーム"
            "に、工房の取材と発信をお願いできないでしょうか。"
        ),
        "sdg-4 sdg-8 culture local-industry",
        desired_outcome=(
            "半年間、週1回程度の発信を続け、工房のワークショップに参加する若い方を増やすこと。"
        ),
        constraints="工房での撮影は、職人の作業の妨げにならない時間帯にお願いします。",
        partnership_forms="授業・部活動との連携（少額ですが謝礼をご用意します）",
        funding="commission",
        budget=(50_000, 100_000),
        state="closed",
    ),
    _strength(
        "mikawa",
        "小学校への出前授業「石をきざむ・木をけずる・布をそめる」",
        (
            "石工・木工・染め物の職人が学校に伺い、道具や材料に触れながら、"
            "それぞれの仕事の歴史と技を紹介します。子どもたちが実際に小さな作品をつくる体験もでき、"
            "地域の伝統産業を知る学習に役立てていただけます。"
        ),
        "sdg-4 culture education",
        offer_what="職人2〜3人による90分の授業と体験（材料・道具を用意）",
        offer_for_whom="愛知県内の小学校3〜6年生",
        conditions="材料費として児童1人あたり300円をいただきます。",
        capacity="年間12回程度",
        funding="in_kind",
    ),
    _strength(
        "mikawa",
        "企業の周年記念品やノベルティを、職人の手仕事で共同開発します",
        (
            "石工・木工・染め物の職人が、企業の周年記念品や来客向けのノベルティを、"
            "ご要望に合わせて一緒に企画します。地域の素材や技を使ったものづくりは、"
            "企業の地域貢献の取り組みとしても紹介しやすいと好評です。"
        ),
        "sdg-8 sdg-12 culture local-industry",
        offer_what="記念品・ノベルティの企画から製作まで（数十〜数百個程度）",
        offer_for_whom="企業、自治体、学校（記念事業など）",
        conditions="製作期間は3〜6か月が目安です。費用はお見積りのうえ決めます。",
        capacity="年間5件程度",
        place="nationwide",
        funding="commission",
        state="expired",
    ),
)

MUNICIPALITY_POSTINGS: tuple[DemoPosting, ...] = (
    # 阿智村 (長野県, village)
    _issue(
        "achi",
        "移住を考える方が村の暮らしを体験できる「お試し暮らし」プログラムの運営者を募集",
        (
            "村では、移住を考える方が1週間から1か月ほど村に滞在し、仕事や子育て、"
            "冬の暮らしを体験できるプログラムを始めたいと考えています。"
            "空き家を改修したお試し住宅の管理、滞在中の体験の組み立て、"
            "地域の方との橋渡しまでを担ってくださる事業者を募集します。"
        ),
        "sdg-11 population migration",
        situation=(
            "移住の相談は増えていますが、実際に暮らしてみないと決められないという声が多く寄せられて"
            "います。"
        ),
        desired_outcome="2027年度に10組以上の滞在を受け入れ、そのうち数組の移住につなげること。",
        constraints=(
            "お試し住宅は村が用意する2棟です。冬は雪道の運転に慣れない方への配慮が必要です。"
            "予算の成立を前提とした募集です。"
        ),
        assets="改修済みの空き家2棟、移住相談の記録、地域おこし協力隊の協力",
        partnership_forms="業務委託",
        budget_status="next_year",
        funding="commission",
        budget=(3_000_000, 3_000_000),
        call_budget=3_000_000,
        call_days=70,
        selection_criteria=(
            "村の暮らしの魅力と厳しさの両方を伝える内容か／地域の方との関わりをつくれるか／"
            "滞在者の安全への配慮があるか／費用は妥当か"
        ),
        **FY2027,
    ),
    _issue(
        "achi",
        "星空を目当てに夜に集中する観光客に、昼間の村も楽しんでもらう周遊プランを",
        (
            "村の星空を見に訪れる方は多いものの、夜に到着して翌朝には帰ってしまう方がほとんどで、"
            "昼間の農業体験や山歩き、地元の店にはなかなか足が向きません。"
            "昼の過ごし方を提案する周遊プランや、宿泊と組み合わせた体験メニューを、"
            "旅行会社や大学と一緒に考えたいと考えています。"
        ),
        "sdg-8 sdg-11 tourism agriculture",
        situation="観光客の滞在は夜の数時間に集中し、日中の飲食や体験での消費が伸びていません。",
        desired_outcome="昼の体験メニューを5つ以上そろえ、連泊する方の割合を増やすこと。",
        assets="観光案内所の来訪者アンケート、農業体験を受け入れる農家の一覧",
        partnership_forms="共同企画、モニターツアー、学生の調査協力",
        budget_status="none",
    ),
    _issue(
        "achi",
        "山あいの集落に住むお年寄りの、買い物と通院の足を確保したい",
        (
            "村内には路線バスの便が少ない集落が多く、車の運転をやめたお年寄りが買い物や通院に困って"
            "います。村営バスのルートの見直しに加え、住民同士の送迎や移動販売、オンライン診療など、"
            "いくつかの方法を組み合わせた解決策を探しています。"
        ),
        "sdg-3 sdg-11 mobility elderly-care",
        situation=(
            "一人暮らしの高齢の方が増え、運転免許を返納するかどうか迷う方からの相談も増えています。"
        ),
        desired_outcome="2027年度中に、少なくとも一つの集落で新しい移動の仕組みを試すこと。",
        constraints="冬は積雪と凍結のため、運行が不安定になる時期があります。",
        partnership_forms="実証実験、共同研究、車両や機器の提供",
        budget_status="next_year",
        funding="commission",
        budget=(1_000_000, 2_500_000),
        **FY2027,
    ),
    _strength(
        "achi",
        "閉校した小学校の校舎を、サテライトオフィスや企業研修の拠点として貸し出します",
        (
            "山あいの集落にある、閉校した小学校の校舎を活用してくださる企業や団体を募集しています。"
            "教室はオフィスや工房に、体育館は研修やイベントに使え、校庭からは山並みが見渡せます。"
            "地域の方との交流を大切にしてくださる方を歓迎します。"
        ),
        "sdg-8 sdg-11 migration employment",
        offer_what="木造2階建ての旧校舎（教室6室、体育館、校庭）の貸し出し",
        offer_for_whom="サテライトオフィスを探す企業、研修や合宿の場を探す企業・大学",
        conditions=(
            "賃料は村の規則に基づき、減額のご相談に応じます。改修の費用の負担は協議のうえ決めます。"
        ),
        capacity="1〜2の団体",
        funding="in_kind",
        state="stale",
    ),
    _strength(
        "achi",
        "温泉街の空き店舗を、学生のフィールドワークや実証の場として無償で提供します",
        (
            "温泉街の中心にある空き店舗の一部を、大学や高専の学生が地域で調査や実証を行う拠点として"
            "無償でお貸しします。観光客や住民と直接話ができる場所なので、"
            "観光の調査や商品の試験販売、地域の方との交流の場として使っていただけます。"
        ),
        "sdg-4 sdg-11 tourism education",
        offer_what="空き店舗1軒（約40平方メートル、電気・水道・インターネットあり）",
        offer_for_whom="大学、高専、高校のゼミや研究室、授業",
        conditions="利用期間は1か月〜1年です。光熱費の実費のみご負担ください。",
        funding="in_kind",
        state="expired",
    ),
    _strength(
        "achi",
        "山あいの村の暮らしを支える技術の、実証フィールドを提供します",
        (
            "村では、山あいの暮らしの困りごとを解決する新しい技術やサービスを、"
            "村を舞台に試していただける企業や大学を歓迎しています。"
            "移動、見守り、農業、観光など、実証の内容に合わせて協力してくださる集落や住民を村が紹介"
            "し、関係者との調整もお手伝いします。"
        ),
        "sdg-9 sdg-11 sdg-17 dx",
        offer_what="実証の場の提供、協力する集落・住民の紹介、関係機関との調整",
        offer_for_whom="山間地向けの技術やサービスを開発する企業、大学、高専",
        conditions="実証の内容は事前に村と協議します。実証にかかる費用は実施する方の負担です。",
        capacity="年間3件程度",
        funding="in_kind",
    ),
    # 東川町 (北海道, town)
    _issue(
        "higashikawa",
        "雪と写真を生かした冬の体験メニューをつくり、冬の観光客を増やしたい",
        (
            "町を訪れる方は夏から秋に多く、冬は大きく減ってしまいます。"
            "雪景色の撮影ツアーや、スノーシューで森を歩く体験、冬の農村の暮らしに触れる滞在など、"
            "冬ならではの体験メニューを、旅行会社やアウトドアの事業者と一緒に開発したいと考えていま"
            "す。"
        ),
        "sdg-8 tourism culture",
        situation="冬は宿泊施設の稼働が低く、季節によって地域の仕事が大きく偏っています。",
        desired_outcome="2027年度の冬に3つ以上の体験メニューを販売し、冬の宿泊者を増やすこと。",
        assets="町内の撮影スポットの情報、写真を通じた交流の経験、体験の受け入れに協力する事業者",
        partnership_forms="共同企画、モニターツアー、委託",
        budget_status="next_year",
        funding="commission",
        budget=(1_500_000, 3_000_000),
        starts_on=date(2027, 10, 1),
        ends_on=date(2028, 3, 31),
    ),
    _issue(
        "higashikawa",
        "新しく農業を始めたい人と、引退を考える農家をつなぐ仕組みをつくりたい",
        (
            "町の基幹産業である稲作と畑作では農家の高齢化が進み、"
            "離農を考える方が少しずつ増えています。一方で、"
            "町への移住をきっかけに農業を始めたいという相談もあります。"
            "農地や機械、技術の引き継ぎをうまく進めるための仕組みを、金融機関や大学、"
            "農協の皆さんと一緒に考えたいと考えています。"
        ),
        "sdg-2 agriculture business-succession migration",
        situation=(
            "農地の貸し借りの相談窓口はありますが、機械や技術、"
            "販路まで含めた引き継ぎの支援はこれからです。"
        ),
        desired_outcome=(
            "就農を希望する方が2〜3年かけて農家のもとで学び、"
            "経営を引き継ぐモデルを2027年度中に1件つくること。"
        ),
        partnership_forms="共同研究、相談会の共同開催、研修の受け入れ",
        budget_status="none",
        visibility="members",
    ),
    _issue(
        "higashikawa",
        "移り住んだ方ともとから暮らす方が、気軽に交流できる場をつくりたい",
        (
            "ここ数年で町外から移り住む方が増え、子育て世帯やものづくりをする方など、"
            "暮らす人の顔ぶれが多様になってきました。一方で、"
            "もとから暮らす方との接点が少ないという声も聞かれます。"
            "食や写真、子育てなどをきっかけに、自然に交流が生まれる場や催しを一緒に企画してくださる"
            "方を探しています。"
        ),
        "sdg-10 sdg-11 migration population",
        desired_outcome=(
            "月に1回程度の交流の催しを定着させ、移住した方が地域の役割を担うきっかけをつくること。"
        ),
        assets="町の交流施設、移住相談の記録、町内の事業者とのつながり",
        partnership_forms="共同企画、学生の調査協力、ボランティア",
        budget_status="this_year",
        funding="volunteer",
        state="closed",
    ),
    _strength(
        "higashikawa",
        "写真の町として、学校の写真・映像学習に町の資源と人をつなぎます",
        (
            "町では長く写真の文化を大切にしてきました。"
            "町外の学校が写真や映像を使った学習に取り組む際に、町内の撮影スポットの案内や、"
            "写真に携わる方の講話、作品を展示する場づくりをお手伝いします。"
            "オンラインでの講評会にも対応します。"
        ),
        "sdg-4 culture education arts",
        offer_what="撮影スポットの案内、写真に携わる方の講話の調整、作品展示の場の提供",
        offer_for_whom="全国の小学校・中学校・高校",
        conditions="町への来訪にかかる交通費・宿泊費は学校側でご負担ください。",
        online_ok=True,
        funding="in_kind",
        state="stale",
    ),
    # 松本市 (長野県, city)
    _issue(
        "matsumoto",
        "中心市街地の空き店舗を使った、にぎわいづくりの実証事業の提案を募集します",
        (
            "中心市街地では空き店舗が目立ち、平日の人通りが少なくなっています。"
            "空き店舗を一定期間借り上げ、新しい使い方を試す実証事業の提案を募集します。"
            "若い世代の創業、学生の活動拠点、子育て中の方の居場所など、"
            "まちに新しい人の流れをつくるアイデアを求めています。"
        ),
        "sdg-8 sdg-11 local-industry",
        situation="商店街の空き店舗は年々増え、後継者のいない店の閉店も続いています。",
        desired_outcome=(
            "2027年度に2〜3件の実証を行い、成果が見込めるものは翌年度以降の本格的な事業につなげるこ"
            "と。"
        ),
        constraints=(
            "店舗の借り上げの費用は市が負担し、提案の費用には含めません。"
            "予算の成立を前提とした募集です。"
        ),
        assets="空き店舗の所在と状態の一覧、通行量調査の結果（過去5年分）",
        partnership_forms="業務委託",
        budget_status="next_year",
        funding="commission",
        budget=(1_000_000, 4_000_000),
        call_budget=4_000_000,
        call_days=80,
        selection_criteria=(
            "まちに新しい人の流れを生むか／地元の商店街や住民と協力できる体制か／"
            "実証期間の後も続く見通しがあるか／費用の内訳は妥当か"
        ),
        starts_on=date(2027, 5, 1),
        ends_on=date(2028, 2, 29),
    ),
    _issue(
        "matsumoto",
        "城の周辺に集中する観光客を、山岳エリアや郊外の温泉地へ分散させたい",
        (
            "市の中心部の観光地には休日や連休に観光客が集中し、"
            "周辺の道路の渋滞や住民の暮らしへの影響が出ています。"
            "一方で、山岳エリアや郊外の温泉地には、まだ知られていない魅力が多くあります。"
            "公共交通と組み合わせた周遊の仕組みや、混雑の情報を発信する方法を一緒に考えてくださる方"
            "を探しています。"
        ),
        "sdg-11 tourism mobility",
        situation="連休中は中心部の駐車場が満車になり、周辺の生活道路にも車があふれています。",
        desired_outcome=(
            "混雑時に郊外や山岳エリアへ足を延ばす観光客を増やし、中心部の混雑を和らげること。"
        ),
        assets="観光客の動向調査、主要な駐車場の利用データ、観光案内所への問い合わせの記録",
        partnership_forms="共同研究、委託、実証実験",
        budget_status="this_year",
        funding="commission",
        budget=(2_000_000, 5_000_000),
        author="kanko@city-matsumoto.example.jp",
    ),
    _issue(
        "matsumoto",
        "働き盛りの世代の健康づくりを、市内の企業と一緒に進めたい",
        (
            "市の健診の結果からは、30代から50代の働く世代で、"
            "運動不足や生活習慣病の予備群が増えていることがうかがえます。"
            "企業の健康経営の取り組みと市の健康づくりの事業をつなげ、"
            "ウォーキングや食生活の改善に楽しく取り組める仕組みを、"
            "市内の企業と一緒につくりたいと考えています。"
        ),
        "sdg-3 health employment",
        desired_outcome="2027年度に市内の企業10社以上が参加する健康づくりの取り組みを始めること。",
        assets="市の健康ポイント事業の仕組み、保健師による出前健康講座",
        partnership_forms="連携協定、共同事業、協賛",
        budget_status="this_year",
        funding="sponsorship",
        state="draft",
    ),
    _strength(
        "matsumoto",
        "市のオープンデータ（人口・施設・観光統計）を、授業や研究、サービス開発に使ってください",
        (
            "市では、人口や公共施設、観光の統計などをオープンデータとして公開しています。"
            "学校の授業や大学の研究、企業のサービス開発に活用していただけるよう、"
            "データの説明会や担当課との意見交換の場を設けています。"
            "こんなデータがほしいというご要望もお寄せください。"
        ),
        "sdg-9 sdg-17 dx education",
        offer_what="オープンデータの提供、データの説明会、担当課との意見交換",
        offer_for_whom="学校、大学、企業、市民団体",
        conditions="データは公開している利用規約に従ってお使いください。",
        online_ok=True,
        funding="in_kind",
        state="stale",
    ),
    # 仙台市 (宮城県, designated city)
    _issue(
        "sendai",
        "行政手続きのオンライン化を進める、窓口業務の実証実験パートナーを募集",
        (
            "市役所や区役所の窓口では、申請書の記入や待ち時間の長さが、"
            "市民の皆さんにとって大きな負担になっています。"
            "申請書を書かずに手続きができる窓口や、来庁の前にスマートフォンで申請の内容を準備できる"
            "仕組みなど、窓口業務を改善する技術の実証実験を行うパートナーを募集します。"
        ),
        "sdg-9 sdg-16 dx",
        situation=(
            "繁忙期の窓口では1時間以上お待たせすることがあり、職員の負担も大きくなっています。"
        ),
        desired_outcome=(
            "2027年度中に一つの区役所で3か月間の実証を行い、"
            "待ち時間と職員の作業時間の変化を測ること。"
        ),
        constraints=(
            "個人情報の取り扱いには、市の基準に沿った対策が必要です。"
            "既存の基幹システムの改修は対象外です。予算の成立を前提とした募集です。"
        ),
        assets="窓口の来庁者数・待ち時間のデータ、実証に協力する区役所の窓口",
        partnership_forms="実証実験の委託",
        budget_status="next_year",
        funding="commission",
        budget=(3_000_000, 5_000_000),
        call_budget=5_000_000,
        call_days=45,
        selection_criteria=(
            "市民の手間と待ち時間を減らす効果を測れるか／高齢の方や外国の方にも使いやすいか／"
            "個人情報保護の対策は十分か／実証後の導入費用の見通しがあるか"
        ),
        starts_on=date(2027, 6, 1),
        ends_on=date(2027, 12, 28),
    ),
    _issue(
        "sendai",
        "震災の経験を次の世代へ：子どもたちが主体となる防災学習プログラムを共同開発したい",
        (
            "東日本大震災から年月が経ち、当時を知らない子どもたちが増えています。"
            "震災の経験を伝えるだけでなく、子どもたちが自分の地域の危険を調べ、"
            "家族や近所の人と避難の計画を立てるような、主体的に学べる防災学習のプログラムを、"
            "学校や企業、大学と一緒につくりたいと考えています。"
        ),
        "sdg-4 sdg-11 disaster-prevention education",
        situation=(
            "市内の学校では防災教育が行われていますが、学校ごとに内容や時間数に差があります。"
        ),
        desired_outcome=(
            "2027年度に小中学校5校でプログラムを試行し、教材として市内の学校に広げること。"
        ),
        assets="震災の記録や証言の映像、市の防災マップ、防災の専門職員",
        partnership_forms="共同研究、教材の共同開発、出前授業",
        budget_status="next_year",
        funding="commission",
        budget=(1_000_000, 2_000_000),
        **FY2027,
    ),
    _issue(
        "sendai",
        "公共施設の電気の使い方を見える化し、脱炭素を進める技術を探しています",
        (
            "市では脱炭素の実現に向けて、市役所や学校、"
            "市民センターなど公共施設の電力使用量の削減を進めています。"
            "施設ごと・時間帯ごとの使用量を見える化し、"
            "無駄を見つけて職員や利用者の行動を変える仕組みを、"
            "企業や大学と一緒に試したいと考えています。"
        ),
        "sdg-7 sdg-13 energy environment",
        desired_outcome="10施設程度で見える化を試し、電力使用量を1割程度減らす方法を見つけること。",
        assets="公共施設の月別の電力使用量のデータ、実証に協力する施設",
        partnership_forms="実証実験、共同研究",
        budget_status="next_year",
        state="draft",
    ),
    _strength(
        "sendai",
        "市の公共施設や公園を、新しい技術やサービスの実証フィールドとして提供します",
        (
            "市では、企業や大学が開発中の技術やサービスを、市内の公共施設や公園、"
            "道路などで試せるよう、実証のフィールドを提供しています。"
            "実証の内容に応じて関係部署との調整や、市民への周知もお手伝いします。"
        ),
        "sdg-9 sdg-11 sdg-17 dx",
        offer_what="公共施設・公園・道路などでの実証の場、関係部署との調整、市民への周知",
        offer_for_whom="新しい技術やサービスを開発する企業、大学、高専",
        conditions="実証の内容を市で審査します。実証にかかる費用は提案者の負担です。",
        funding="in_kind",
    ),
    # 高知県 (prefectural government)
    _issue(
        "kochi",
        "南海トラフ地震に備え、避難訓練の参加状況をデジタルで把握する仕組みの提案を募集",
        (
            "県では、南海トラフ地震による津波に備え、沿岸の市町村とともに避難訓練を続けています。"
            "一方で、誰がどこに避難できたか、避難に何分かかったかを紙で集計しており、"
            "結果を次の訓練に生かすまでに時間がかかっています。"
            "訓練の参加状況と避難にかかった時間をデジタルで把握し、"
            "地域ごとの課題を見える化する仕組みの提案を募集します。"
        ),
        "sdg-11 sdg-13 disaster-prevention dx",
        situation=(
            "訓練の参加者の集計は自主防災組織の方の手作業に頼っており、"
            "高齢化で負担が大きくなっています。"
        ),
        desired_outcome="2027年度に沿岸の3市町で試行し、翌年度以降に県内の市町村へ広げること。",
        constraints=(
            "スマートフォンを持たない高齢の方も参加できる方法が必要です。"
            "個人情報は県の基準に従って取り扱ってください。予算の成立を前提とした募集です。"
        ),
        assets="過去の訓練の集計結果、津波の浸水想定、協力する自主防災組織",
        partnership_forms="業務委託",
        budget_status="next_year",
        funding="commission",
        budget=(5_000_000, 8_000_000),
        call_budget=8_000_000,
        call_days=60,
        selection_criteria=(
            "高齢の方も無理なく参加できるか／市町村や自主防災組織の手間が減るか／"
            "平時の訓練から実際の災害時まで使えるか／費用と運用の体制は妥当か"
        ),
        starts_on=date(2027, 6, 1),
        ends_on=date(2028, 3, 31),
    ),
    _issue(
        "kochi",
        "山あいの集落を支える拠点の運営に、企業や大学の人材に関わってほしい",
        (
            "県内の中山間地域では、集落の住民が支え合い、買い物や見守り、"
            "特産品づくりを行う地域の拠点の運営が続けられています。"
            "しかし担い手の高齢化が進み、新しい事業の企画や情報の発信まで手が回らなくなっています。"
            "企業の社員の副業や研修、大学のゼミなど、さまざまな形で運営に関わってくださる方を探して"
            "います。"
        ),
        "sdg-11 sdg-17 population employment",
        desired_outcome="県外の企業・大学とつながりのある拠点を、2027年度中に5か所増やすこと。",
        constraints="拠点の多くは、県の中心部から車で1〜2時間の場所にあります。",
        partnership_forms="企業研修、副業・兼業、大学のフィールドワーク、オンラインでの関わり",
        online_ok=True,
        budget_status="none",
        visibility="members",
    ),
    _issue(
        "kochi",
        "林業の担い手不足に、ICTを使った省力化と若い人材の呼び込みで向き合いたい",
        (
            "県土の大部分を占める森林を守り、木材を生かしていくには林業の担い手が欠かせませんが、"
            "作業の厳しさや危険から、なり手が減っています。"
            "ドローンやレーザー計測による森林調査、作業の記録のデジタル化など、"
            "現場の負担を減らす技術と、林業を志す若い人を呼び込む方法を、"
            "企業や高専・大学と一緒に探りたいと考えています。"
        ),
        "sdg-8 sdg-15 forestry dx",
        desired_outcome="2027年度に県内の林業事業体で2件以上の技術の実証を行うこと。",
        assets="森林の資源情報、林業の研修機関、実証に協力する林業事業体",
        partnership_forms="共同研究、実証実験、インターンシップ",
        budget_status="next_year",
        funding="commission",
        budget=(2_000_000, 6_000_000),
        state="stale",
        **FY2027,
    ),
    _issue(
        "kochi",
        "森林の手入れと県産材の利用で、企業と一緒に脱炭素を進めたい",
        (
            "県土の大部分を占める森林を適切に手入れし、"
            "二酸化炭素の吸収と県産材の利用を両立させることは、県の脱炭素の柱の一つです。"
            "企業の皆さんに森づくりへの参加や、社屋・店舗での県産材の利用、"
            "企業版ふるさと納税による支援などで関わっていただき、"
            "その効果をわかりやすく示す仕組みをつくりたいと考えています。"
        ),
        "sdg-13 sdg-15 forestry environment",
        situation=(
            "手入れの行き届かない森林が残る一方で、県産材の利用は住宅以外の分野でまだ伸びしろがあり"
            "ます。"
        ),
        desired_outcome=(
            "森林の手入れと県産材の利用による脱炭素の効果を見える化し、参加する企業を増やすこと。"
        ),
        partnership_forms="森づくりへの参加、県産材の利用、企業版ふるさと納税、共同研究",
        budget_status="none",
        funding="corporate_furusato",
    ),
    _strength(
        "kochi",
        "県内の市町村や地域の皆さんとの調整を、県の地域支援の担当者がお手伝いします",
        (
            "県では、市町村ごとに地域の支援を担当する職員を配置しています。"
            "県外の企業や大学が県内で地域の課題に取り組むとき、関係する市町村や地域の団体を紹介し、"
            "最初の打ち合わせから活動の立ち上げまでをお手伝いします。"
        ),
        "sdg-11 sdg-17 population",
        offer_what="市町村・地域の団体の紹介、現地の案内、活動の立ち上げの支援",
        offer_for_whom="県内で地域の課題に取り組みたい企業、大学、学校",
        conditions="費用はかかりません。",
        online_ok=True,
        funding="in_kind",
    ),
    # 尾道市 (広島県, city)
    _issue(
        "onomichi",
        "坂の町と島の空き家を、移住や創業の場として生かしたい",
        (
            "市内の坂の多い旧市街や島しょ部では、車が入れない場所や老朽化した建物が多く、"
            "空き家が増え続けています。空き家バンクへの登録を進める一方で、"
            "改修の費用や手間が大きく、活用に踏み切れない所有者も少なくありません。"
            "改修と活用をセットで進める仕組みや、移住や創業を考える方との出会いの場を、"
            "一緒につくってくださる方を探しています。"
        ),
        "sdg-11 migration population",
        situation=(
            "空き家の所有者の多くが市外に住んでおり、連絡や意向の確認に時間がかかっています。"
        ),
        desired_outcome=(
            "2027年度に空き家の改修と活用のモデルを3件つくり、移住・創業の事例として発信すること。"
        ),
        assets="空き家バンクの登録物件、所有者への意向調査の結果",
        partnership_forms="共同事業、改修の技術協力、学生の調査協力",
        budget_status="this_year",
        funding="commission",
        budget=(1_000_000, 3_000_000),
    ),
    _issue(
        "onomichi",
        "造船や海運の担い手を増やすため、高校生に地域の産業を知ってもらいたい",
        (
            "市の経済を支える造船や海運の事業所では、若い世代の人材の確保が大きな課題です。"
            "地元の高校生に、現場の見学や働く人との対話を通じて、"
            "ものづくりと海の仕事の魅力を知ってもらう機会を、"
            "学校や企業と一緒に増やしたいと考えています。"
        ),
        "sdg-8 employment local-industry education",
        desired_outcome=(
            "2027年度に、市内の高校の生徒が地元の事業所を見学・体験する機会を年3回以上つくること。"
        ),
        partnership_forms="キャリア教育の共同企画、職場見学・体験の受け入れの調整",
        budget_status="none",
        funding="volunteer",
        state="closed",
    ),
    _issue(
        "onomichi",
        "サイクリングで島を通り過ぎる人に、もう一泊してもらうための仕掛けづくり",
        (
            "島々を結ぶサイクリングロードには国内外から多くの方が訪れますが、"
            "その多くは島を走り抜けて日帰りで帰ってしまいます。"
            "島ならではの食や体験、泊まる場所の魅力を伝え、島で一泊してもらうための仕掛けを、"
            "旅行会社や学生と一緒に考えたいと考えています。"
        ),
        "sdg-8 sdg-11 tourism",
        desired_outcome="島での宿泊者を増やし、島の飲食店や宿泊施設の売り上げにつなげること。",
        assets="サイクリング客の通行量のデータ、島の宿泊施設・飲食店の一覧",
        partnership_forms="共同企画、学生の調査・発信、モニターツアー",
        budget_status="next_year",
    ),
    _strength(
        "onomichi",
        "空き家の改修や活用を学ぶ大学・高校の授業に、物件と所有者の協力をつなぎます",
        (
            "市の空き家バンクに登録されている物件のうち、所有者の了解が得られたものを、"
            "建築や地域づくりを学ぶ学生の教材として紹介します。"
            "物件の調査や改修の提案、活用のアイデアを所有者に発表する機会をつくることもできます。"
        ),
        "sdg-4 sdg-11 migration education",
        offer_what="調査や改修の提案に使える空き家の紹介、所有者との調整",
        offer_for_whom="建築・まちづくりを学ぶ大学、高専、高校",
        conditions="物件への立ち入りには市の職員が同行します。",
        funding="in_kind",
        state="stale",
    ),
    # 伊根町 (京都府, town; waiting for verification)
    _issue(
        "ine",
        "町並みを訪れる観光客と、そこで暮らす住民の生活を両立させたい",
        (
            "海沿いの町並みを見に訪れる方が増え、町の魅力が広く知られるようになりました。"
            "その一方で、住宅の近くでの撮影や路上駐車など、住民の暮らしへの影響も出ています。"
            "観光のマナーを伝える方法や、混雑する時間や場所を分散させる工夫を、"
            "旅行会社や大学と一緒に考えたいと考えています。"
        ),
        "sdg-11 sdg-12 tourism",
        desired_outcome=(
            "観光客と住民の双方が納得できる観光のルールと、それを伝える仕組みをつくること。"
        ),
        assets="観光客の来訪状況の記録、住民への意識調査の結果",
        partnership_forms="共同研究、委託、学生の調査協力",
        budget_status="next_year",
        funding="commission",
        budget=(1_000_000, 2_000_000),
    ),
    _issue(
        "ine",
        "漁業の後継者を迎えるため、漁村で暮らしながら働ける仕組みを一緒に考えたい",
        (
            "町の漁業を担う漁師の多くが高齢となり、後継者の確保が急がれています。"
            "漁業に関心のある若い方が町に住みながら漁を学び、"
            "観光や加工の仕事と組み合わせて生計を立てられるような仕組みを、漁協や企業、"
            "学校と一緒につくりたいと考えています。"
        ),
        "sdg-14 fisheries migration business-succession",
        desired_outcome="2027年度中に、漁業の研修を受ける移住者を2人以上迎えること。",
        constraints="住まいの確保が課題です。町営住宅や空き家の活用を検討しています。",
        partnership_forms="研修の受け入れ、移住相談会の共同開催、商品開発",
        budget_status="none",
    ),
    _strength(
        "ine",
        "海と漁村の暮らしを学ぶ、大学生・高校生のフィールドワークを受け入れます",
        (
            "漁村での暮らしや海の仕事、観光と暮らしの関係を学びたい学生のフィールドワークを受け入れ"
            "ます。漁業者や住民への聞き取り、町並みの調査など、"
            "学生の関心に合わせて受け入れ先を調整します。"
        ),
        "sdg-4 sdg-14 education fisheries",
        offer_what="フィールドワークの受け入れの調整、聞き取り先の紹介",
        offer_for_whom="大学、高校",
        conditions="地域の暮らしに配慮し、1回の受け入れは10人程度までとします。",
        funding="in_kind",
        state="draft",
    ),
)

SCHOOL_POSTINGS: tuple[DemoPosting, ...] = (
    # 東川町立はるかぜ小学校 (elementary, 1–6)
    _issue(
        "harukaze",
        "5年生の米づくり学習で、育てたお米の魅力を写真と動画で伝える方法を教えてほしい",
        (
            "5年生は総合的な学習の時間に、地域の農家さんの田んぼをお借りして米づくりに取り組んでい"
            "ます。今年度は、育てたお米の魅力や農家さんの思いを、"
            "写真や短い動画にまとめて町の人に伝えることに挑戦したいと考えています。"
            "撮影や編集の基本を子どもたちに教えてくださる方を探しています。"
        ),
        "sdg-2 sdg-4 education agriculture",
        situation=(
            "田植えから稲刈りまでの体験はできていますが、"
            "学んだことを発信する経験が少ないのが課題です。"
        ),
        desired_outcome="子どもたちがつくった作品を、秋の収穫祭で町の人に発表すること。",
        constraints="授業は平日の日中です。謝礼は用意できませんが、交通費はご相談ください。",
        partnership_forms="ゲストティーチャー、オンラインでの講評",
        online_ok=True,
        funding="volunteer",
        school_year=2027,
        terms=("1学期", "2学期"),
        grades=(5, 5),
        student_count=34,
        class_hours=20,
    ),
    _issue(
        "harukaze",
        "3年生の「まちたんけん」で、仕事の様子を見せてくださる町内の事業所を探しています",
        (
            "3年生の社会科と総合的な学習の時間では、町のお店や工場、農家を訪ねて、"
            "働く人の様子を見学します。子どもたち10人ほどのグループで30分程度お邪魔し、"
            "仕事の工夫や大変なことを質問させていただけるところを探しています。"
        ),
        "sdg-4 sdg-8 education local-industry",
        desired_outcome="子どもたちが町の仕事の工夫に気づき、壁新聞にまとめて発表すること。",
        constraints="徒歩かスクールバスで行ける範囲の事業所を希望します。",
        partnership_forms="見学の受け入れ",
        funding="volunteer",
        school_year=2027,
        terms=("2学期",),
        grades=(3, 3),
        student_count=36,
        class_hours=12,
        state="closed",
    ),
    _strength(
        "harukaze",
        "子どもたちが育てた野菜とお米の販売コーナーで、町のイベントを盛り上げます",
        (
            "学校の畑と田んぼで子どもたちが育てた野菜やお米を、"
            "町のイベントや直売所で販売するコーナーを出します。"
            "売り場の飾りつけや商品の説明カードづくりも子どもたちが担当し、"
            "元気な呼び込みでイベントを盛り上げます。イベントを主催される方からのお声がけをお待ちし"
            "ています。"
        ),
        "sdg-2 sdg-12 agriculture food",
        offer_what="子どもたちによる販売コーナーの出店（野菜・お米、説明カード、呼び込み）",
        offer_for_whom="町内や近隣で農業・食のイベントを開く団体、直売所",
        conditions=(
            "授業日の日中、または学校行事として参加できる休日に限ります。"
            "売上は学習の費用に充てます。"
        ),
        capacity="年2回程度（秋が中心）",
        funding="volunteer",
        school_year=2027,
        terms=("2学期",),
        grades=(5, 6),
        student_count=70,
    ),
    _strength(
        "harukaze",
        "6年生が撮った「わたしたちの町」の写真を、観光案内や町の広報に使ってください",
        (
            "6年生は図画工作と総合的な学習の時間に、町の好きな場所や人を撮影する学習に取り組んでい"
            "ます。子どもの目線でとらえた町の風景や暮らしの写真を、観光案内所の展示や町の広報、"
            "企業のカレンダーなどで活用していただけないでしょうか。"
        ),
        "sdg-4 sdg-11 tourism arts",
        offer_what="子どもたちが撮影した写真（説明文付き、約100点）",
        offer_for_whom="町役場、観光案内所、町内の事業者",
        conditions="使用の際は学校名と学年を表示してください。営利目的の販売には使えません。",
        funding="volunteer",
        school_year=2027,
        terms=("2学期", "3学期"),
        grades=(6, 6),
        student_count=35,
    ),
    # 松本市立あがたの森中学校 (junior high, 1–3)
    _issue(
        "agatanomori",
        "2年生の探究学習「まちの困りごと解決提案」に、課題を出してくださる企業・市の方を募集",
        (
            "2年生約160人が、1年間かけて地域の困りごとを見つけ、"
            "解決策を考えて提案する探究学習に取り組みます。"
            "企業や市役所の方から実際の課題をお聞きし、生徒の提案に意見をいただくことで、"
            "学びを社会とつなげたいと考えています。課題の説明と中間での相談に各1回、"
            "最終発表会にご参加いただける方を探しています。"
        ),
        "sdg-4 sdg-11 sdg-17 education",
        situation=(
            "昨年度は、生徒がインターネットで調べたことをまとめるだけになり、"
            "現場の声に触れる機会が不足していました。"
        ),
        desired_outcome=(
            "各グループの提案を、課題を出してくださった方の前で発表し、"
            "実際に試せるものは試してみること。"
        ),
        constraints="授業は水曜日の5・6時間目です。オンラインでの参加も歓迎します。",
        partnership_forms="課題の提供、ゲストティーチャー、発表会への参加",
        online_ok=True,
        funding="volunteer",
        school_year=2027,
        terms=("1学期", "2学期", "3学期"),
        grades=(2, 2),
        student_count=160,
        class_hours=35,
        author="gakunen2@agatanomori-jh.example.jp",
    ),
    _issue(
        "agatanomori",
        "1年生の職場体験（3日間）で、生徒を受け入れてくださる事業所を探しています",
        (
            "1年生の秋に、市内の事業所で3日間の職場体験を行います。"
            "一つの事業所につき2〜4人の生徒を受け入れていただき、"
            "実際の仕事の一部を体験させていただけるところを探しています。"
            "ものづくり、福祉、観光、農業など、さまざまな分野の受け入れ先を求めています。"
        ),
        "sdg-4 sdg-8 education employment",
        constraints=(
            "生徒は徒歩・自転車・公共交通で移動します。事前に担当の教員が打ち合わせに伺います。"
        ),
        partnership_forms="職場体験の受け入れ",
        funding="volunteer",
        school_year=2027,
        terms=("2学期",),
        grades=(1, 1),
        student_count=158,
        class_hours=24,
        state="closed",
    ),
    _strength(
        "agatanomori",
        "中学生が、商店街の通行量調査や来街者アンケートをお手伝いします",
        (
            "探究学習の一環として、生徒がまちに出て調査を行う経験を積みたいと考えています。"
            "商店街の通行量調査や来街者へのアンケート、集計とグラフ化まで、"
            "生徒のグループが担当します。調査の結果は、生徒なりの考察を添えて報告します。"
        ),
        "sdg-4 sdg-11 local-industry education",
        offer_what="調査の実施（1回あたり生徒20〜40人、2時間程度）、集計と報告",
        offer_for_whom="商店街、市役所、まちづくりの団体",
        conditions="授業日の午後に限ります。調査票の準備にご協力ください。",
        capacity="年2〜3回",
        funding="volunteer",
        school_year=2027,
        terms=("1学期", "2学期"),
        grades=(2, 2),
        student_count=40,
        author="gakunen2@agatanomori-jh.example.jp",
    ),
    _issue(
        "agatanomori",
        "3年生の修学旅行で、京都の企業や大学を訪ねて課題を聞く探究プログラムを組みたい",
        (
            "3年生の修学旅行（京都・奈良、2泊3日）の1日を、班ごとに企業や大学、地域を訪ね、"
            "そこで出された課題に取り組む探究型の行程にしたいと考えています。"
            "受け入れてくださる企業や大学の方、プログラムの組み立てを手伝ってくださる旅行会社を探し"
            "ています。"
        ),
        "sdg-4 sdg-17 education tourism",
        constraints="訪問は1班6人程度、半日程度を想定しています。",
        partnership_forms="受け入れ、行程の企画",
        place="prefecture",
        pref=26,
        school_year=2027,
        terms=("1学期",),
        grades=(3, 3),
        student_count=162,
        class_hours=10,
        state="review",
    ),
    # 広島県立しまなみ未来高等学校 (high, 1–3)
    _issue(
        "shimanami",
        "海洋科2年生の課題研究で、造船・海運の企業と一緒に取り組むテーマを募集します",
        (
            "海洋科の2年生は、1年間かけてグループで課題研究に取り組みます。"
            "今年度は、地域の造船所や海運会社が抱えている実際の課題をテーマにし、"
            "現場の方の助言を受けながら研究を進めたいと考えています。"
            "船の燃費の改善、港の安全、海の環境など、生徒が取り組めるテーマをご提供いただける企業を"
            "探しています。"
        ),
        "sdg-9 sdg-14 education local-industry",
        constraints="研究は週2時間の授業の中で行います。現場の見学は年2回程度を想定しています。",
        partnership_forms="研究テーマの提供、現場見学、研究発表会での講評",
        funding="volunteer",
        school_year=2027,
        terms=("1学期", "2学期", "3学期"),
        grades=(2, 2),
        student_count=38,
        class_hours=70,
    ),
    _issue(
        "shimanami",
        "1年生の探究「島の未来を考える」で、島の暮らしを支える方に話を聞かせてほしい",
        (
            "普通科の1年生が、島の人口減少や交通、医療、観光などをテーマに、"
            "島の未来を考える探究学習を行います。島で働く方や暮らしを支える活動をしている方にお話を"
            "伺い、生徒がまとめた提案を聞いていただける方を探しています。"
        ),
        "sdg-4 sdg-11 population education",
        partnership_forms="講話、インタビューの受け入れ、発表会への参加",
        online_ok=True,
        funding="volunteer",
        school_year=2027,
        terms=("2学期", "3学期"),
        grades=(1, 1),
        student_count=120,
        class_hours=30,
        state="expired",
    ),
    _strength(
        "shimanami",
        "高校生が、サイクリング客向けの島の立ち寄りマップとSNS発信を担当します",
        (
            "島に暮らす高校生だからこそ知っている、おいしい店や景色のよい場所、"
            "休憩できる場所を紹介するマップをつくり、SNSで発信します。"
            "観光協会や市、島の事業者の皆さんと一緒に取り組むことで、"
            "サイクリング客が島に立ち寄るきっかけをつくります。"
        ),
        "sdg-8 sdg-11 tourism",
        offer_what="立ち寄りマップの作成、SNSでの発信（半年間、週1回程度）",
        offer_for_whom="市役所、観光協会、島の飲食店・宿泊施設",
        conditions="マップの印刷費をご負担いただけると助かります。",
        funding="volunteer",
        school_year=2027,
        terms=("1学期", "2学期"),
        grades=(2, 3),
        student_count=15,
    ),
    _strength(
        "shimanami",
        "海洋科の生徒が、海岸の漂着ごみ調査と清掃活動に参加します",
        (
            "海洋科の生徒は、実習で海の環境や水質について学んでいます。"
            "その経験を生かし、地域の海岸での漂着ごみの種類と量の調査や、清掃活動に参加します。"
            "調査の結果は、生徒がまとめて報告します。"
        ),
        "sdg-12 sdg-14 environment",
        offer_what="海岸の清掃と漂着ごみの分類調査（生徒20〜30人、半日）、結果の報告",
        offer_for_whom="市役所、環境団体、海岸を管理する企業",
        conditions="土曜日か長期休業中に限ります。ごみの処分の手配をお願いします。",
        funding="volunteer",
        school_year=2027,
        terms=("1学期", "2学期"),
        grades=(1, 3),
        student_count=30,
        state="stale",
    ),
    # 北アルプス工業高等専門学校 (technical college, 1–5)
    _issue(
        "kitaalps",
        "4年生のPBL授業で、学生チームが取り組む企業・自治体の技術課題を募集します",
        (
            "4年生の課題解決型プロジェクト授業では、4〜5人の学生チームが半年間かけて、"
            "地域の企業や自治体から寄せられた課題に取り組みます。"
            "装置の試作、データの分析、簡単なアプリの開発など、"
            "学生の専門を生かせる課題を募集しています。"
            "中間と最終の発表会では、課題を出してくださった方に講評をお願いします。"
        ),
        "sdg-4 sdg-9 education",
        situation=(
            "これまでは課題の多くを教員が用意してきましたが、"
            "学生からは実社会の課題に取り組みたいという声が強くあります。"
        ),
        desired_outcome=(
            "10件以上の課題を集め、学生チームの成果を課題の提供者に役立てていただくこと。"
        ),
        constraints=(
            "課題のご相談は2027年7月までにお願いします。"
            "試作の材料費は学校で負担できる範囲で対応します。"
        ),
        partnership_forms="課題の提供、中間・最終発表会での講評、現地調査の受け入れ",
        place="prefecture",
        online_ok=True,
        funding="volunteer",
        school_year=2027,
        terms=("後期",),
        grades=(4, 4),
        student_count=160,
        class_hours=60,
    ),
    _issue(
        "kitaalps",
        "5年生の卒業研究：山の斜面の変化を見張るセンサー網の実証フィールドを探しています",
        (
            "電気電子工学科と環境都市工学科の5年生が、"
            "斜面の小さな変化を低消費電力のセンサーでとらえ、"
            "山あいの集落に知らせる仕組みを卒業研究で開発しています。"
            "実際の斜面にセンサーを設置して、半年ほど計測させていただける場所を探しています。"
        ),
        "sdg-9 sdg-11 disaster-prevention",
        desired_outcome=(
            "1年間の計測データをもとに、集落への知らせ方まで含めた仕組みを提案すること。"
        ),
        constraints=(
            "設置には土地の所有者と管理者の許可が必要です。電源のない場所では太陽電池を使います。"
        ),
        partnership_forms="実証フィールドの提供、自治体の防災担当者との意見交換",
        place="prefecture",
        school_year=2027,
        terms=("前期", "後期"),
        grades=(5, 5),
        student_count=4,
        author="lab-energy@kita-alps-kosen.example.jp",
    ),
    _strength(
        "kitaalps",
        "学生チームが、IoT機器やアプリの試作（プロトタイピング）をお手伝いします",
        (
            "機械・電気電子・情報の学生が、企業や自治体のアイデアを形にする試作をお手伝いします。"
            "センサーを使った見守りの装置、業務を助ける簡単なアプリ、展示用の模型など、"
            "これまでにもさまざまな試作に取り組んできました。"
            "学生にとっては実践の場、依頼する側にとってはアイデアを小さく試す機会になります。"
        ),
        "sdg-4 sdg-9 dx",
        offer_what="学生チーム（3〜5人）による試作（3〜6か月）、教員による技術的な助言",
        offer_for_whom="企業、自治体、地域の団体",
        conditions="材料費は依頼者の負担です。成果を学内外で発表することをご了承ください。",
        capacity="年間5件程度",
        place="prefecture",
        online_ok=True,
        funding="in_kind",
        school_year=2027,
        terms=("前期", "後期"),
        grades=(3, 5),
    ),
    _strength(
        "kitaalps",
        "高専生が運営する、小中学生向けのロボット・プログラミング教室",
        (
            "ロボット研究会の学生が、小中学生向けのロボット・プログラミング教室を企画・運営します。"
            "公民館や学校に教材のロボットを持ち込み、動かしながらプログラミングの考え方を楽しく学べ"
            "る内容です。"
        ),
        "sdg-4 education dx",
        offer_what="2時間程度の教室（学生5〜8人、教材ロボット20台）",
        offer_for_whom="大北地域の小中学校、公民館、子ども会",
        conditions="土日か長期休業中に限ります。会場までの送迎をお願いする場合があります。",
        capacity="年間10回程度",
        funding="volunteer",
        school_year=2027,
        terms=("前期", "後期"),
        grades=(1, 3),
        student_count=8,
        state="expired",
    ),
    _strength(
        "kitaalps",
        "農業用水路や小さな川での小水力発電の可能性を、学生と一緒に調べます",
        (
            "環境エネルギーの研究室では、農業用水路や小さな川の水の流れを使った小水力発電の研究を行"
            "っています。流量と落差の測定から、発電量の見込み、"
            "設置の費用の概算までを学生と教員が一緒に調べ、導入を考えるための基礎資料にまとめます。"
        ),
        "sdg-7 sdg-13 energy agriculture",
        offer_what="流量・落差の測定、発電量の試算、報告書の作成（3か月程度）",
        offer_for_whom="自治体、土地改良区、地域の団体",
        conditions="交通費などの実費をご負担ください。長野県外はご相談に応じます。",
        capacity="年間3件程度",
        place="prefecture",
        funding="in_kind",
        school_year=2027,
        terms=("前期",),
        grades=(4, 5),
        state="draft",
        author="lab-energy@kita-alps-kosen.example.jp",
    ),
    # 洛北文理大学 (university, 1–4)
    _issue(
        "rakuhoku",
        "3年生のフィールドワーク授業で、京都府内の農山漁村と半年間取り組む課題を募集",
        (
            "地域連携の授業として、3年生が5〜6人のチームで府内の市町村に通い、"
            "半年間にわたって地域の課題に取り組みます。"
            "観光、移住、特産品づくり、集落の暮らしなど、学生が現地で調査し、提案まで行える課題を、"
            "市町村や地域の団体から募集しています。"
        ),
        "sdg-4 sdg-11 population tourism",
        situation=(
            "これまでは京都市内での活動が中心で、府北部や南部の農山漁村との連携が少ないことが課題で"
            "した。"
        ),
        desired_outcome="6か所程度の地域と連携し、学生の提案を地域の方の前で発表すること。",
        constraints="現地への訪問は月2回程度です。交通費は大学が負担します。",
        partnership_forms="課題の提供、現地での受け入れ、発表会への参加",
        place="prefecture",
        funding="volunteer",
        school_year=2027,
        terms=("後期",),
        grades=(3, 3),
        student_count=60,
        class_hours=30,
        author="fieldwork@rakuhoku-bunri.example.jp",
    ),
    _issue(
        "rakuhoku",
        "寺社や町家だけに頼らない観光資源の掘り起こしについて、共同研究の相手を探しています",
        (
            "観光学のゼミでは、有名な寺社や町家に観光客が集中する状況を踏まえ、地域の暮らしや産業、"
            "自然を観光資源として生かす方法を研究しています。"
            "実際のデータや現場をもつ自治体や観光事業者と、"
            "2年程度の共同研究を行いたいと考えています。"
        ),
        "sdg-8 sdg-11 tourism culture",
        desired_outcome="研究の成果を、連携先の観光施策や商品づくりに生かすこと。",
        partnership_forms="共同研究、データの提供、学生の調査の受け入れ",
        place="nationwide",
        online_ok=True,
        starts_on=date(2027, 4, 1),
        ends_on=date(2029, 3, 31),
        state="draft",
    ),
    _strength(
        "rakuhoku",
        "観光客や住民へのアンケート調査を、企画から分析まで学生が担当します",
        (
            "統計とデータ分析を学ぶ学生のチームが、観光客や住民へのアンケート調査を、"
            "質問の設計から実施、集計、分析、報告まで担当します。"
            "教員が調査の設計を確認し、結果は報告書と報告会でお伝えします。"
        ),
        "sdg-11 sdg-17 tourism dx",
        offer_what="アンケート調査（回答数300〜1,000件程度）の設計・実施・分析・報告",
        offer_for_whom="自治体、観光協会、商店街、地域の団体",
        conditions=(
            "交通費と印刷費の実費をご負担ください。調査の結果を授業や学会で発表することをご了承くだ"
            "さい。"
        ),
        capacity="年間4件程度",
        place="prefecture",
        online_ok=True,
        funding="in_kind",
        school_year=2027,
        terms=("前期", "後期"),
        grades=(2, 4),
        student_count=20,
        author="fieldwork@rakuhoku-bunri.example.jp",
    ),
    _strength(
        "rakuhoku",
        "地域のお祭りやイベントの運営に、学生ボランティアを派遣します",
        (
            "地域連携センターに登録している学生ボランティアが、地域のお祭りやスポーツ大会、"
            "清掃活動などの運営をお手伝いします。担い手が減っている行事を続けるための力になりたいと"
            "考えています。"
        ),
        "sdg-11 sdg-17 culture population",
        offer_what="学生ボランティア（1回あたり5〜30人）",
        offer_for_whom="京都府内の自治体、自治会、地域の団体",
        conditions="交通費の実費をご負担いただける場合は、遠方の地域にも伺います。",
        capacity="年間20件程度",
        place="prefecture",
        funding="volunteer",
        school_year=2027,
        terms=("前期", "後期"),
        grades=(1, 4),
        student_count=30,
        state="stale",
        author="fieldwork@rakuhoku-bunri.example.jp",
    ),
    _strength(
        "rakuhoku",
        "自治体職員向け研修「データに基づく政策づくり」を、教員が企画・実施します",
        (
            "公共政策とデータ分析を専門とする教員が、自治体の職員の皆さんを対象に、"
            "統計やアンケートの結果を政策づくりに生かすための研修を行います。"
            "自治体の実際のデータを題材にしたワークを取り入れ、"
            "明日からの業務に生かせる内容にします。"
        ),
        "sdg-16 sdg-17 dx education",
        offer_what="研修（半日×3回程度）の企画・実施、教材の提供",
        offer_for_whom="自治体、広域連合",
        conditions="講師の謝金と交通費は規程に基づきご相談します。オンラインでの実施も可能です。",
        capacity="年間4件程度",
        place="online",
        funding="commission",
        visibility="members",
        state="expired",
    ),
    # 博多さくら学園高等学校 (high, 1–3; waiting for verification)
    _issue(
        "sakura",
        "商業科2年生が地元企業と組んで、商品を企画し販売するところまで取り組みたい",
        (
            "商業科の2年生は、マーケティングの授業で商品の企画に取り組んでいます。"
            "今年度は地元の企業と組み、市場の調査から商品の企画、試作、"
            "販売までを実際に経験させたいと考えています。"
            "生徒の企画を一緒に形にしてくださる企業を探しています。"
        ),
        "sdg-8 sdg-12 education local-industry",
        desired_outcome=(
            "生徒が企画した商品を、秋の学校の販売実習や地元の商店街のイベントで販売すること。"
        ),
        constraints="試作や製造の費用の分担についてはご相談させてください。",
        partnership_forms="商品の共同企画、試作・製造、販売の場の提供",
        school_year=2027,
        terms=("1学期", "2学期", "3学期"),
        grades=(2, 2),
        student_count=80,
        class_hours=40,
    ),
    _issue(
        "sakura",
        "2年生の夏休みのインターンシップで、生徒を受け入れてくださる企業を募集します",
        (
            "普通科・商業科の2年生が、夏休みに3〜5日間のインターンシップに参加します。"
            "事務や販売、IT、福祉など、さまざまな仕事を体験させていただける企業を探しています。"
            "生徒にとって、将来を考える大切なきっかけになります。"
        ),
        "sdg-4 sdg-8 employment education",
        partnership_forms="インターンシップの受け入れ",
        funding="volunteer",
        school_year=2027,
        grades=(2, 2),
        student_count=240,
        starts_on=date(2027, 7, 26),
        ends_on=date(2027, 8, 20),
        state="draft",
    ),
    _strength(
        "sakura",
        "商業科の高校生が、商店街のイベントの企画・運営とSNSでの告知を担当します",
        (
            "商業科の生徒が、商店街や地域のイベントの企画と当日の運営、SNSでの告知を担当します。"
            "これまでにも、地元の商店街で子ども向けのお店体験イベントを開いてきました。"
            "若い世代を呼び込みたい商店街や団体の皆さんからのご相談をお待ちしています。"
        ),
        "sdg-8 sdg-11 local-industry",
        offer_what="イベントの企画・運営（生徒10〜20人）、SNSでの告知（1か月程度）",
        offer_for_whom="福岡市内の商店街、地域の団体",
        conditions="授業の一環として行うため、平日の放課後か土曜日に限ります。",
        funding="volunteer",
        school_year=2027,
        terms=("2学期",),
        grades=(2, 3),
        student_count=20,
    ),
    # 阿蘇市立くさせんり中学校 (junior high, 1–3)
    _issue(
        "kusasenri",
        "2年生のふるさと学習「草原を守る」で、野焼きや放牧について教えてくださる方を探しています",
        (
            "2年生は総合的な学習の時間に、阿蘇の草原がどのように守られてきたかを学んでいます。"
            "野焼きや放牧に携わる方のお話を聞き、草原の手入れの作業に参加させていただくことで、"
            "草原を守る人が減っている現状を自分たちの問題として考えたいと考えています。"
        ),
        "sdg-4 sdg-15 environment agriculture",
        constraints=(
            "安全のため、野焼きそのものではなく、防火帯づくりなど準備の作業の見学・体験を希望しま"
            "す。"
        ),
        partnership_forms="講話、作業体験の受け入れ",
        funding="volunteer",
        school_year=2027,
        terms=("1学期", "2学期"),
        grades=(2, 2),
        student_count=50,
        class_hours=20,
    ),
    _issue(
        "kusasenri",
        "3年生が地域の交通と観光を調べて市に提案する学習に、助言をくださる方を募集",
        (
            "3年生は、バスや鉄道の利用、観光客の動きなどを調べ、"
            "地域の交通と観光をよくするための提案を市役所に届ける学習に取り組みます。"
            "交通事業者や市役所、観光の仕事をしている方に、"
            "データの見方や提案のまとめ方について助言をいただきたいと考えています。"
        ),
        "sdg-4 sdg-11 mobility tourism",
        partnership_forms="講話、データの提供、提案への講評",
        online_ok=True,
        funding="volunteer",
        school_year=2027,
        terms=("2学期", "3学期"),
        grades=(3, 3),
        student_count=48,
        class_hours=25,
    ),
    _strength(
        "kusasenri",
        "中学生が、観光客に草原の魅力を伝えるガイドマップをつくります",
        (
            "ふるさと学習で学んだ草原の歴史や生きもの、季節ごとの見どころを、"
            "観光客向けのガイドマップにまとめます。外国の方にも伝わるよう、"
            "英語の説明文にも挑戦します。道の駅や観光案内所に置いていただける方を探しています。"
        ),
        "sdg-4 sdg-15 tourism education",
        offer_what="ガイドマップの原稿とデザイン（日本語・英語）",
        offer_for_whom="市役所、観光協会、道の駅、交通事業者",
        conditions="印刷費をご負担いただけると助かります。",
        funding="volunteer",
        school_year=2027,
        terms=("2学期", "3学期"),
        grades=(2, 2),
        student_count=50,
        state="stale",
    ),
    _issue(
        "kusasenri",
        "阿蘇と都市部の中学校をオンラインでつなぎ、互いの地域の課題を学び合いたい",
        (
            "小規模な学校のため、生徒が異なる環境で育った同世代と意見を交わす機会が限られています。"
            "都市部の中学校とオンラインで交流し、それぞれの地域の魅力や課題を紹介し合うことで、"
            "自分たちの地域を見つめ直すきっかけにしたいと考えています。"
            "交流先の学校や、交流の進め方を助けてくださる方を探しています。"
        ),
        "sdg-4 sdg-10 education",
        partnership_forms="学校間のオンライン交流、進行の支援",
        place="online",
        funding="volunteer",
        school_year=2027,
        terms=("2学期",),
        grades=(2, 2),
        student_count=50,
        class_hours=8,
    ),
)

BASE_POSTINGS: tuple[DemoPosting, ...] = COMPANY_POSTINGS + MUNICIPALITY_POSTINGS + SCHOOL_POSTINGS


# --- Composed postings ------------------------------------------------------------------


@dataclass(frozen=True)
class Variant:
    title: str
    body: str


@dataclass(frozen=True)
class Topic:
    """A recurring kind of posting, written once. Text fields are `str.format` templates
    filled with the organisation's slots; `defaults` are plain field values, which the
    slots may override (any slot named like a DemoPosting field is that field)."""

    direction: str
    themes: str
    variants: tuple[Variant, ...]
    texts: dict[str, str]
    defaults: dict[str, Any] = field(default_factory=dict)


# Words every template may use, per organisation.
ORGANISATION_SLOTS: dict[str, dict[str, str]] = {
    "hikari": {"we": "当社"},
    "tsubasa": {"we": "当行"},
    "hakata": {"we": "当社"},
    "suruga": {"we": "当社"},
    "hibari": {"we": "当社"},
    "harunire": {"we": "当社"},
    "tabiji": {"we": "当社"},
    "yanbaru": {"we": "当社"},
    "mikawa": {"we": "当組合"},
    "achi": {"name": "阿智村", "ours": "村内", "we": "村"},
    "higashikawa": {"name": "東川町", "ours": "町内", "we": "町"},
    "matsumoto": {"name": "松本市", "ours": "市内", "we": "市"},
    "sendai": {"name": "仙台市", "ours": "市内", "we": "市"},
    "kochi": {"name": "高知県", "ours": "県内", "we": "県"},
    "onomichi": {"name": "尾道市", "ours": "市内", "we": "市"},
    "ine": {"name": "伊根町", "ours": "町内", "we": "町"},
    "harukaze": {"area": "東川町"},
    "agatanomori": {"area": "松本市内"},
    "shimanami": {"area": "尾道市内"},
    "kitaalps": {"area": "大町市と周辺"},
    "rakuhoku": {"area": "京都府内"},
    "sakura": {"area": "福岡市内"},
    "kusasenri": {"area": "阿蘇市内"},
}

TOPICS: dict[str, Topic] = {
    # --- municipalities: issues ---
    "wildlife": Topic(
        direction="issue",
        themes="sdg-2 sdg-15 agriculture dx",
        variants=(
            Variant(
                "{area}の{crops_short}を{animals_short}から守る、わなの見回りの省力化",
                (
                    "{ours}では{area}を中心に、{animals}による{crops}の被害が続いています。"
                    "わなの見回りは猟友会の方や農家が担っていますが、"
                    "高齢化で毎日の巡回が難しくなってきました。"
                    "{extra}わなにかかったことを知らせるセンサーや、"
                    "被害の出る場所を地図で把握する仕組みを、"
                    "企業や大学と一緒に試したいと考えています。"
                ),
            ),
            Variant(
                "{area}で{animals_short}の出没を地図で共有し、捕獲と防除を効率よく進めたい",
                (
                    "{area}では、{animals}による{crops}の食害で、"
                    "耕作をあきらめる農家も出てきています。"
                    "防護柵の設置を進めていますが、見回りや修繕の負担が大きく、"
                    "担い手の高齢化とともに限界を感じています。"
                    "{extra}カメラやセンサーで出没の状況をつかみ、"
                    "捕獲と防除を効率よく進める方法を一緒に探してくださる方を募集します。"
                ),
            ),
        ),
        texts={
            "situation": (
                "被害の報告は年々広い範囲から寄せられ、柵の設置だけでは追いつかなくなっています。"
            ),
            "desired_outcome": (
                "見回りにかかる時間を減らし、出没の多い場所と時期を地図で共有できるようにすること。"
            ),
            "assets": "過去数年分の被害の報告と捕獲の記録",
            "partnership_forms": "実証実験、共同研究、機器の貸し出し",
        },
        defaults={
            "budget_status": "next_year",
            "funding": "commission",
            "budget": (500_000, 2_000_000),
        },
    ),
    "succession": Topic(
        direction="issue",
        themes="sdg-8 business-succession local-industry migration",
        variants=(
            Variant(
                "後継者のいない{trade}を、地域の外の担い手につなぐ仕組みをつくりたい",
                (
                    "{ours}では{trade}の経営者の高齢化が進み、廃業を考える事業者が増えています。"
                    "{detail}親族や従業員以外の継ぎ手を探すため、"
                    "移住を考える方や創業を目指す方と事業者が出会える場を、"
                    "金融機関や専門家の皆さんと一緒につくりたいと考えています。"
                ),
            ),
            Variant(
                "{trade}の事業承継を、移住や創業の支援と組み合わせて進めたい",
                (
                    "{detail}{name}では、{trade}を次の世代につなぐため、"
                    "事業承継の相談と移住・創業の支援を一体で進めることを検討しています。"
                    "事業の価値を見える化する専門家や、継ぎ手の候補を全国から募る仕組みをもつ企業と"
                    "連携したいと考えています。"
                ),
            ),
        ),
        texts={
            "situation": (
                "事業承継の相談窓口はありますが、継ぎ手となる人材を見つけるところで止まってしまう例"
                "が多くあります。"
            ),
            "desired_outcome": (
                "2027年度中に、地域の外から来た継ぎ手による事業承継を1件以上実現すること。"
            ),
            "partnership_forms": "相談会の共同開催、継ぎ手の候補の紹介、専門家の派遣",
        },
        defaults={"budget_status": "none"},
    ),
    "disaster": Topic(
        direction="issue",
        themes="sdg-11 sdg-13 disaster-prevention",
        variants=(
            Variant(
                "{hazard}に備える避難訓練を、住民がもっと参加しやすい形に変えたい",
                (
                    "{ours}では{hazard}への備えとして毎年避難訓練を行っていますが、"
                    "参加者が固定化し、若い世代や働く世代の参加が少ないことが課題です。"
                    "{detail}ゲームの要素を取り入れた訓練や、"
                    "スマートフォンを使った安否確認の練習など、"
                    "楽しみながら備えられる新しい訓練の形を一緒に考えてくださる方を探しています。"
                ),
            ),
            Variant(
                "{hazard}を想定した防災訓練に、企業や学校の力を借りたい",
                (
                    "{detail}{name}では{hazard}を想定した防災訓練を地域ごとに行っていますが、"
                    "担い手となる自主防災組織の高齢化が進んでいます。"
                    "企業の防災の専門知識や資機材、学校の生徒の力を借りて、"
                    "地域ぐるみで取り組める訓練の形をつくりたいと考えています。"
                ),
            ),
        ),
        texts={
            "situation": (
                "訓練の参加者の多くが高齢の方で、平日の昼間に地域にいる人が少ないことも課題です。"
            ),
            "desired_outcome": (
                "2027年度の訓練で、これまで参加の少なかった世代の参加者を増やすこと。"
            ),
            "partnership_forms": "訓練の共同企画、資機材の提供、学校との連携",
        },
        defaults={"budget_status": "this_year"},
    ),
    "watch": Topic(
        direction="issue",
        themes="sdg-3 sdg-11 elderly-care welfare",
        variants=(
            Variant(
                "{setting}で一人暮らしのお年寄りを見守る、無理のない仕組みを探しています",
                (
                    "{ours}では一人暮らしや高齢の夫婦だけで暮らす世帯が増え、"
                    "民生委員や近所の方による見守りの負担が大きくなっています。"
                    "{detail}電気や水道の使用量の変化から異変に気づく仕組みや、"
                    "宅配や移動販売の訪問と見守りを組み合わせる方法など、"
                    "無理なく続けられる見守りの形を一緒に探してくださる方を募集します。"
                ),
            ),
            Variant(
                "{setting}の高齢者の見守りに、日々の訪問やセンサーの力を生かしたい",
                (
                    "{detail}{name}では地域の支え合いによる見守りを続けてきましたが、"
                    "支える側も高齢になり、担い手が足りなくなっています。"
                    "郵便や宅配、新聞の配達など、日常的に家々を訪れる事業者の皆さんと連携した見守り"
                    "や、センサーなどの技術を使った見守りを試したいと考えています。"
                ),
            ),
        ),
        texts={
            "situation": "見守りを必要とする世帯が増える一方で、民生委員のなり手が不足しています。",
            "desired_outcome": (
                "2027年度中に一つの地区で新しい見守りの方法を試し、"
                "住民と事業者の負担を確かめること。"
            ),
            "constraints": "見守られる方のプライバシーに十分配慮し、本人の同意を前提とします。",
            "partnership_forms": "見守り協定、実証実験、機器の提供",
        },
        defaults={
            "budget_status": "next_year",
            "funding": "commission",
            "budget": (500_000, 1_500_000),
        },
    ),
    "childcare": Topic(
        direction="issue",
        themes="sdg-3 sdg-5 childcare welfare",
        variants=(
            Variant(
                "{focus}の不足を、地域や企業の力で補いたい",
                (
                    "{detail}{name}では、子育て世帯が安心して暮らし続けられるよう、"
                    "{focus}の充実を重要な課題と考えています。"
                    "企業の福利厚生や地域の人材、オンラインの仕組みなどを組み合わせた新しい支え方"
                    "を、一緒に考えてくださる方を探しています。"
                ),
            ),
            Variant(
                "{focus}について、子育て世帯を支える新しい形を一緒に考えてください",
                (
                    "{detail}子育て世帯の声を聞きながら、{focus}について、"
                    "行政だけでは手の届かない部分を企業やNPO、"
                    "学校と一緒に補う仕組みをつくりたいと考えています。"
                    "小さく試して、うまくいったものを広げていく進め方を想定しています。"
                ),
            ),
        ),
        texts={
            "situation": (
                "子育て世帯へのアンケートでは、{focus}についての要望が上位に挙がっています。"
            ),
            "desired_outcome": (
                "2027年度中に新しい支援を試し、利用した家庭の声をもとに改善すること。"
            ),
            "partnership_forms": "共同事業、協賛、社員ボランティア、実証実験",
        },
        defaults={"budget_status": "next_year"},
    ),
    "farmland": Topic(
        direction="issue",
        themes="sdg-2 sdg-15 agriculture population",
        variants=(
            Variant(
                "{land}の耕作放棄地を、{idea}で生かしてくださる担い手を探しています",
                (
                    "{detail}{ours}では農地の貸し借りの仲介や草刈りの支援を行っていますが、"
                    "耕作放棄地の増加に追いついていません。{idea}など、"
                    "農地を生かす提案をお持ちの企業や団体、"
                    "研究を通じて関わってくださる大学を探しています。"
                ),
            ),
            Variant(
                "増え続ける{land}の耕作放棄地を、{idea}で再生したい",
                (
                    "{detail}このままでは景観の悪化や鳥獣被害の拡大にもつながりかねません。"
                    "{idea}を軸に、農地の再生と新しい仕事づくりを同時に進める方法を、"
                    "企業や大学の皆さんと一緒に考えたいと考えています。"
                ),
            ),
        ),
        texts={
            "situation": (
                "耕作されなくなった農地の多くは小さな区画に分かれており、"
                "まとめて借りることが難しい状況です。"
            ),
            "desired_outcome": (
                "2027年度中に、まとまった面積の農地を再生するモデルを1件つくること。"
            ),
            "assets": "農地の所有者と利用状況の台帳、農業委員会による仲介",
            "partnership_forms": "農業への参入、共同研究、社員ボランティア、企業版ふるさと納税",
        },
        defaults={"budget_status": "none", "funding": "corporate_furusato"},
    ),
    "dx": Topic(
        direction="issue",
        themes="sdg-9 sdg-16 dx",
        variants=(
            Variant(
                "{task}をデジタル化し、職員が住民と向き合う時間を増やしたい",
                (
                    "{detail}{task}をデジタルに置き換え、"
                    "職員がより多くの時間を住民の相談や地域の課題に使えるようにしたいと"
                    "考えています。大がかりなシステムではなく、"
                    "小さく始めて効果を確かめながら広げられる方法を、"
                    "企業や大学の皆さんと一緒に探しています。"
                ),
            ),
            Variant(
                "{task}の負担を減らす、小さく始められるデジタル化の伴走者を探しています",
                (
                    "{detail}{name}では{task}について、"
                    "業務の流れの見直しとデジタル化を進めたいと考えていますが、"
                    "何から始めればよいかを判断できる人材がいません。"
                    "業務の聞き取りから小さな試行、職員への研修までを伴走してくださる方を募集しま"
                    "す。"
                ),
            ),
        ),
        texts={
            "situation": (
                "デジタル化の必要性は感じているものの、専門の人材がおらず、検討が進んでいません。"
            ),
            "desired_outcome": (
                "2027年度中に一つの業務で試行し、作業時間がどれだけ減ったかを確かめること。"
            ),
            "constraints": (
                "庁内のネットワーク（LGWAN）の制約があります。職員のITの習熟度には差があります。"
            ),
            "partnership_forms": "実証実験、委託、人材の派遣（副業・兼業を含む）",
        },
        defaults={
            "budget_status": "next_year",
            "funding": "commission",
            "budget": (1_000_000, 3_000_000),
        },
    ),
    "decarbon": Topic(
        direction="issue",
        themes="sdg-7 sdg-13 energy environment",
        variants=(
            Variant(
                "{source}で、{we}の脱炭素を進めたい",
                (
                    "{name}では、地域の実情に合った形で脱炭素の取り組みを進めたいと考えています。"
                    "{detail}導入の可能性の調査から、設備の導入、住民への普及まで、"
                    "企業や大学の皆さんの力をお借りしたいと思います。"
                ),
            ),
            Variant(
                "脱炭素に向けて、{source}に一緒に取り組んでくださる企業・大学を募集",
                (
                    "{detail}ただ、導入にかかる費用や維持管理の体制、地域の合意づくりなど、"
                    "行政だけでは判断が難しい点が多くあります。"
                    "技術と経験をお持ちの企業や、研究を通じて関わってくださる大学・高専との連携を求"
                    "めています。"
                ),
            ),
        ),
        texts={
            "situation": (
                "公共施設のエネルギーの使用量は把握していますが、"
                "再生可能エネルギーの導入は一部にとどまっています。"
            ),
            "desired_outcome": (
                "2027年度中に導入の可能性の調査を終え、具体的な導入の計画を立てること。"
            ),
            "partnership_forms": "共同研究、導入可能性の調査の委託、企業版ふるさと納税",
        },
        defaults={
            "budget_status": "next_year",
            "funding": "commission",
            "budget": (2_000_000, 5_000_000),
        },
    ),
    "craft": Topic(
        direction="issue",
        themes="sdg-8 sdg-11 culture business-succession",
        variants=(
            Variant(
                "{tradition}の後継者を育て、技を次の世代につなぎたい",
                (
                    "{detail}職人のもとで学びたい若い方を地域の外からも迎えられるよう、"
                    "住まいや仕事の支援と組み合わせた後継者育成の仕組みを考えています。"
                    "技の記録や発信、新しい商品づくりに協力してくださる企業や学校を探しています。"
                ),
            ),
            Variant(
                "{tradition}を、若い世代や企業との出会いで未来につなぎたい",
                (
                    "{detail}担い手を増やすには、まず若い世代に触れてもらう機会が必要だと考えていま"
                    "す。学校の授業での体験や、企業の商品・記念品への活用、映像での記録など、"
                    "さまざまな形で関わってくださる方を募集しています。"
                ),
            ),
        ),
        texts={
            "situation": "後継者がいないまま、技が途絶えてしまう例が出始めています。",
            "desired_outcome": "2027年度中に、若い世代が続けて関わる仕組みを一つ立ち上げること。",
            "partnership_forms": "授業での体験、商品の共同開発、記録・発信の協力、協賛",
        },
        defaults={"budget_status": "none", "funding": "sponsorship"},
    ),
    # --- municipalities: strengths ---
    "opendata": Topic(
        direction="strength",
        themes="sdg-9 sdg-17 dx",
        variants=(
            Variant(
                "{name}のオープンデータ（{datasets_short}）を、授業や研究、サービス開発に",
                (
                    "{name}では、{datasets}などをオープンデータとして公開しています。"
                    "{detail}学校の授業や大学の研究、企業のサービス開発に活用していただけるよう、"
                    "データの説明や担当部署との意見交換にも応じます。"
                ),
            ),
            Variant(
                "{datasets_short}のデータを、地域の課題の解決に使ってくださる方を探しています",
                (
                    "{detail}{datasets}など、{name}がもつデータを、"
                    "地域の課題の解決に役立ててくださる方を探しています。"
                    "データの使い方のご相談や、新たに公開してほしいデータのご要望もお寄せください。"
                ),
            ),
        ),
        texts={
            "offer_what": "オープンデータ（{datasets}）の提供と、担当部署による説明",
            "offer_for_whom": "学校、大学、企業、市民団体",
            "conditions": (
                "データは公開している利用規約の範囲でお使いください。"
                "活用の事例をお知らせいただけると励みになります。"
            ),
        },
        defaults={"funding": "in_kind", "online_ok": True},
    ),
    "building": Topic(
        direction="strength",
        themes="sdg-8 sdg-11 migration employment",
        variants=(
            Variant(
                "{building}を、{use}の場として活用してくださる方を募集します",
                (
                    "{building}を活用してくださる企業や団体、大学を募集しています。"
                    "{detail}{use}など、地域の方との交流を生む使い方を歓迎します。"
                ),
            ),
        ),
        texts={
            "offer_what": "{building}の貸し出し",
            "offer_for_whom": "{use}の場所を探している企業、団体、大学",
            "conditions": "賃料や改修の費用の負担は、活用の内容に応じて協議します。",
        },
        defaults={"funding": "in_kind"},
    ),
    # --- companies: strengths ---
    "volunteer": Topic(
        direction="strength",
        themes="sdg-11 sdg-17",
        variants=(
            Variant(
                "{area}の{activity}に、社員ボランティアとして参加します",
                (
                    "{we}は地域への恩返しとして、社員が地域の活動に参加するボランティアの制度を設け"
                    "ています。{area}で行われる{activity}など、人手を必要としている活動があれば、"
                    "{scale}の規模で参加します。{extra}"
                ),
            ),
            Variant(
                "{staff}が、{area}の{activity}をお手伝いします",
                (
                    "{staff}が、{area}で行われる{activity}をお手伝いします。"
                    "{extra}活動の日程や内容をお知らせいただければ、参加者を募って伺います。"
                ),
            ),
        ),
        texts={
            "offer_what": "社員ボランティア（{scale}）",
            "offer_for_whom": "{area}の自治体、自治会、NPO、学校",
            "conditions": (
                "平日の日中か土曜日の活動を中心に調整します。ボランティア保険は{we}で加入します。"
            ),
            "capacity": "年間6回程度",
        },
        defaults={"funding": "volunteer"},
    ),
    "tour": Topic(
        direction="strength",
        themes="sdg-4 sdg-8 education",
        variants=(
            Variant(
                "{site}の見学：{see}を間近でご覧いただけます",
                (
                    "{site}で、{see}を見学していただけます。"
                    "{extra}社会科見学や探究学習、キャリア教育の一環としてご活用ください。"
                ),
            ),
            Variant(
                "{see}を学ぶ、{site}の見学を受け入れます",
                (
                    "{who}を対象に、{site}の見学を受け入れています。"
                    "{see}を間近で見ながら、働く人の工夫や仕事へのこだわりを感じていただけます。"
                    "{extra}"
                ),
            ),
        ),
        texts={
            "offer_what": "{site}の見学（1時間半程度、{size}）",
            "offer_for_whom": "{who}",
            "conditions": (
                "見学は平日に限ります。安全のため、事前の打ち合わせをお願いします。"
                "費用はかかりません。"
            ),
            "capacity": "年間20回程度",
        },
        defaults={"funding": "volunteer", "place": "municipality"},
    ),
    "career": Topic(
        direction="strength",
        themes="sdg-4 sdg-8 education employment",
        variants=(
            Variant(
                "{speakers}が、学校で「{talk}」をお話しします",
                (
                    "{speakers}が学校に伺い、「{talk}」をテーマに、仕事のやりがいや大変さ、"
                    "今の仕事を選んだきっかけをお話しします。"
                    "生徒の皆さんからの質問の時間を十分にとり、"
                    "将来を考えるきっかけにしていただけるよう心がけています。"
                ),
            ),
            Variant(
                "キャリア教育の講師として、{speakers}を学校に派遣します",
                (
                    "キャリア教育や進路学習の講師として、{speakers}を派遣します。"
                    "「{talk}」を切り口に、働くことの意味や、"
                    "地域で働く選択肢について生徒の皆さんと一緒に考えます。{extra}"
                ),
            ),
        ),
        texts={
            "offer_what": "講話（50分〜100分）と質疑応答",
            "offer_for_whom": "中学校・高校・高専・大学",
            "capacity": "年間10回程度",
        },
        defaults={"funding": "volunteer", "online_ok": True},
    ),
    "furusato": Topic(
        direction="strength",
        themes="sdg-11 sdg-17",
        variants=(
            Variant(
                "企業版ふるさと納税で、{field}に取り組む自治体を応援します",
                (
                    "当社は、企業版ふるさと納税を通じて、{field}に取り組む自治体の事業を応援したい"
                    "と考えています。寄附に加えて、当社の社員や技術を生かした協力もあわせてご提案で"
                    "きます。地域再生計画に位置づけられた事業をお持ちの自治体からのご相談を"
                    "お待ちしています。"
                ),
            ),
            Variant(
                "{field}の事業への寄附先を、企業版ふるさと納税で探しています",
                (
                    "{field}に取り組む自治体の事業に、企業版ふるさと納税での寄附を検討しています。"
                    "寄附先の事業の進み具合を社員と共有し、"
                    "できれば現地での活動にも参加したいと考えています。"
                ),
            ),
        ),
        texts={
            "offer_what": "寄附（{amount}）と、社員による現地での活動への参加",
            "offer_for_whom": "地域再生計画に{field}の事業を掲げる自治体",
            "conditions": (
                "本社所在地である{hq}への寄附は制度の対象外のため、寄附先になりません。"
                "寄附の見返りとなる経済的な利益は受け取りません。"
            ),
            "capacity": "2027年度は1〜2件",
        },
        defaults={"funding": "corporate_furusato", "place": "nationwide", **FY2027},
    ),
    # --- schools: issues ---
    "career_talk": Topic(
        direction="issue",
        themes="sdg-4 sdg-8 education employment",
        variants=(
            Variant(
                "{grade_label}の{lesson}で、仕事について話してくださる方を募集します",
                (
                    "{grade_label}の{lesson}では、さまざまな仕事をしている大人の話を聞き、"
                    "自分の将来について考えます。{wish}仕事を選んだきっかけややりがい、"
                    "大変だったことなどを、飾らない言葉でお話しいただける方を探しています。"
                ),
            ),
            Variant(
                "{grade_label}向けに、働く大人の話を聞く「{event}」の講師を探しています",
                (
                    "{grade_label}約{student_count}人を対象に、"
                    "地域や社会で働く方を招いて話を聞く「{event}」を開きます。"
                    "{wish}少人数のグループに分かれ、{pupils}からの質問に答えていただく形を予定して"
                    "います。"
                ),
            ),
        ),
        texts={
            "situation": (
                "{pupils}が身近に知っている仕事は限られており、"
                "将来の選択肢を広げる機会が不足しています。"
            ),
            "desired_outcome": (
                "{pupils}一人ひとりが、興味をもった仕事について調べ、発表できるようになること。"
            ),
            "partnership_forms": "講話、オンラインでの参加",
        },
        defaults={"funding": "volunteer", "online_ok": True},
    ),
    "sdgs": Topic(
        direction="issue",
        themes="sdg-4 education",
        variants=(
            Variant(
                "{grade_label}のSDGs学習で、{focus}に取り組む企業の話を聞かせてください",
                (
                    "{grade_label}は総合的な学習の時間に、"
                    "SDGsを手がかりに身近な{focus}について学んでいます。"
                    "{wish}実際に{focus}に取り組んでいる企業や団体の方から、"
                    "取り組みの工夫や難しさを教えていただき、{pupils}が自分にできることを考えるきっ"
                    "かけにしたいと考えています。"
                ),
            ),
            Variant(
                "{grade_label}の「{focus}」の学習に、ゲストとして参加してくださる企業・団体を募集",
                (
                    "{grade_label}の総合的な学習の時間では、「{focus}」をテーマに、"
                    "SDGsと自分たちの暮らしとのつながりを考えています。"
                    "{wish}授業へのゲスト参加や、オンラインでの質問への回答など、"
                    "できる範囲でご協力いただける企業・団体を探しています。"
                ),
            ),
        ),
        texts={
            "desired_outcome": (
                "{pupils}が学んだことをもとに、学校や家庭でできる行動を考えて発表すること。"
            ),
            "partnership_forms": "ゲストティーチャー、オンラインでの質問への回答、見学の受け入れ",
        },
        defaults={"funding": "volunteer", "online_ok": True},
    ),
    "bousai": Topic(
        direction="issue",
        themes="sdg-4 sdg-11 disaster-prevention education",
        variants=(
            Variant(
                "{grade_label}の防災学習で、{hazard}への備えを一緒に考えてくださる方を募集",
                (
                    "{grade_label}は、{hazard}に備える防災学習に取り組んでいます。"
                    "{wish}防災の専門家や、災害の対応に関わった企業・行政の方から話を聞き、"
                    "{pupils}が自分の家や地域の危険を調べて、"
                    "避難の計画を立てるところまで取り組みたいと考えています。"
                ),
            ),
            Variant(
                (
                    "{hazard}を想定した{grade_label}の防災学習に、"
                    "体験の機会をつくってくださる方を探しています"
                ),
                (
                    "{wish}{grade_label}の防災学習では、{hazard}を想定して学校や地域の危険を調べ、"
                    "地図にまとめて家族や地域の方に伝える活動を行います。"
                    "防災の資機材を使った体験や専門家による講話など、"
                    "{pupils}が実感をもって学べる機会をつくってくださる方を探しています。"
                ),
            ),
        ),
        texts={
            "desired_outcome": (
                "{pupils}がまとめた防災マップや避難の計画を、家族や地域の方に発表すること。"
            ),
            "partnership_forms": "講話、資機材を使った体験、地域の防災訓練との連携",
        },
        defaults={"funding": "volunteer"},
    ),
    # --- schools: strengths ---
    "event": Topic(
        direction="strength",
        themes="sdg-11 sdg-17 education",
        variants=(
            Variant(
                "{helpers}が、地域のお祭りやイベントの運営をお手伝いします",
                (
                    "{helpers}が、地域のお祭りや清掃活動、スポーツ大会などの運営をお手伝いします。"
                    "{extra}受付や会場の設営、子ども向けコーナーの運営など、"
                    "{pupils}にできることがあればお声がけください。"
                ),
            ),
            Variant(
                "{area}の地域行事に、{helpers}の力を使ってください",
                (
                    "{extra}{helpers}が、地域の行事の準備や当日の運営に参加します。"
                    "{pupils}にとっても、地域の大人と一緒に働き、感謝される大切な経験になります。"
                ),
            ),
        ),
        texts={
            "offer_what": "イベントの運営への協力（{pupils}{helper_count}人程度）",
            "offer_for_whom": "{area}の自治会、地域の団体、自治体",
        },
        defaults={"funding": "volunteer"},
    ),
}

# Which organisation gets which topic, with its own details. Keys named like DemoPosting
# fields override the topic's values; the others fill the templates.
COMPOSED: dict[str, tuple[tuple[str, dict[str, Any]], ...]] = {
    "achi": (
        (
            "wildlife",
            {
                "animals": "ニホンジカやイノシシ、ニホンザル",
                "animals_short": "シカ・イノシシ・サル",
                "crops": "水稲や野菜",
                "crops_short": "田畑",
                "area": "山際の集落",
                "extra": "最近は温泉街の近くでもシカの姿を見かけるようになりました。",
                "constraints": "山あいには携帯電話の電波が届きにくい場所があります。",
            },
        ),
        (
            "succession",
            {
                "trade": "温泉旅館や商店",
                "detail": (
                    "家族で営む宿が多く、経営者が70代を迎えても後継ぎが決まっていない例が少なくあり"
                    "ません。"
                ),
                "visibility": "coordinators",
            },
        ),
        (
            "farmland",
            {
                "land": "山際の田畑",
                "idea": "そばや果樹の栽培、放牧",
                "detail": (
                    "山際の田畑から順に耕作されなくなり、草木が茂って獣の通り道にもなっています。"
                ),
                "state": "stale",
            },
        ),
        (
            "decarbon",
            {
                "source": "森林資源を生かした木質バイオマス",
                "detail": (
                    "村の面積の大部分を森林が占めており、間伐材などを熱や電気に変えて地域で使う方法"
                    "を探っています。"
                ),
            },
        ),
        (
            "childcare",
            {
                "focus": "病児保育や一時預かり",
                "detail": (
                    "村内には病気の子どもを預けられる施設がなく、"
                    "共働きの家庭は仕事を休んで対応しています。"
                ),
            },
        ),
        (
            "dx",
            {
                "task": "紙の申請書と窓口対応",
                "detail": (
                    "職員の数が限られる小さな村では、一人の職員が多くの業務を兼ねており、"
                    "紙の書類の処理に多くの時間を取られています。"
                ),
            },
        ),
    ),
    "higashikawa": (
        (
            "wildlife",
            {
                "animals": "エゾシカ",
                "animals_short": "エゾシカ",
                "crops": "畑の作物や牧草",
                "crops_short": "畑",
                "area": "山沿いの農地",
                "extra": "越冬する群れが増え、春先の被害が目立つようになりました。",
                "constraints": "冬は積雪のため、機器を設置・点検できる時期が限られます。",
            },
        ),
        (
            "disaster",
            {
                "hazard": "冬の大雪や停電",
                "detail": (
                    "冬の停電は命に関わるため、暖房や電源の確保まで含めた訓練が必要だと考えていま"
                    "す。"
                ),
                "constraints": "冬の訓練では、積雪と寒さへの配慮が必要です。",
            },
        ),
        (
            "watch",
            {
                "setting": "農村部の離れた住宅",
                "detail": (
                    "家と家の間が離れた農村部では、冬の間に近所の方の目が届きにくくなります。"
                ),
                "state": "expired",
            },
        ),
        (
            "childcare",
            {
                "focus": "身近な相談先",
                "detail": (
                    "移住してきた子育て世帯は近くに頼れる親族がいないことが多く、"
                    "ちょっとした困りごとを相談できる相手が見つからないという声が寄せられています。"
                ),
            },
        ),
        (
            "dx",
            {
                "task": "移住相談や施設予約の受付",
                "detail": (
                    "移住の相談や施設の予約を電話とメールで受けており、"
                    "担当者が不在のときに対応が遅れることがあります。"
                ),
                "state": "stale",
            },
        ),
        (
            "opendata",
            {
                "datasets": "町の人口の推移や観光の入り込み、公共施設の情報",
                "datasets_short": "人口・観光・公共施設",
                "detail": (
                    "小さな町ですが、町の姿を知っていただくためのデータを少しずつ増やしています。"
                ),
            },
        ),
        (
            "decarbon",
            {
                "source": "雪冷熱や太陽光の活用",
                "detail": (
                    "冬に積もる雪を夏の冷房や農産物の貯蔵に生かす方法など、"
                    "寒い地域ならではの省エネルギーの仕組みに関心があります。"
                ),
            },
        ),
    ),
    "matsumoto": (
        (
            "succession",
            {
                "trade": "工房や老舗の商店",
                "detail": (
                    "家具や漆などの工房では、技を受け継ぐ人とともに、"
                    "経営を引き継ぐ人も必要になっています。"
                ),
            },
        ),
        (
            "disaster",
            {
                "hazard": "内陸の大きな地震",
                "detail": (
                    "山あいの地区では、道路が寸断されて孤立することも想定しておく必要があります。"
                ),
                "constraints": "市域が広く、地区ごとに想定される被害が大きく異なります。",
            },
        ),
        (
            "watch",
            {
                "setting": "山あいの地区",
                "detail": (
                    "市街地から離れた山あいの地区では、高齢の方の割合が特に高くなっています。"
                ),
                "author": "seisaku@city-matsumoto.example.jp",
            },
        ),
        (
            "childcare",
            {
                "focus": "放課後の子どもの居場所",
                "detail": (
                    "共働きの世帯が増え、放課後児童クラブの利用の希望が増える一方で、"
                    "高学年の子どもの居場所が足りていません。"
                ),
                "state": "stale",
            },
        ),
        (
            "farmland",
            {
                "land": "市街地周辺の果樹園",
                "idea": "果樹の引き継ぎや市民農園としての活用",
                "detail": (
                    "りんごやぶどうの果樹園では、高齢の農家が木の手入れを続けられなくなる例が増えて"
                    "います。"
                ),
            },
        ),
        (
            "craft",
            {
                "tradition": "木工や染め織りなどの手仕事",
                "detail": (
                    "市内にはものづくりの工房が点在していますが、"
                    "職人の高齢化で技の継承が難しくなっています。"
                ),
                "author": "kanko@city-matsumoto.example.jp",
            },
        ),
        (
            "decarbon",
            {
                "source": "公共施設の屋根を使った太陽光発電",
                "detail": (
                    "晴れの日が多い地域の特性を生かし、学校や公民館の屋根での発電を広げたいと考えて"
                    "います。"
                ),
            },
        ),
    ),
    "sendai": (
        (
            "succession",
            {
                "trade": "商店街の個人商店や町工場",
                "detail": (
                    "黒字でも後継者がいないために閉じてしまう店が、"
                    "商店街でも目立つようになりました。"
                ),
                "visibility": "coordinators",
            },
        ),
        (
            "watch",
            {
                "setting": "郊外の大規模な住宅団地",
                "detail": "同じ時期に開発された郊外の団地では、住民の高齢化が一斉に進んでいます。",
                "state": "closed",
            },
        ),
        (
            "childcare",
            {
                "focus": "夜間や休日の育児相談",
                "detail": (
                    "子育て中の親が夜間や休日に気軽に相談できる窓口が少ないことが、"
                    "孤立の一因になっていると考えています。"
                ),
            },
        ),
        (
            "opendata",
            {
                "datasets": "避難所や公共施設の位置、人口の統計、公共交通の情報",
                "datasets_short": "防災・交通・人口",
                "detail": "防災や交通に関するデータは、APIでも取得できるように整えています。",
            },
        ),
    ),
    "kochi": (
        (
            "wildlife",
            {
                "animals": "シカやイノシシ",
                "animals_short": "シカ・イノシシ",
                "crops": "野菜や果樹、植林地の苗木",
                "crops_short": "農作物と苗木",
                "area": "中山間地域",
                "extra": "市町村ごとに対策の進み具合に差があることも課題です。",
                "constraints": "実証は県内の市町村と協力して行います。",
            },
        ),
        (
            "watch",
            {
                "setting": "中山間地域の小さな集落",
                "detail": "中山間地域には、住民の多くが高齢の方という集落も少なくありません。",
            },
        ),
        (
            "farmland",
            {
                "land": "中山間地域の田畑",
                "idea": "企業の農業参入や地域の特産品づくり",
                "detail": (
                    "中山間地域では、担い手の高齢化で耕作が続けられなくなった田畑が増えています。"
                ),
            },
        ),
        (
            "dx",
            {
                "task": "小さな町村の窓口や内部の事務",
                "detail": (
                    "県内には職員の少ない町村が多く、デジタル化を担う専門の人材を確保することが難し"
                    "い状況です。"
                ),
            },
        ),
        (
            "building",
            {
                "building": "県内の廃校や空き公共施設",
                "use": "サテライトオフィスや工房、宿泊研修",
                "detail": (
                    "県では市町村と協力して、活用を希望する企業や団体に物件を紹介しています。"
                ),
                "online_ok": True,
            },
        ),
        (
            "craft",
            {
                "tradition": "和紙づくりや刃物づくり",
                "detail": (
                    "県内には和紙や刃物など長い歴史をもつものづくりが残っていますが、"
                    "原料の生産者や職人の後継者不足が深刻です。"
                ),
                "state": "stale",
            },
        ),
        (
            "opendata",
            {
                "datasets": "県内の人口や産業の統計、観光の動向、防災の情報",
                "datasets_short": "統計・観光・防災",
                "detail": "市町村ごとの統計も、比べやすい形にそろえて公開しています。",
            },
        ),
    ),
    "onomichi": (
        (
            "wildlife",
            {
                "animals": "イノシシ",
                "animals_short": "イノシシ",
                "crops": "かんきつや野菜",
                "crops_short": "かんきつ畑",
                "area": "島しょ部",
                "extra": (
                    "海を泳いで島に渡ったとみられるイノシシが増え、島の農家の方を悩ませています。"
                ),
                "constraints": "島ごとに協力をお願いする団体が異なります。",
            },
        ),
        (
            "succession",
            {
                "trade": "島の商店や町工場",
                "detail": "造船に関わる小さな工場や島の商店では、経営者の高齢化が進んでいます。",
            },
        ),
        (
            "disaster",
            {
                "hazard": "豪雨による土砂災害や高潮",
                "detail": (
                    "坂の多い旧市街には、お年寄りが自力で避難所まで歩くことが難しい場所もあります。"
                ),
                "constraints": "島しょ部では、避難所までの移動の手段が限られます。",
                "state": "stale",
            },
        ),
        (
            "watch",
            {
                "setting": "島しょ部と坂の多い旧市街",
                "detail": (
                    "島しょ部や車の入れない坂の上では、買い物や通院に加えて、"
                    "日々の安否の確認も課題となっています。"
                ),
            },
        ),
        (
            "farmland",
            {
                "land": "島しょ部のかんきつ畑",
                "idea": "かんきつの引き継ぎや新しい作物への転換",
                "detail": (
                    "急な斜面に広がるかんきつ畑は作業の負担が大きく、"
                    "手入れされなくなった畑が目立ってきました。"
                ),
            },
        ),
        (
            "childcare",
            {
                "focus": "島から本土への通院や習い事の送迎",
                "variant": 1,
                "detail": (
                    "島しょ部の子育て世帯は、小児科の受診や習い事のたびに本土まで送り迎えが必要で、"
                    "大きな負担になっています。"
                ),
            },
        ),
        (
            "building",
            {
                "building": "島しょ部の旧小学校の校舎",
                "use": "合宿や研修、サテライトオフィス",
                "detail": "海を望む高台にあり、教室や体育館、調理室がそのまま残っています。",
            },
        ),
    ),
    "ine": (
        (
            "wildlife",
            {
                "animals": "シカやイノシシ",
                "animals_short": "シカ・イノシシ",
                "crops": "田んぼや家庭菜園",
                "crops_short": "田んぼと菜園",
                "area": "山あいの集落",
                "extra": "農地だけでなく、住宅の庭先まで出てくるようになりました。",
                "constraints": "町内の集落は小規模で、協力できる人手が限られます。",
            },
        ),
        (
            "disaster",
            {
                "hazard": "津波や土砂崩れによる集落の孤立",
                "detail": (
                    "海と山に挟まれた集落では、道路が通れなくなると外からの支援が届くまで時間がかか"
                    "ります。"
                ),
                "constraints": "町内の多くの集落は小規模で、高齢の方の割合が高くなっています。",
            },
        ),
        (
            "dx",
            {
                "task": "観光や漁業に関する問い合わせと受付",
                "detail": (
                    "少ない職員で観光客からの問い合わせや各種の受付に対応しており、"
                    "住民向けの業務に手が回らないことがあります。"
                ),
            },
        ),
    ),
    "hikari": (
        (
            "volunteer",
            {
                "activity": "森林の手入れや湖岸の清掃",
                "area": "長野県内",
                "staff": "県内の事業所の社員",
                "scale": "1回あたり20〜50人",
                "extra": (
                    "湖岸の清掃では、当社の水位センサーで湖の様子を記録する取り組みも紹介できます。"
                ),
                "themes": "sdg-15 sdg-17 environment forestry",
            },
        ),
        (
            "tour",
            {
                "site": "諏訪の工場",
                "see": "精密部品の加工やクリーンルームでの組み立て",
                "who": "小学校高学年から高校生、修学旅行の生徒",
                "size": "1回40人まで",
                "extra": "技術者との座談会を組み合わせ、進路を考えるきっかけにもしていただけます。",
                "themes": "sdg-4 sdg-9 education employment",
                "author": "jinji@shinshu-hikari.example.jp",
            },
        ),
    ),
    "tsubasa": (
        (
            "volunteer",
            {
                "activity": "清掃活動やお祭りの運営",
                "area": "新潟県内",
                "staff": "県内各地の支店の行員",
                "scale": "1回あたり10〜30人",
                "extra": "お祭りの準備や片付けなど、若い力が必要な場面でもお声がけください。",
                "themes": "sdg-11 sdg-17 culture",
            },
        ),
        (
            "tour",
            {
                "site": "新潟市内の本店",
                "see": "窓口や融資の仕事の流れ",
                "who": "中学生・高校生",
                "size": "1回20人まで",
                "extra": (
                    "模擬の窓口での接客や、創業の相談を受ける行員の役を体験するワークも用意していま"
                    "す。"
                ),
                "themes": "sdg-4 sdg-8 education employment",
            },
        ),
    ),
    "hakata": (
        (
            "career",
            {
                "speakers": "エンジニアやデザイナー",
                "talk": "ITの仕事と、地方で小さな会社を起こすこと",
                "conditions": (
                    "オンラインでの講話を基本とし、福岡県内は訪問にも応じます。費用はかかりません。"
                ),
                "themes": "sdg-4 sdg-8 education dx",
                "place": "online",
                "author": "dev@hakata-data.example.jp",
            },
        ),
    ),
    "suruga": (
        (
            "furusato",
            {
                "field": "海の環境保全や水産業の振興",
                "amount": "1件あたり100万〜300万円程度",
                "hq": "静岡県と焼津市",
                "budget": (1_000_000, 3_000_000),
                "themes": "sdg-14 sdg-17 fisheries environment",
                "visibility": "members",
            },
        ),
        (
            "tour",
            {
                "site": "焼津の工場",
                "see": "かつお節の製造や缶詰の充填の工程",
                "who": "小中学校の社会科見学、修学旅行の生徒",
                "size": "1回40人まで",
                "extra": "削り節の体験やだしの飲み比べもできます。",
                "themes": "sdg-4 sdg-14 food education",
            },
        ),
    ),
    "hibari": (
        (
            "volunteer",
            {
                "activity": "観光地の清掃や、高齢の方の外出を手伝う行事",
                "area": "阿蘇地域",
                "staff": "運転士や整備士を含む社員",
                "scale": "1回あたり5〜15人",
                "extra": "バスを使った参加者の送迎についてもご相談に応じます。",
                "themes": "sdg-11 sdg-17 tourism elderly-care",
            },
        ),
        (
            "career",
            {
                "speakers": "運転士や整備士、観光列車の乗務員",
                "talk": "地域の足を守る仕事",
                "extra": "バスの車両を学校に持ち込み、運転席の見学と組み合わせることもできます。",
                "conditions": "熊本県内の学校に伺います。費用はかかりません。",
                "themes": "sdg-8 sdg-11 employment mobility",
                "online_ok": False,
            },
        ),
    ),
    "harunire": (
        (
            "furusato",
            {
                "field": "森林の整備や木材の利用、防災のまちづくり",
                "amount": "1件あたり50万〜200万円程度",
                "hq": "北海道と帯広市",
                "budget": (500_000, 2_000_000),
                "themes": "sdg-11 sdg-15 forestry disaster-prevention",
            },
        ),
        (
            "volunteer",
            {
                "activity": "冬の除雪や、公園・河川敷の整備",
                "area": "十勝地域",
                "staff": "重機の扱いに慣れた社員",
                "scale": "1回あたり5〜10人",
                "extra": (
                    "除雪では、一人暮らしのお年寄りのお宅の玄関先など、"
                    "手の届きにくい場所を優先します。"
                ),
                "themes": "sdg-11 sdg-17 elderly-care disaster-prevention",
            },
        ),
    ),
    "tabiji": (
        (
            "career",
            {
                "speakers": "ツアーの企画担当や添乗員",
                "talk": "旅をつくる仕事と、観光が地域にもたらすもの",
                "conditions": "京都府内は訪問、府外はオンラインで対応します。費用はかかりません。",
                "themes": "sdg-4 sdg-8 tourism employment",
            },
        ),
    ),
    "yanbaru": (
        (
            "volunteer",
            {
                "activity": "海岸の清掃や台風の後の片付け",
                "area": "沖縄本島北部",
                "staff": "発電所の保守を担う社員",
                "scale": "1回あたり5〜10人",
                "extra": "台風の後は、倒木の片付けなど危険を伴わない範囲の作業をお手伝いします。",
                "themes": "sdg-14 sdg-17 environment disaster-prevention",
            },
        ),
        (
            "career",
            {
                "speakers": "電気の技術者",
                "talk": "島の電気を支える仕事と、再生可能エネルギーの未来",
                "extra": "停電の復旧にあたった経験など、島ならではの話もお伝えします。",
                "conditions": "沖縄県内は訪問、県外はオンラインで対応します。費用はかかりません。",
                "themes": "sdg-7 sdg-8 energy employment",
            },
        ),
    ),
    "mikawa": (
        (
            "tour",
            {
                "site": "組合の工房",
                "see": "石を刻み、木を削り、布を染める職人の仕事",
                "who": "小学生から大学生、企業の研修",
                "size": "1回15人まで",
                "extra": (
                    "職人へのインタビューの時間も設けるので、探究学習の調べ学習にも役立ちます。"
                ),
                "themes": "sdg-4 culture local-industry",
            },
        ),
        (
            "career",
            {
                "speakers": "石工・木工・染め物の職人",
                "talk": "手仕事で生きることと、伝統を受け継ぐこと",
                "conditions": "愛知県内の学校に伺います。交通費の実費のみいただきます。",
                "themes": "sdg-4 sdg-8 culture business-succession",
                "online_ok": False,
                "funding": "in_kind",
            },
        ),
    ),
    "harukaze": (
        (
            "career_talk",
            {
                "grades": (6, 6),
                "student_count": 35,
                "class_hours": 6,
                "school_year": 2026,
                "terms": ("3学期",),
                "lesson": "「夢と仕事」の学習",
                "wish": (
                    "町の中だけでなく、町の外で働く方の話もオンラインで聞きたいと考えています。"
                ),
                "event": "しごと発見の会",
            },
        ),
        (
            "sdgs",
            {
                "grades": (4, 4),
                "student_count": 36,
                "class_hours": 15,
                "school_year": 2027,
                "terms": ("2学期",),
                "focus": "ごみや食品ロスの削減",
                "wish": (
                    "食品をつくる会社やリサイクルに取り組む会社の話を聞きたいという声が、"
                    "子どもたちから上がっています。"
                ),
                "themes": "sdg-4 sdg-12 education environment",
            },
        ),
        (
            "bousai",
            {
                "grades": (1, 6),
                "student_count": 210,
                "class_hours": 4,
                "school_year": 2026,
                "terms": ("3学期",),
                "hazard": "冬の停電や大雪",
                "wish": "冬の災害に備えるには、暖房や明かりの確保が欠かせません。",
            },
        ),
    ),
    "agatanomori": (
        (
            "sdgs",
            {
                "grades": (1, 1),
                "student_count": 158,
                "class_hours": 20,
                "school_year": 2027,
                "terms": ("2学期", "3学期"),
                "focus": "エネルギーと地球温暖化",
                "wish": (
                    "電気をつくる仕事や、省エネルギーの製品をつくる仕事について知りたいと考えていま"
                    "す。"
                ),
                "themes": "sdg-4 sdg-7 energy education",
            },
        ),
        (
            "event",
            {
                "grades": (1, 3),
                "student_count": 30,
                "school_year": 2027,
                "terms": ("1学期", "2学期"),
                "helpers": "生徒会とボランティア委員会の生徒",
                "helper_count": "20〜30",
                "extra": "昨年度は町内の夏祭りで、子ども向けの遊びのコーナーを担当しました。",
                "conditions": "土曜日や長期休業中の行事を中心に、教員が引率します。",
            },
        ),
    ),
    "shimanami": (
        (
            "career_talk",
            {
                "grades": (1, 1),
                "student_count": 120,
                "class_hours": 8,
                "school_year": 2027,
                "terms": ("2学期",),
                "lesson": "進路を考える学習",
                "wish": "島を離れて働く方、島に戻って働く方の両方のお話を伺いたいと考えています。",
                "event": "キャリアセッション",
                "state": "stale",
            },
        ),
        (
            "bousai",
            {
                "grades": (2, 2),
                "student_count": 80,
                "class_hours": 10,
                "school_year": 2027,
                "terms": ("2学期",),
                "hazard": "豪雨による土砂災害と高潮",
                "wish": (
                    "島から通う生徒が多いため、通学の途中で災害に遭った場合の行動も考えたいと思いま"
                    "す。"
                ),
            },
        ),
    ),
    "kitaalps": (
        (
            "career_talk",
            {
                "grades": (2, 2),
                "student_count": 160,
                "class_hours": 4,
                "school_year": 2027,
                "terms": ("後期",),
                "lesson": "「技術者の将来」を考える授業",
                "wish": (
                    "大企業だけでなく、地域の中小企業や自治体で働く技術者の話も聞きたいと考えていま"
                    "す。"
                ),
                "event": "エンジニア・キャリアフォーラム",
            },
        ),
        (
            "event",
            {
                "grades": (1, 5),
                "student_count": 20,
                "school_year": 2027,
                "terms": ("前期", "後期"),
                "helpers": "高専の学生有志",
                "helper_count": "10〜20",
                "extra": (
                    "ものづくりの技術を生かして、イベントでの工作教室や簡単な機器の修理もお手伝いで"
                    "きます。"
                ),
                "conditions": "試験期間を除く土日に限ります。",
                "place": "prefecture",
            },
        ),
    ),
    "rakuhoku": (
        (
            "career_talk",
            {
                "grades": (1, 1),
                "student_count": 300,
                "class_hours": 2,
                "school_year": 2027,
                "terms": ("前期",),
                "lesson": "キャリアデザインの授業",
                "wish": (
                    "地域の企業やNPO、自治体など、学生がふだん接する機会の少ない職場の方を特にお招"
                    "きしたいと考えています。"
                ),
                "event": "しごと研究セミナー",
                "place": "prefecture",
            },
        ),
    ),
    "sakura": (
        (
            "career_talk",
            {
                "grades": (1, 1),
                "student_count": 240,
                "class_hours": 6,
                "school_year": 2026,
                "terms": ("3学期",),
                "lesson": "進路学習",
                "wish": (
                    "商業科の生徒も多いため、販売や経理、企画の仕事をしている方のお話を特に伺いたい"
                    "と考えています。"
                ),
                "event": "職業人講話会",
            },
        ),
    ),
    "kusasenri": (
        (
            "bousai",
            {
                "grades": (1, 1),
                "student_count": 50,
                "class_hours": 12,
                "school_year": 2027,
                "terms": ("1学期", "2学期"),
                "hazard": "火山の噴火や地震",
                "wish": (
                    "地域には大きな地震を経験した方も多く、その経験を受け継ぎたいと考えています。"
                ),
            },
        ),
        (
            "event",
            {
                "grades": (1, 3),
                "student_count": 40,
                "school_year": 2027,
                "terms": ("1学期", "2学期"),
                "helpers": "全校生徒",
                "helper_count": "30〜40",
                "extra": "小さな学校ですが、地域の行事には毎年ほぼ全員で参加してきました。",
                "conditions": "学校行事として参加できる日程に限ります。",
                "state": "closed",
            },
        ),
    ),
}

_PUPILS = {
    "elementary": "児童",
    "junior_high": "生徒",
    "high": "生徒",
    "technical_college": "学生",
    "university": "学生",
}


def _grade_label(org: str, grades: tuple[int, int]) -> str:
    spec = organisation_spec(org)
    pupils = _PUPILS[spec.school_kind]
    if grades == spec.grades:
        return f"全校{pupils}"
    if grades[0] == grades[1]:
        return f"{grades[0]}年生"
    return f"{grades[0]}〜{grades[1]}年生"


def _compose(org: str, topic: Topic, variant: Variant, slots: dict[str, Any]) -> DemoPosting:
    overrides = {k: v for k, v in slots.items() if k in _FIELD_NAMES}
    words = {k: v for k, v in slots.items() if k not in _FIELD_NAMES}
    spec = organisation_spec(org)
    if spec.kind == "school":
        words["pupils"] = _PUPILS[spec.school_kind]
        words["student_count"] = overrides.get("student_count")
        if "grades" in overrides:
            words["grade_label"] = _grade_label(org, overrides["grades"])

    def fill(template: str) -> str:
        return template.format(**words)

    values: dict[str, Any] = {name: fill(text) for name, text in topic.texts.items()}
    values.update(topic.defaults)
    for name, value in overrides.items():
        values[name] = fill(value) if isinstance(value, str) and name != "themes" else value
    themes = tuple(values.pop("themes", topic.themes).split())
    return DemoPosting(
        org, topic.direction, fill(variant.title), fill(variant.body), themes, **values
    )


def composed_postings() -> tuple[DemoPosting, ...]:
    """Expand COMPOSED. Each use of a topic takes the next of its variants (unless the slots
    name one as "variant"), so neighbours read differently; the result depends on nothing but
    this module."""
    uses: dict[str, int] = {}
    postings = []
    for org, assignments in COMPOSED.items():
        for key, slots in assignments:
            topic = TOPICS[key]
            slots = {**ORGANISATION_SLOTS[org], **slots}
            index = slots.pop("variant", uses.get(key, 0))
            uses[key] = uses.get(key, 0) + 1
            postings.append(
                _compose(org, topic, topic.variants[index % len(topic.variants)], slots)
            )
    return tuple(postings)


def all_postings() -> tuple[DemoPosting, ...]:
    return BASE_POSTINGS + composed_postings()
