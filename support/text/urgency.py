"""Is this a security incident happening now? Missing one costs a customer's funds, so recall
matters far more than precision: any of these patterns, in any language, makes a message urgent,
unless it is plainly denied ("nothing was stolen", "不是被盗") or hypothetical ("how do I
prevent…"). The category model's security_incident probability catches the rest.
"""

import re

from support.text.features import fold, normalise

INCIDENT_RE = re.compile(
    "|".join(
        [
            # English
            r"\bhack(?:ed|er|ers)\b|\bhacked? into\b|\bgot hacked\b",
            r"\bunauthori[sz]ed\b.{0,30}\b(?:login|log in|access|withdraw|transaction|transfer|"
            r"trade|order|activity|device|api)",
            r"\bsomeone\b.{0,30}\b(?:logged|log(?:ged)? in|accessed|got into|is in my|withdrew|"
            r"stole|changed|took|drained|transferred|sold|has access|is trading|is using|"
            r"is placing|opened|created|added (?:a|an|new)\b|reset|disabled|removed|bypassed|"
            r"used my)",
            r"\b(?:never|did ?n[o']?t) (?:opened|open|created|create|placed|place|requested|"
            r"authori[sz]ed|added|add|made|make)\b|\bwithout my (?:consent|permission|knowledge)",
            r"\bi (?:never|did ?n[o']?t) (?:change|changed|reset|request|requested|withdraw|"
            r"withdrew) (?:it|that|this|them|my (?:password|email|phone|number|2fa))\b",
            r"\b(?:did ?not|didn'?t|never)\b.{0,20}\b(?:make|made|authori[sz]e|request|requested|"
            r"do|did|initiate|place)\b.{0,40}\b(?:withdraw|transfer|transaction|login|trade|order|"
            r"api key|address)",
            r"\bwasn'?t me\b|\bwas not me\b|\bit'?s not me\b|\bnot me\b",
            r"\bsim[- ]?swap",
            r"\b(?<!never )(?<!not )(?<!n't )(?:gave|shared|sent|entered|typed|pasted|connected)\b"
            r".{0,25}\b(?:api key|seed phrase|"
            r"recovery phrase|secret phrase|private key|mnemonic)",
            r"\btaken over\b|\btakeover\b|\btook over\b",
            r"\bstolen\b|\bstole\b|\bdrained\b",
            r"\b(?:funds|coins|balance|money|usdt|btc|eth|assets|crypto)\b.{0,25}"
            r"\b(?:gone|missing|disappeared|vanished|withdrawn|empty|zero)\b",
            r"\bcompromised\b",
            r"\bnew (?:device|api key|withdrawal address|address)\b.{0,60}"
            r"\b(?:not me|wasn'?t me|didn'?t|never|don'?t recogni[sz]e)",
            r"\b(?:login|log in|sign[- ]in)\b.{0,40}\b(?:i don'?t recogni[sz]e|unknown|"
            r"not mine|another country|strange)",
            r"\b(?:phish\w*|fake (?:site|website|page|link|support|app))\b.{0,120}"
            r"\b(?:lost|gone|drained|stolen|withdrawn|zero|empty|emptied)\b",
            # Chinese (text is folded to simplified first)
            r"被盗|盗号|被黑|被骇|被入侵|被人登录|被登录|异地登录|陌生设备|不明设备|未授权|未经授权",
            r"不是我(?:本人)?(?:操作|登录|提|转|做|改|弄|干|创建|开)|没有操作|我没操作",
            r"我(?:根本|都|也|完全|并|从来)?没(?:有)?(?:改|换|提|转|登|申请|动|开)",
            r"有人(?:在)?(?:用|改|登|动|盗|提|转|开|操作|从)|被人(?:改|动|登|用)|没开过|没有开过",
            r"不认识的(?:地址|设备|装置|ip)|(?:密码|邮箱|手机|手机号|绑定).{0,6}被(?:人)?(?:改|换|解绑)",
            r"被(?:人)?(?:提走|转走|盗用|偷)|补卡|盗刷|钓鱼.{0,40}(?:没了|不见|被提|被转|损失)",
            r"(?:api|助记词|私钥|密钥).{0,8}(?:给了|告诉了|发给了|输入了|填了|填进了)",
            r"(?:币|钱|余额|资产|资金|usdt|btc|eth).{0,12}(?:不见了|没了|少了|被转|被提|清空)",
            r"莫名其妙.{0,12}(?:不见|少了|没了|被提|被转)",
            # Korean
            r"해킹|도용|무단|유심.{0,12}(?:복제|해킹|바뀌|탈취)|심 ?스왑",
            r"제가 (?:하지 않은|안 한|하지 않았|안 했)|제가 한 (?:게|거) 아니|"
            r"저 아니에요|제가 아니",
            r"(?:전|저는|제가|난|나는) ?(?:안|않) ?(?:바꿨|바꾼|했|켰|눌렀)|"
            r"(?:앱|어플)(?:도|은|을)? ?안 ?켰",
            r"(?:api ?키|시드|니모닉|복구 ?문구|개인 ?키).{0,10}(?:줬|알려줬|입력했|넣었|보냈)",
            r"누가 .{0,20}(?:바꿔|바꿨|변경|로그인|접속|출금|거래|사용)|"
            r"제가 (?:열지|만들지|요청하지) 않은",
            r"모르는 (?:기기|로그인|출금|api|주소)|(?:코인|잔고|자산|돈|잔액).{0,12}"
            r"(?:사라|없어졌|출금됐|빠져나)",
            # Japanese
            r"乗っ取|不正ログイン|不正アクセス|不正出金|不正送金|身に覚えのない|覚えのない(?:出金|ログイン)",
            r"勝手に.{0,20}(?:出金|ログイン|変更|変え|送金|取引|売却|作ら|使わ)|simスワップ|"
            r"sim.{0,4}乗っ取|知らない ?(?:アドレス|api|デバイス|device|端末|ip|ログイン|出金)|"
            r"誰かが|建てていない|覚えのない",
            r"(?:残高|資産|コイン|仮想通貨).{0,12}(?:なくな|消え|減って|盗まれ|抜かれ)|盗まれ",
            r"私ではありません|私じゃない",
            r"(?:apiキー|シードフレーズ|秘密鍵|復元フレーズ).{0,10}"
            r"(?:渡した|渡してしま|教えた|教えてしま|入力した|入力してしま|送った|送ってしま)",
            r"(?:アプリ|アカウント|サイト)(?:を|も|は)?(?:開いて|触って|操作して|ログインして)も?い?(?:ません|ない)",
        ]
    ),
    re.IGNORECASE,
)
DENIAL_RE = re.compile(
    r"\bnot (?:been )?hacked|wasn'?t hacked|\bno(?:thing)? (?:was |got )?stolen|not stolen|"
    r"nothing (?:was )?(?:stolen|missing)|isn'?t hacked|\bif\b.{0,20}\b(?:hack|stolen|swap)|"
    r"\bif\b.{0,15}(?:wasn'?t|not) (?:me|you)|"
    r"\b(?:prevent|protect|avoid|in case|what if|reading about|heard about|worried|afraid|"
    r"concerned|scared|stop (?:a|someone|people|them|it))\b|"
    r"(?<!是)不是被盗|没有被盗|没被盗|没有盗|防止|预防|如何避免|以防|担心|怕|"
    r"해킹(?:은|이) 아니|해킹 아니|방지|예방|걱정|우려|알면|라면|다면|수 있나요|"
    r"(?:乗っ取り|ハッキング|不正)(?:では|じゃ)(?:な|あり)|ではありませんが|防ぐ|防止|予防|心配|"
    # Hypothetical, someone else's, or a fear that proved wrong: "万が一乗っ取られた場合",
    # "朋友帐号被盗", "我还以为被盗了", "I read about people getting hacked", "is my money gone".
    r"\b(?:suppose|hypothetically|read about|heard|people|others|friend'?s|"
    r"thought (?:i|it|my|someone)|my friend (?:said|told|says)|(?:his|her|their) account|"
    r"almost|nearly|should i|do i need to)\b|差点|差一点|거의|危うく|"
    r"^\s*(?:is|are|will|would|could|can)\s+(?:my|the|it|they)\b|"
    r"如果|万一|要是|假如|的话|就算|即使|朋友的?(?:账|帐)|网友|别人的|以为|"
    # もし is "if" only where かもしれない and 〜もしてない do not hold it.
    r"(?<![かもでと])もし(?![れてたま])|万が一|場合|友人の|友達の|知人の|他の人|と思った|かと思|"
    r"防げ|盗まれたら|乗っ取られたら|ハッキングされたら|とかではな|とかじゃな|"
    r"만약|만일|경우|당해도|당하면|되더라도|친구 ?(?:계정|계좌)|지인|다른 사람|줄 알았|"
    r"해킹\S{0,4} 아니|막으려면|막을 수|막아요|막는|"
    r"\b(?:cousin|uncle|aunt|wife|husband|mom|dad|mother|father)'?s (?:account|wallet)\b|"
    # Nothing lost, or a deposit that never arrived: "balance is fine", "still zero".
    r"\b(?:balance|funds|assets|coins|everything)\b.{0,10}\b(?:is|are) "
    r"(?:fine|safe|intact|all there)|\bonly my own\b|\bstill (?:zero|empty|0|missing|not)\b|"
    r"资产都在|钱都在|币都在|没有损失|资产没少|被害はありません|被害はない|資産は無事|"
    r"피해는 없|피해 없|자산은 그대로|잔고는 그대로",
    re.IGNORECASE,
)
CLAUSE_END_RE = re.compile(r"[,.;!?，。；！？\n]|\bbut\b|但是|하지만|けど|が、")
DENIAL_WINDOW = 40
SECURITY_PROBABILITY = 0.45
CERTAIN_PROBABILITY = 0.7


def incident_phrases(text: str) -> list[str]:
    """The phrases of `text` that report a security incident, denied ones left out.

    Matched on two foldings: with traditional Chinese simplified (one set of Chinese
    patterns) and without (so Japanese kanji such as 勝手 and 乗っ取 keep their form).
    """
    found: list[str] = []
    for folded in dict.fromkeys((normalise(text), fold(text))):
        found += [m.group() for m in INCIDENT_RE.finditer(folded) if not _denied(folded, m)]
    return found


def is_urgent(
    *, text: str, security_probability: float, incidents: list[str] | None = None
) -> bool:
    """A reported incident, or a message the model finds security-like and nobody denies.
    `incidents`: incident_phrases(text), when the caller has them already."""
    if incidents if incidents is not None else incident_phrases(text):
        return True
    if security_probability >= CERTAIN_PROBABILITY:
        return True
    return security_probability >= SECURITY_PROBABILITY and not DENIAL_RE.search(fold(text))


def _denied(folded: str, match: re.Match[str]) -> bool:
    """Whether the clause holding `match` denies it or makes it hypothetical."""
    start = max(0, match.start() - DENIAL_WINDOW)
    boundaries = [m.end() for m in CLAUSE_END_RE.finditer(folded, start, match.start())]
    clause = folded[boundaries[-1] if boundaries else start : match.end() + 10]
    return bool(DENIAL_RE.search(clause))
