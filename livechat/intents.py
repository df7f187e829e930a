"""What a chat message asks for, from phrase patterns in the five languages.

A request for a person ("talk to a human", 转人工, 상담원 연결, オペレーターにつないで) hands
the chat off; a mere mention does not ("will a human check my documents?", 人工审核,
상담원 운영시간, オペレーターの対応時間).
Security incidents the classifier may call something else (money gone after a withdrawal the
customer did not make) are caught here too.
"""

import re
import unicodedata

from livechat import person_requests

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
        r"^(?:great|perfect|got it|that helped|that helps)\b.{0,200}\b(?:thanks?|thank you)\b",
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
    r"\b(?:didn't|did not|never) (?:make|do|request|authori[sz]e|send)\b.{0,200}\bwithdraw",
    r"\bwithdraw\w*\b.{0,200}\b(?:i )?(?:didn't|did not|never) (?:make|do|request|authori[sz]e)",
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


# A question the help center answers, or a report it explains how to make: words such as
# "scam" or "frozen" in it make the sentiment negative without the customer being angry.
SELF_SERVICE = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in [
        # A message opening with a question, also a conditional one ("if a scammer knows my
        # email, could they…?"), whatever follows it.
        r"^\s*(?:how|what|when|where|which|can|could|will|would|should|do|does|is|are|if"
        r"|in case)\b[^.!?]*\?",
        r"\b(?:report|flag)\b.{0,20}\b(?:scam\w*|fraud\w*|phishing|fake|suspicious)\b",
        r"(?:怎么|怎麼|如何|怎样|怎樣|能不能|可以|会不会|會不會).{0,30}[？?吗嗎]\s*$",
        r"举报|舉報|检举|檢舉",
        r"(?:어떻게|나요|까요|가요|있나요)\s*\??\s*$|신고(?:하고|하려|할\s*수)",
        r"(?:どうやって|どうすれば|ますか|ですか|でしょうか)[？?]?\s*$|(?:報告|通報)(?:したい|する方法)",
        # A how-question opening the message, typed without a question mark.
        r"^\s*(?:how (?:do|can|should|would|to)|what (?:should|do|can) (?:i|we)|why (?:do|does"
        r"|would|is|are|did))\b|^\s*(?:请问|請問)?(?:我)?(?:要|该|該|应该|應該)?(?:怎么|怎麼|如何|怎样|怎樣)"
        r"|^\s*어떻게|^\s*(?:どうやって|どうすれば|どうしたら)",
        r"(?:是什么|是什麼|多久|几天|幾天|怎么办|怎麼辦|在哪|在哪里|在哪裡)[？?]?\s*$",
    ]
]


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


# Asking when people are available is a question about support, not a request for it (unless
# the customer also says they want someone): the never-refused-twice rule covers a repeat.
HOURS = re.compile(
    r"\b(?:hours|what time|opening|open until)\b|时间|時間|几点|幾點|营业|營業|시간|몇\s*시|何時"
    r"|受付",
    re.IGNORECASE,
)
WANTS = re.compile(
    r"\b(?:want|need|now|please|connect|transfer)\b|[要想]|请|請|싶|주세요|연결|たい|ください|つな",
    re.IGNORECASE,
)


def asks_for_human(text: str) -> bool:
    """A request for a person in any language (livechat.person_requests), not a question about
    the support hours."""
    cleaned = _clean(text)
    if HOURS.search(cleaned) and not WANTS.search(cleaned):
        return False
    return person_requests.asks_for_person(cleaned)


def mentions_person(text: str) -> bool:
    """Any word for a person or for the bot: not a request by itself, but a second one in a
    row after the bot kept the chat is (a person is never refused twice)."""
    return person_requests.mentions_person_or_bot(_clean(text))


def asks_self_service(text: str) -> bool:
    cleaned = _clean(text)
    return any(pattern.search(cleaned) for pattern in SELF_SERVICE)


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
