"""Plain data for `manage.py seed_demo`: fictional organisations and the people in them.

Every company, school and person here is fictional; names, numbers and texts were written for
this demo. Municipalities are real local governments chosen by their 6-digit code from the
reference table, so their descriptions stay general (geography, common regional issues) and
claim nothing specific on their behalf.

All email addresses and websites are under the reserved domains example.jp / example.com, so
nothing can reach a real mailbox or site. Municipal addresses are deliberately *not* *.lg.jp:
the demo decides verification explicitly instead of through the email-domain rule.

Values are plain strings (the `partners.models` choice values) so this module needs no app
registry; `seed_demo` pushes everything through the real registration forms, which reject any
value the models would not accept.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "COORDINATOR_EMAIL",
    "DEMO_CASES",
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "FAMILY_NAMES",
    "GIVEN_NAMES",
    "ORGANISATIONS",
    "DemoCase",
    "DemoLogin",
    "DemoOrganisation",
    "DemoReport",
]

DEMO_PASSWORD = "sankangaku-demo-2026"
COORDINATOR_EMAIL = "coordinator@example.jp"


@dataclass(frozen=True)
class DemoOrganisation:
    """One demo organisation. `location` is a LocalGovernment code: the head office or school
    site, or for a municipality the local government itself; the prefecture is its first two
    digits, so the two can never disagree."""

    kind: str  # "company" | "municipality" | "school"
    location: str
    description: str
    sdgs: tuple[int, ...]
    admin: str  # email of the person who registers the organisation (becomes its admin)
    members: tuple[str, ...] = ()
    # Left waiting in the coordinators' queue. Their admins' addresses must not prove the
    # organisation by domain, as in real life: that is why such organisations wait.
    pending: bool = False
    name: str = ""  # municipality: taken from the reference table
    name_kana: str = ""
    website: str = ""
    # company
    corporate_base: str = ""  # 12 digits; seed_demo prepends the check digit
    legal_form: str = ""
    industry: str = ""
    company_size: str = ""
    # school
    school_kind: str = ""
    school_founder: str = ""  # "1" national, "2" public, "3" private
    school_number: str = ""  # the 7-digit number inside the 学校コード
    grades: tuple[int, int] | None = None
    student_count: int | None = None


@dataclass(frozen=True)
class DemoLogin:
    label_ja: str
    label_en: str
    email: str


# Corporate-number bases and school numbers are made up (the 99… and 9… blocks were picked to
# look unlike the numbers around them); any match with a real organisation is accidental.
COMPANIES: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        kind="company",
        name="信州ひかり電機株式会社",
        name_kana="しんしゅうひかりでんき",
        corporate_base="990120260001",
        legal_form="kk",
        industry="manufacturing",
        company_size="enterprise",
        location="202061",  # 長野県諏訪市
        website="https://www.shinshu-hikari.example.jp",
        description=(
            "諏訪湖のほとりで創業し、センサーや計測機器、産業用の電子部品をつくってきたメーカー"
            "です。精密加工の技術と、国内外の拠点で働く約3,000人の社員が私たちの強みです。"
            "工場の省エネルギー化や再生可能エネルギーの導入を進めるとともに、ものづくりに関心を"
            "もつ子どもたちを地域で育てることにも力を入れています。高専や中学校との探究学習、"
            "自治体とのデータ活用の実証に一緒に取り組める相手を探しています。"
        ),
        sdgs=(4, 7, 9, 12, 13),
        admin="csr@shinshu-hikari.example.jp",
        members=("rd@shinshu-hikari.example.jp", "jinji@shinshu-hikari.example.jp"),
    ),
    DemoOrganisation(
        kind="company",
        name="株式会社越後つばさ銀行",
        name_kana="えちごつばさぎんこう",
        corporate_base="990120260002",
        legal_form="kk",
        industry="finance",
        company_size="enterprise",
        location="151033",  # 新潟市中央区
        website="https://www.echigo-tsubasa-bank.example.jp",
        description=(
            "新潟県内を中心に約80の店舗をもつ地方銀行です。後継者不足に悩む中小企業の事業承継"
            "や、創業・第二創業を資金と経営の両面から支えています。人口減少が進むなかでも地域に"
            "お金と人が回り続ける仕組みを、自治体や学校の皆さんとともにつくっていきたいと考えて"
            "います。高校生・大学生向けの金融教育の出前授業も行っています。"
        ),
        sdgs=(4, 8, 9, 11, 17),
        admin="chiiki@echigo-tsubasa-bank.example.jp",
        members=("sogyo@echigo-tsubasa-bank.example.jp",),
    ),
    DemoOrganisation(
        kind="company",
        name="株式会社はかたデータ工房",
        name_kana="はかたでーたこうぼう",
        corporate_base="990120260003",
        legal_form="kk",
        industry="it",
        company_size="micro",
        location="401323",  # 福岡市博多区
        website="https://hakata-data.example.jp",
        description=(
            "2021年に福岡で創業した、社員12人のソフトウェア開発会社です。地図と統計データを"
            "組み合わせた分析や、自治体・中小企業向けの小さなアプリづくりを得意としています。"
            "紙とFAXが中心の業務をデジタルに置き換えるお手伝いや、中高生向けのプログラミング講座"
            "にも取り組んでいます。地域の課題をデータで見える化する仲間を探しています。"
        ),
        sdgs=(4, 9, 11, 17),
        admin="hello@hakata-data.example.jp",
        members=("dev@hakata-data.example.jp",),
    ),
    DemoOrganisation(
        kind="company",
        name="駿河ほほえみ食品株式会社",
        name_kana="するがほほえみしょくひん",
        corporate_base="990120260004",
        legal_form="kk",
        industry="food",
        company_size="medium",
        location="222127",  # 静岡県焼津市
        website="https://www.suruga-hohoemi.example.jp",
        description=(
            "焼津港に水揚げされるかつおやまぐろを使い、だしパックや缶詰、惣菜を製造している食品"
            "メーカーです。加工の過程で出る端材を生かした新商品の開発や、食品ロスの削減に取り組ん"
            "でいます。地元の小中学校で食育の授業を行っており、海の恵みを次の世代につなぐ活動にも"
            "力を入れています。"
        ),
        sdgs=(2, 3, 12, 14),
        admin="kikaku@suruga-hohoemi.example.jp",
    ),
    DemoOrganisation(
        kind="company",
        name="阿蘇ひばり交通株式会社",
        name_kana="あそひばりこうつう",
        corporate_base="990120260005",
        legal_form="kk",
        industry="transport",
        company_size="medium",
        location="432148",  # 熊本県阿蘇市
        website="https://www.aso-hibari.example.jp",
        description=(
            "阿蘇地域で路線バスと観光列車を運行している交通事業者です。利用者の減少と運転士の不足"
            "が続くなか、高齢の方や通学する生徒の移動手段をどう守っていくかが大きな課題です。"
            "予約型の乗合交通やキャッシュレス決済の導入、観光客と住民がともに使える路線づくりに"
            "ついて、自治体や大学と連携して取り組みたいと考えています。"
        ),
        sdgs=(3, 9, 11, 13),
        admin="kikaku@aso-hibari.example.jp",
    ),
    DemoOrganisation(
        kind="company",
        name="十勝はるにれ建設株式会社",
        name_kana="とかちはるにれけんせつ",
        corporate_base="990120260006",
        legal_form="kk",
        industry="construction",
        company_size="small",
        location="012076",  # 北海道帯広市
        website="https://www.tokachi-harunire.example.jp",
        description=(
            "帯広市を拠点に、道路や河川の工事、住宅の建築を手がける建設会社です。十勝産の"
            "カラマツを使った木造建築や、ドローンによる測量など新しい技術にも挑戦しています。"
            "若い担い手が減っていることが業界全体の悩みで、高校生や高専生に建設の仕事の面白さを"
            "伝える現場見学会を続けています。"
        ),
        sdgs=(8, 9, 11, 15),
        admin="soumu@tokachi-harunire.example.jp",
    ),
    DemoOrganisation(
        kind="company",
        name="特定非営利活動法人しまんと里山つなぎ隊",
        name_kana="しまんとさとやまつなぎたい",
        corporate_base="990120260007",
        legal_form="npo",
        industry="nonprofit",
        company_size="micro",
        location="394122",  # 高知県四万十町
        website="https://satoyama-tsunagi.example.jp",
        description=(
            "四万十川の流域で、耕作放棄地の再生や里山の手入れ、川の生きもの観察会を行っている"
            "NPO法人です。町外から訪れる学生や社会人のボランティアを受け入れ、地域のお年寄りと"
            "一緒に汗を流す機会をつくっています。活動を続けるための資金と、若い世代の担い手づくり"
            "が当面の課題です。"
        ),
        sdgs=(4, 11, 15, 17),
        # A shared mailbox outside the NPO's own domain: it cannot prove the NPO, so the NPO
        # waits for a coordinator.
        admin="satoyama-tsunagi@example.com",
        pending=True,
    ),
    DemoOrganisation(
        kind="company",
        name="株式会社みやこ旅路舎",
        name_kana="みやこたびじしゃ",
        corporate_base="990120260008",
        legal_form="kk",
        industry="tourism",
        company_size="small",
        location="261068",  # 京都市下京区
        website="https://www.miyako-tabiji.example.jp",
        description=(
            "京都市内に本社を置く旅行会社で、修学旅行や企業研修、少人数の体験型ツアーを企画して"
            "います。観光客が一部の名所や季節に集中する状況を和らげるため、京都府北部の海や"
            "農山村を巡る行程づくりに力を入れています。地域の方がガイドとして活躍できる仕組みを、"
            "自治体や大学と一緒に広げていきたいと考えています。"
        ),
        sdgs=(8, 11, 12, 17),
        admin="info@miyako-tabiji.example.jp",
    ),
    DemoOrganisation(
        kind="company",
        name="合同会社やんばる結びエナジー",
        name_kana="やんばるむすびえなじー",
        corporate_base="990120260009",
        legal_form="gk",
        industry="energy",
        company_size="micro",
        location="472093",  # 沖縄県名護市
        website="https://www.yanbaru-musubi.example.jp",
        description=(
            "沖縄本島北部で、太陽光発電と蓄電池を組み合わせた小さな電力事業を営んでいます。"
            "台風で停電が長引いたときにも公民館や学校に電気を届けられるよう、地域の避難所への"
            "設備導入を進めています。再生可能エネルギーを子どもたちが学べる見学会や、地元の高校"
            "との共同研究にも協力しています。"
        ),
        sdgs=(7, 11, 13, 14),
        admin="contact@yanbaru-musubi.example.jp",
    ),
    DemoOrganisation(
        kind="company",
        name="三河てしごと協同組合",
        name_kana="みかわてしごときょうどうくみあい",
        corporate_base="990120260010",
        legal_form="kumiai",
        industry="manufacturing",
        company_size="micro",
        location="232025",  # 愛知県岡崎市
        website="https://www.mikawa-teshigoto.example.jp",
        description=(
            "岡崎市周辺の石工や木工、染め物の職人が集まる協同組合です。伝統の技を受け継ぐ"
            "後継者の不足と、暮らしの変化による需要の減少に向き合っています。ワークショップや"
            "小学校への出前授業を通じて手仕事の魅力を若い世代に伝えながら、企業と組んだ新しい"
            "商品づくりにも挑戦しています。"
        ),
        sdgs=(8, 11, 12),
        admin="jimukyoku@mikawa-teshigoto.example.jp",
    ),
)

# Real local governments; the name comes from the reference table, as in the sign-up form.
MUNICIPALITIES: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        kind="municipality",
        location="204072",  # 長野県阿智村 (village)
        description=(
            "長野県の南部、南信州の山あいにある村です。温泉と星空を目当てに多くの方が訪れる一方、"
            "若い世代の流出と高齢化が進み、農地や森林を手入れする担い手が足りなくなっています。"
            "観光と農林業を組み合わせた新しい仕事づくりや、移住を考える方が村の暮らしを体験できる"
            "仕組みづくりに、企業や大学の皆さんと取り組みたいと考えています。"
        ),
        sdgs=(8, 11, 15),
        admin="kikaku@vill-achi.example.jp",
    ),
    DemoOrganisation(
        kind="municipality",
        location="014583",  # 北海道東川町 (town)
        description=(
            "大雪山のふもとに田園が広がる、農業と写真文化のまちです。自然と子育て環境にひかれて"
            "移り住む方が多い一方で、農業の担い手の確保や冬の観光の充実が課題となっています。"
            "移住した方ともとから暮らす方がともに活躍できる場を増やすため、企業や学校との連携を"
            "進めています。"
        ),
        sdgs=(2, 4, 11),
        admin="machizukuri@town-higashikawa.example.jp",
    ),
    DemoOrganisation(
        kind="municipality",
        location="202029",  # 長野県松本市 (mid-size city)
        description=(
            "北アルプスの山々に囲まれた、長野県中部の中核的な都市です。城下町の歴史や音楽・工芸の"
            "文化が息づく一方で、中心市街地のにぎわいづくりと、山あいの地域の暮らしを支える交通の"
            "確保が課題となっています。健康づくりや子どもの学びの場を広げる取り組みを、企業や大学、"
            "市内の学校と連携して進めたいと考えています。"
        ),
        sdgs=(3, 4, 11, 17),
        admin="seisaku@city-matsumoto.example.jp",
        members=("kanko@city-matsumoto.example.jp",),
    ),
    DemoOrganisation(
        kind="municipality",
        location="041009",  # 宮城県仙台市 (designated city)
        description=(
            "東北地方の中心都市として、約100万人が暮らす政令指定都市です。東日本大震災の経験を"
            "踏まえ、防災・減災の取り組みを続けてきました。近年はデジタル技術を使った行政サービス"
            "の改善や脱炭素のまちづくりに力を入れており、企業や大学と実証実験に取り組むパートナー"
            "を募集しています。"
        ),
        sdgs=(9, 11, 13, 17),
        admin="dx@city-sendai.example.jp",
    ),
    DemoOrganisation(
        kind="municipality",
        location="390003",  # 高知県 (prefectural government)
        description=(
            "県土の大部分を森林が占め、山あいに多くの集落が点在する県です。全国に先駆けて人口減少"
            "と高齢化が進むなか、農林水産業の振興と、南海トラフ地震に備えた防災対策に力を注いで"
            "います。県内の市町村や企業、学校と力を合わせ、地域の暮らしを守りながら新しい産業を"
            "生み出す取り組みを進めています。"
        ),
        sdgs=(3, 8, 11, 14, 15),
        admin="chiiki@pref-kochi.example.jp",
    ),
    DemoOrganisation(
        kind="municipality",
        location="342050",  # 広島県尾道市 (city)
        description=(
            "瀬戸内海に面し、坂の町並みと島々の風景で知られる市です。サイクリングなどで訪れる方は"
            "多いものの、島しょ部の人口減少や空き家の増加、地域の産業を支える人材の確保が課題と"
            "なっています。空き家の活用や移住の促進、産業の担い手づくりについて、民間の知恵を"
            "取り入れた取り組みを進めたいと考えています。"
        ),
        sdgs=(8, 11, 14),
        admin="kikaku@city-onomichi.example.jp",
    ),
    DemoOrganisation(
        kind="municipality",
        location="264636",  # 京都府伊根町 (town)
        description=(
            "京都府の丹後半島にある、海とともに暮らしてきた小さな町です。町並みを訪れる観光客が"
            "増える一方で、漁業の後継者不足や、住民の暮らしと観光との両立が課題となっています。"
            "地域の資源を守りながら、町に仕事と若い世代を呼び込む方法を一緒に考えてくれる"
            "パートナーを探しています。"
        ),
        sdgs=(8, 11, 14),
        admin="kikaku@town-ine.example.jp",
        pending=True,
    ),
)

SCHOOLS: tuple[DemoOrganisation, ...] = (
    DemoOrganisation(
        kind="school",
        name="東川町立はるかぜ小学校",
        name_kana="ひがしかわちょうりつはるかぜしょうがっこう",
        school_kind="elementary",
        school_founder="2",
        school_number="9000101",
        grades=(1, 6),
        student_count=210,
        location="014583",  # 北海道東川町
        website="https://harukaze-es.example.jp",
        description=(
            "大雪山を望む田園の中にある、全校児童約200人の小学校です。地域の農家の方々の協力を"
            "得て、米づくりや野菜の栽培を総合的な学習の時間に取り入れています。子どもたちがまちの"
            "魅力を自分の言葉で伝えられるよう、写真や映像を使った発信の学習にも取り組みたいと"
            "考えています。"
        ),
        sdgs=(2, 4, 15),
        admin="kyomu@harukaze-es.example.jp",
    ),
    DemoOrganisation(
        kind="school",
        name="松本市立あがたの森中学校",
        name_kana="まつもとしりつあがたのもりちゅうがっこう",
        school_kind="junior_high",
        school_founder="2",
        school_number="9000102",
        grades=(1, 3),
        student_count=480,
        location="202029",  # 長野県松本市
        website="https://agatanomori-jh.example.jp",
        description=(
            "松本市の市街地にある、全校生徒約480人の中学校です。2年生の総合的な学習の時間では、"
            "「まちの困りごとを見つけ、解決策を提案する」探究学習に取り組んでいます。地元の企業や"
            "市役所の方に課題を聞かせていただいたり、生徒の提案に意見をいただいたりできる連携先を"
            "探しています。"
        ),
        sdgs=(4, 11, 17),
        admin="tankyu@agatanomori-jh.example.jp",
        members=("gakunen2@agatanomori-jh.example.jp",),
    ),
    DemoOrganisation(
        kind="school",
        name="広島県立しまなみ未来高等学校",
        name_kana="ひろしまけんりつしまなみみらいこうとうがっこう",
        school_kind="high",
        school_founder="2",
        school_number="9000103",
        grades=(1, 3),
        student_count=360,
        location="342050",  # 広島県尾道市
        website="https://shimanami-mirai-hs.example.jp",
        description=(
            "尾道市の島しょ部にある、普通科と海洋科をもつ県立高校です。生徒の多くは地元の島々から"
            "通い、卒業後は造船や海運、観光の仕事に就く生徒もいます。地域の企業や市と連携した"
            "課題研究を通じて、島の暮らしを支える産業とふるさとの未来を、生徒自身が考える学びを"
            "深めたいと考えています。"
        ),
        sdgs=(4, 8, 14),
        admin="kenkyu@shimanami-mirai-hs.example.jp",
    ),
    DemoOrganisation(
        kind="school",
        name="北アルプス工業高等専門学校",
        name_kana="きたあるぷすこうぎょうこうとうせんもんがっこう",
        school_kind="technical_college",
        school_founder="1",
        school_number="9000104",
        grades=(1, 5),
        student_count=820,
        location="202126",  # 長野県大町市
        website="https://kita-alps-kosen.example.jp",
        description=(
            "北アルプスのふもとにある国立の高等専門学校で、機械、電気電子、情報、環境都市の4学科"
            "に約800人の学生が学んでいます。地域の企業や自治体から寄せられた課題に学生がチームで"
            "取り組む、課題解決型のプロジェクト授業を行っています。山岳地域の防災や、小水力発電"
            "などの再生可能エネルギーの研究にも力を入れています。"
        ),
        sdgs=(4, 7, 9, 13),
        admin="renkei@kita-alps-kosen.example.jp",
        members=("lab-energy@kita-alps-kosen.example.jp",),
    ),
    DemoOrganisation(
        kind="school",
        name="洛北文理大学",
        name_kana="らくほくぶんりだいがく",
        school_kind="university",
        school_founder="3",
        school_number="9000105",
        grades=(1, 4),
        student_count=4200,
        location="261017",  # 京都市北区
        website="https://www.rakuhoku-bunri.example.jp",
        description=(
            "京都市の北部にキャンパスを置く、文系・理系あわせて4学部の私立大学です。地域連携"
            "センターを中心に、学生が府内の市町村や企業に出向いて課題の解決に取り組むフィールド"
            "ワーク型の授業を展開しています。観光・文化資源の活用や、農山漁村の持続可能なまち"
            "づくりをテーマにした共同研究のパートナーを求めています。"
        ),
        sdgs=(4, 8, 11, 17),
        admin="renkei@rakuhoku-bunri.example.jp",
        members=("fieldwork@rakuhoku-bunri.example.jp",),
    ),
    DemoOrganisation(
        kind="school",
        name="博多さくら学園高等学校",
        name_kana="はかたさくらがくえんこうとうがっこう",
        school_kind="high",
        school_founder="3",
        school_number="9000106",
        grades=(1, 3),
        student_count=720,
        location="401340",  # 福岡市南区
        website="https://www.hakata-sakura.example.jp",
        description=(
            "福岡市南区にある、普通科と商業科をもつ私立高校です。商業科では、地元の商店街や企業"
            "と一緒に商品を企画し、販売までを体験する実践的な学習を行っています。生徒が社会と"
            "つながる機会を増やすため、インターンシップやキャリア教育に協力してくださる企業を"
            "募集しています。"
        ),
        sdgs=(4, 8, 12),
        # A teacher's project mailbox outside the school's domain: waits for a coordinator.
        admin="sakura-pbl@example.com",
        pending=True,
    ),
    DemoOrganisation(
        kind="school",
        name="阿蘇市立くさせんり中学校",
        name_kana="あそしりつくさせんりちゅうがっこう",
        school_kind="junior_high",
        school_founder="2",
        school_number="9000107",
        grades=(1, 3),
        student_count=150,
        location="432148",  # 熊本県阿蘇市
        website="https://kusasenri-jh.example.jp",
        description=(
            "阿蘇の雄大な草原に囲まれた、全校生徒約150人の中学校です。野焼きや放牧など、草原を"
            "守る地域の営みを学ぶふるさと学習に取り組んでいます。生徒が地域の交通や観光について"
            "調べ、大人に向けて提案する機会をつくりたいと考えており、地元の企業や市役所の方との"
            "連携を望んでいます。"
        ),
        sdgs=(4, 11, 15),
        admin="kyomu@kusasenri-jh.example.jp",
    ),
)

ORGANISATIONS: tuple[DemoOrganisation, ...] = COMPANIES + MUNICIPALITIES + SCHOOLS

# The logins printed at the end. Each person is the admin of the organisation shown with them.
DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("コーディネーター", "Coordinator", COORDINATOR_EMAIL),
    DemoLogin("企業の管理者", "Company admin", "csr@shinshu-hikari.example.jp"),
    DemoLogin("自治体職員", "Municipal officer", "seisaku@city-matsumoto.example.jp"),
    DemoLogin("教員", "Teacher", "tankyu@agatanomori-jh.example.jp"),
)

# Pools for the demo people's names (drawn with the --seed random generator).
FAMILY_NAMES: tuple[str, ...] = (
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
    "吉田", "山田", "佐々木", "山口", "井上", "木村", "林", "清水", "山崎", "森",
    "池田", "橋本", "阿部", "石川", "前田", "藤田", "小川", "岡田", "後藤", "長谷川",
    "村上", "近藤", "坂本", "遠藤", "青木", "西村", "福田", "太田", "三浦", "藤原",
)  # fmt: skip
GIVEN_NAMES: tuple[str, ...] = (
    "健太", "美咲", "翔太", "陽子", "大輔", "由美", "拓也", "さくら", "直樹", "真理子",
    "誠", "彩", "浩二", "恵", "亮", "千尋", "和也", "奈々", "隆", "優子",
    "悠斗", "葵", "雄一", "麻衣", "修", "香織", "大樹", "明日香", "智也", "舞",
)  # fmt: skip


# --- Completed demo projects with reports and a published case study (事例) -----------------


@dataclass(frozen=True)
class DemoReport:
    """One party's completion report; `admin` names the organisation (its admin's email)."""

    admin: str
    done: str
    students: int
    events: int
    sdgs: tuple[int, ...]
    funds: str = ""
    next_steps: str = ""
    commitments: str = ""  # what the party said it would bring (ProjectParty.commitments)


@dataclass(frozen=True)
class DemoCase:
    """A completed project; the first report's organisation owns the issue (the lead)."""

    title: str
    summary: str
    reports: tuple[DemoReport, ...]


DEMO_CASES: tuple[DemoCase, ...] = (
    DemoCase(
        title="中学生と調べる工場と家庭の省エネルギー",
        summary="市の脱炭素の取り組みを、中学生が工場見学と家庭での測定を通じて学びました。",
        reports=(
            DemoReport(
                admin="seisaku@city-matsumoto.example.jp",
                done="市の温暖化対策の担当者が出前授業を行い、生徒の提案を市の広報で紹介しました。",
                students=0,
                events=2,
                sdgs=(11, 13),
                funds="市の環境啓発事業費(講師謝礼なし)",
                commitments="市の温暖化対策担当による出前授業(2回)と、生徒の提案を市の広報で紹介する枠。",
                next_steps="生徒の提案のうち、公共施設の消灯ルールを来年度に試行します。",
            ),
            DemoReport(
                admin="csr@shinshu-hikari.example.jp",
                done="工場見学と、電力センサーの貸し出しによる家庭の電力測定を支援しました。",
                students=0,
                events=3,
                sdgs=(7, 9, 13),
                funds="センサー20台を無償で貸し出し",
                commitments="工場見学の受け入れ(1回、社員2名が案内)と、家庭用電力センサー20台の無償貸し出し。",
                next_steps="高専と連携して測定データの分析講座を追加します。",
            ),
            DemoReport(
                admin="tankyu@agatanomori-jh.example.jp",
                done="2年生が総合的な学習の時間(20時間)で家庭の電力を測り、省エネ案を発表しました。",
                commitments="2年生の総合的な学習の時間20時間と、保護者への測定協力のお願い。",
                students=64,
                events=3,
                sdgs=(4, 7, 13),
                next_steps="来年度の2年生にも同じ単元で引き継ぎます。",
            ),
        ),
    ),
    DemoCase(
        title="高校生がつくる しまなみ海道の周遊ルート",
        summary="高校生が観光客への聞き取りから周遊ルートを考え、旅行会社と商品化しました。",
        reports=(
            DemoReport(
                admin="kikaku@city-onomichi.example.jp",
                done="観光統計の提供と、市内の観光事業者への聞き取りの調整を行いました。",
                students=0,
                events=2,
                sdgs=(8, 11),
                funds="市の観光振興事業費 15万円(印刷費)",
                commitments="観光統計の提供、市内の観光事業者への聞き取りの調整、印刷費15万円。",
                next_steps="完成したルートを市の観光サイトに掲載します。",
            ),
            DemoReport(
                admin="kenkyu@shimanami-mirai-hs.example.jp",
                done="2年生の探究で、観光客120人への聞き取りから3つの周遊ルートを提案しました。",
                commitments="2年生の探究の時間(4回の校外活動を含む)と、聞き取りの引率。",
                students=38,
                events=4,
                sdgs=(4, 8, 11),
                next_steps="後輩が英語版のパンフレットづくりに取り組みます。",
            ),
            DemoReport(
                admin="info@miyako-tabiji.example.jp",
                done="生徒の提案した1ルートを日帰りツアーとして試験販売し、2回催行しました。",
                students=0,
                events=2,
                sdgs=(8, 12),
                funds="ツアー造成費は自社負担",
                commitments="生徒の提案から1ルートを選んで商品化し、試験販売する(造成費は自社負担)。",
                next_steps="秋の観光シーズンに定期商品にします。",
            ),
        ),
    ),
    DemoCase(
        title="小学生と歩いてつくる 町の防災マップ",
        summary="小学生が建設会社の社員と町を歩き、危ない場所と避難路を地図にまとめました。",
        reports=(
            DemoReport(
                admin="machizukuri@town-higashikawa.example.jp",
                done="町のハザードマップの説明と、完成した地図の全戸配布を行いました。",
                students=0,
                events=1,
                sdgs=(11,),
                funds="町の防災事業費(印刷・配布)",
                commitments="ハザードマップの説明と、完成した地図の印刷・全戸配布。",
                next_steps="毎年の防災訓練で地図を更新します。",
            ),
            DemoReport(
                admin="soumu@tokachi-harunire.example.jp",
                done="社員6人が同行し、側溝や斜面など災害時に危ない場所の見分け方を伝えました。",
                students=0,
                events=2,
                sdgs=(9, 11),
                funds="社員の同行は社会貢献活動として自社負担",
                commitments="町歩きへの社員の同行(各回2名以上)と、危ない場所の見分け方の説明。",
            ),
            DemoReport(
                admin="kyomu@harukaze-es.example.jp",
                done="5年生が校区を3回に分けて歩き、気づいたことを防災マップにまとめて発表しました。",
                commitments="5年生の町歩き3回と発表会の運営、保護者への安全面の連絡。",
                students=42,
                events=3,
                sdgs=(4, 11),
                next_steps="来年度は保護者と一緒に歩く回を設けます。",
            ),
        ),
    ),
)
