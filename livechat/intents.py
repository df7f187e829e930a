"""What a chat message asks for, from phrase patterns in the five languages.

A request for a person ("talk to a human", 转人工, 상담원 연결, オペレーターにつないで) hands
the chat off; a mere mention does not ("will a human check my documents?", 人工审核,
상담원 운영시간, オペレーターの対応時間).
Security incidents the classifier may call something else (money gone after a withdrawal the
customer did not make) are caught here too.
"""

import re
import unicodedata

_PERSON = (
    r"(?:a |an |the |your |some |real |live |actual )*"
    r"(?:human(?: being)?|person|people|someone|somebody|agent|operator|representative|rep"
    r"|staff|supervisor|manager|support(?: team| staff| agent)?|customer (?:service|support)"
    r"(?: team| agent| representative)?|employee|team member)s?"
)
ENGLISH = [
    rf"\b(?:talk|speak|chat|get through)\s+(?:to|with)\s+{_PERSON}\b",
    rf"\b(?:connect|transfer|put|pass|forward|escalate)\s+(?:me|this|it|my (?:case|chat|issue))"
    rf"(?:\s+through)?\s+(?:to|with)\s+{_PERSON}\b",
    rf"\b(?:i|we)\s+(?:need|want|would like|'d like|demand|require)\s+(?:to (?:talk|speak|chat)"
    rf" (?:to|with) )?{_PERSON}\b",
    rf"\b(?:get|give|find|bring)\s+me\s+{_PERSON}\b",
    rf"\b(?:is there|are there|can i (?:get|have))\s+{_PERSON}\b",
    r"\b(?:human|real person|live agent|agent|operator|representative|live support|"
    r"customer service|customer support)(?:\s+(?:please|pls|plz|now|asap))*\s*[.!]*$",
    r"\b(?:not|no more|stop (?:the|this)?|enough (?:of )?(?:the|this)?)\s*(?:a\s+)?(?:ro)?bots?\b",
    r"\byou(?:'re| are) (?:just )?a (?:ro)?bot\b",
    r"\bescalate\b",
    r"\b(?:representative|human agent|live agent|real person)\b.*\b(?:please|pls|plz)\b",
]
CHINESE = [
    r"[转轉接找叫要换換]\s*(?:个|個)?\s*(?:人工|真人|客服)",
    r"人工(?:客服|服务|服務|坐席|座席|支持|回复|回覆)",
    r"真人(?!认证|認證|验证|驗證|审核|審核)",
    r"^\s*人工\s*[。！!]*\s*$",
    r"(?:联系|聯繫|聯絡|联络)(?:一下)?(?:你们的?|你們的?)?(?:客服|工作人员|工作人員|人工)",
    r"(?:客服|工作人员|工作人員)(?:在哪|呢|快来|快來|出来|出來)",
    r"(?:机器人|機器人)(?:闭嘴|閉嘴|没用|沒用|别说|別說)",
    r"(?:不要|不想|别|別)(?:跟|和)?(?:机器人|機器人)",
]
KOREAN = [
    r"상담원(?:\s*(?:연결|바꿔|불러|이랑|하고|과|와|님|좀|요|부탁|과\s*통화|한테)|\s*[.!?]*\s*$)",
    r"(?:사람|직원|상담사|담당자)(?:이랑|하고|과|와|한테|에게)?\s*(?:연결|통화|얘기|이야기|대화|바꿔)",
    r"(?:챗봇|봇|로봇|기계|bot|ai)\s*말고",
    r"\b(?:agent|human|person|operator)\s*(?:연결|불러|바꿔)",
    r"(?:상담|고객센터|고객\s*센터)\s*연결",
]
JAPANESE = [
    r"(?:オペレーター|オペレータ|担当者|担当の方|スタッフ|人間|有人)(?:に|と|へ|さん|を)?"
    r"(?:つな|繋|代わ|替わ|かわ|話|相談|対応して|お願い)",
    r"人(?:間)?と(?:話|相談|やり取り)",
    r"(?:AI|ＡＩ|ボット|bot|ロボット|チャットボット)(?:じゃなく|ではなく|じゃない|は(?:いい|もういい))",
    r"^\s*(?:オペレーター|担当者)\s*[。！!]*\s*$",
    r"有人(?:対応|チャット|サポート)",
]
ASK_FOR_HUMAN = [
    re.compile(pattern, re.IGNORECASE) for pattern in ENGLISH + CHINESE + KOREAN + JAPANESE
]

NOT_HELPED = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        r"\b(?:didn't|did not|doesn't|does not|not) (?:help|work|answer)",
        r"\bnot helpful\b",
        r"\b(?:still|again) (?:not|no|doesn't|didn't|broken)\b",
        r"\b(?:\d+|\w+)(?:st|nd|rd|th) time\b",
        r"\buseless\b",
        r"(?:还是|還是|依然|仍然)(?:没|沒|不)",
        r"(?:没用|沒用|没有用|沒有用|没帮助|沒幫助)",
        r"[问問说說]了?\S{0,2}[遍次]",
        r"도움이?\s*(?:안|되지)",
        r"(?:해결이?\s*안|여전히|아직도)",
        r"(?:役に立た|解決しな|解決して(?:い)?ない|何度も|まだ(?:直|解決))",
    ]
]

# A message that only thanks (short, nothing else asked): the bot's answer did its job.
THANKS_MAX_CHARS = 40
THANKS = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        r"^(?:ok(?:ay)?[,.! ]*)?(?:thanks?|thank you|thx|ty|cheers)\b",
        r"^(?:great|perfect|got it|that helped|that helps)\b.*\b(?:thanks?|thank you)\b",
        r"^(?:好的?[，, ]*)?(?:谢谢|謝謝|多谢|多謝|感谢|感謝)",
        r"^(?:네[,. ]*)?(?:감사합니다|감사해요|고마워요?|고맙습니다)",
        r"^(?:ありがとう|有難う|助かりました|了解です?[、, ]*ありがとう)",
    ]
]

_SECURITY = [
    r"\bhack(?:ed|er|ers)?\b",
    r"\b(?:stolen|stole)\b",
    r"\bsim[- ]?swap",
    r"\bunauthori[sz]ed\b",
    r"\b(?:didn't|did not|never) (?:make|do|request|authori[sz]e|send)\b.*\bwithdraw",
    r"\bwithdraw\w*\b.*\b(?:i )?(?:didn't|did not|never) (?:make|do|request|authori[sz]e)",
    r"\bcompromised\b",
    r"被[盗盜骗騙黑]",
    r"被[駭黑]",
    r"盗号|盜號",
    r"(?:没有?|沒有?|并没|並沒)(?:提币|提幣|提现|提現|转账|轉帳|操作|登录|登錄)\S{0,4}"
    r"[，,\s]*(?:但|可是|却|卻|竟然|居然)",
    r"(?:不是我|非本人)(?:操作|提|转|轉)",
    r"해킹",
    r"(?:모르는|내가\s*하지\s*않은|하지도\s*않은)\s*출금",
    r"유심\s*(?:복제|탈취)|심\s*스와프",
    r"乗っ取|盗まれ|不正(?:ログイン|アクセス|出金|送金)",
    r"(?:知らない|身に覚えのない|覚えのない)(?:アドレス|出金|送金|ログイン)",
]
SECURITY = [re.compile(pattern, re.IGNORECASE) for pattern in _SECURITY]


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def asks_for_human(text: str) -> bool:
    cleaned = _clean(text)
    return any(pattern.search(cleaned) for pattern in ASK_FOR_HUMAN)


def says_not_helped(text: str) -> bool:
    cleaned = _clean(text)
    return any(pattern.search(cleaned) for pattern in NOT_HELPED)


def says_thanks(text: str) -> bool:
    cleaned = _clean(text)
    if len(cleaned) > THANKS_MAX_CHARS or "?" in cleaned or "？" in cleaned:
        return False
    return any(pattern.search(cleaned) for pattern in THANKS)


def mentions_security_incident(text: str) -> bool:
    cleaned = _clean(text)
    return any(pattern.search(cleaned) for pattern in SECURITY)
