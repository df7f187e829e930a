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
            r"\b(?:never|did ?n[o']t) (?:opened|open|created|create|placed|place|requested|"
            r"authori[sz]ed|added|add|made|make)\b|\bwithout my (?:consent|permission|knowledge)",
            r"\b(?:did ?not|didn'?t|never)\b.{0,20}\b(?:make|made|authori[sz]e|request|requested|"
            r"do|did|initiate|place)\b.{0,40}\b(?:withdraw|transfer|transaction|login|trade|order|"
            r"api key|address)",
            r"\bwasn'?t me\b|\bwas not me\b|\bit'?s not me\b|\bnot me\b",
            r"\bsim[- ]?swap",
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
            r"有人(?:在)?(?:用|改|登|动|盗|提|转|开|操作|从)|被人(?:改|动|登|用)|没开过|没有开过",
            r"不认识的(?:地址|设备|装置|ip)|(?:密码|邮箱|手机|手机号|绑定).{0,6}被(?:人)?(?:改|换|解绑)",
            r"被(?:人)?(?:提走|转走|盗用|偷)|补卡|盗刷|钓鱼.{0,40}(?:没了|不见|被提|被转|损失)",
            r"(?:币|钱|余额|资产|资金|usdt|btc|eth).{0,12}(?:不见了|没了|少了|被转|被提|清空)",
            r"莫名其妙.{0,12}(?:不见|少了|没了|被提|被转)",
            # Korean
            r"해킹|도용|무단|유심.{0,12}(?:복제|해킹|바뀌|탈취)|심 ?스왑",
            r"제가 (?:하지 않은|안 한|하지 않았|안 했)|제가 한 (?:게|거) 아니|"
            r"저 아니에요|제가 아니",
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
        ]
    ),
    re.IGNORECASE,
)
DENIAL_RE = re.compile(
    r"\bnot (?:been )?hacked|wasn'?t hacked|\bno(?:thing)? (?:was |got )?stolen|not stolen|"
    r"nothing (?:was )?(?:stolen|missing)|isn'?t hacked|\bif\b.{0,20}\b(?:hack|stolen|swap)|"
    r"\bif\b.{0,15}(?:wasn'?t|not) (?:me|you)|"
    r"\b(?:prevent|protect|avoid|in case|what if|reading about|heard about|worried|afraid|"
    r"concerned)\b|"
    r"(?<!是)不是被盗|没有被盗|没被盗|没有盗|防止|预防|如何避免|以防|担心|怕|"
    r"해킹(?:은|이) 아니|해킹 아니|방지|예방|걱정|우려|알면|라면|다면|수 있나요|"
    r"(?:乗っ取り|ハッキング|不正)(?:では|じゃ)(?:な|あり)|ではありませんが|防ぐ|防止|予防|心配",
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
