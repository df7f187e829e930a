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
    r"\b(?:representative|human agent|live agent|real person)\b.{0,200}\b(?:please|pls|plz)\b",
]
CHINESE = [
    r"(?:请|請|要求|申请|申請)(?:你们|你們)?人工",
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
# Colloquial requests: asking whether anyone is there, dismissing the bot (also sarcastically),
# asking for a dedicated person or a phone call, in every language.
_BOT = (
    r"(?:chat ?)?bots?|robots?|automated (?:replies|answers|messages|assistant)|auto[- ]?repl\w*"
    r"|canned (?:answers|replies)|\bai\b|机器人|機器人|自动回复|自動回覆|自动回答|自動回答"
    r"|자동\s*(?:응답|답변)|챗봇|봇|로봇|ボット|ロボット|自動応答|自動返信"
)
_NOT_TRADING = r"(?<!trading )(?<!grid )(?<!网格)(?<!網格)(?<!量化)(?<!그리드 )(?<!グリッド)"
COLLOQUIAL = [
    # Is anyone there?
    r"\b(?:is|are) (?:there )?(?:any(?:one|body)|some(?:one|body)|a (?:human|person|real person)"
    r"|humans?|people|real people)\b.{0,20}(?:there|here|working|alive|awake|out there|\?)",
    r"\b(?:any(?:one|body)|some(?:one|body)|a human|a real person)\s+(?:there|here|home|alive)"
    r"\s*\?",
    r"\b(?:hello|hellooo*|helo)\s*\?{2,}",
    r"有没有(?:人|真人|人工|客服|工作人员)|有沒有(?:人|真人|人工|客服|工作人員)|(?:有人|有客服)"
    r"(?:在)?(?:吗|嗎|么|麼|没|沒|不)|(?:人|客服)呢[？?]|(?:来|來)(?:一?个|一?個)?(?:真的?)?人"
    r"|(?:找|换|換|叫)(?:一?个|一?個)?(?:真的?|活)人|[找叫要请請](?:个|個)?专人|[找叫要请請](?:个|個)?專人"
    r"|专人|專人|找人(?:处理|處理|帮|幫|看|解决|解決)",
    r"(?:상담원|상담사|사람|직원|담당자)(?:분)?(?:은|이|님)?\s*(?:있나요|있어요\?|있습니까|없나요|없어요"
    r"|없습니까|계세요|계신가요|안\s*계|어디)",
    r"(?:상담원|상담사|직원|담당자)분?(?:과|와|이랑|하고|한테)\s*(?:\S+\s+){0,2}(?:이야기|얘기|대화"
    r"|통화|상담)",
    r"(?:人間の方|担当の方|スタッフの方)(?:は|が)?(?:いらっしゃ|おられ|いま)",
    r"\bare you (?:even |actually |really |just )?(?:real|human|a (?:real )?person|a bot|a robot"
    r"|an ai|a machine)\b",
    r"\b(?:can|could) (?:a|an|some|any)\s+(?:real |actual |live )?(?:human|person|agent|staff"
    r"|employee)\b.{0,30}\b(?:read|look at|answer|respond to|reply to|help|check)\s+(?:this|me)\b",
    r"(?:只有|全是|都是|就是|是不是)(?:个|個)?(?:机器人|機器人)|你是(?:不是)?(?:机器人|機器人)",
    r"我(?:就)?要(?:找)?(?:真)?人(?![民工员員])|(?:找|换|換|叫|派)(?:一?个|一?個)(?:真的?|活)?人"
    r"(?![民员員])",
    r"(?:客服|工作人员|工作人員|专员|專員)(?:人员|人員)?(?:跟|和|与|與)我(?:联系|聯繫|聯絡|联络|谈|談"
    r"|说|說)",
    # Turning down the articles themselves.
    r"\b(?:stop|no more|don'?t want|not another|enough)\b.{0,10}\b(?:articles|links|faqs?)\b",
    r"(?:不要|不想|别|別)(?:再)?(?:看|发|發|给我|給我|丢|丟)(?:什么|什麼)?(?:文章|链接|連結|鏈接)",
    r"(?:링크|글|문서|faq)\s*(?:말고|그만|필요\s*없)",
    r"(?:記事|リンク|faq)(?:は(?:もういい|いらない|結構|いいから)|じゃなく|ではなく)",
    r"(?:人間|人|オペレーター|担当者|スタッフ)(?:は|が)?(?:いないの|いません|いませんか|いますか|おらん"
    r"|いない[？?]|おりませんか)",
    r"(?:人|人間|担当者|スタッフ)が(?:説明|対応|確認|見て|答えて|回答)",
    r"(?:人|人間|担当の(?:人|方)|方)に(?:代わ|替わ|かわ|つな|繋)",
    r"\b(?:a|the) (?:real|actual|live) one\b",
    r"\b(?:do|does) (?:you|you guys|y'?all|your (?:company|exchange|team))\b.{0,15}\bhave\b"
    r".{0,15}\b(?:people|humans|staff|agents|anyone|a human|real)\b",
    r"\bnot you\b.{0,10}\b(?:person|human|someone|somebody|people)\b",
    r"(?:^|[.!?]\s*)(?:a |an )?(?:person|human|real person|someone real)(?:\s+please)?\s*[.!]*$",
    r"(?:사람|직원|상담사|담당자|상담원)(?:분)?\s*(?:좀\s*)?(?:불러|보내|바꿔|연결해)",
    # Dismissing the bot.
    rf"{_NOT_TRADING}(?:{_BOT})\b.{{0,15}}(?:again|useless|stupid|dumb|doesn'?t (?:understand|help)"
    rf"|can'?t help|is not helping|are not helping)",
    rf"\b(?:stop|enough|no more|not another|not again|done with|tired of|sick of|hate)\b.{{0,20}}"
    rf"{_NOT_TRADING}(?:{_BOT})",
    rf"\b(?:talking|chatting|speaking) (?:to|with) (?:a |the |this )?(?:{_BOT})\b",
    rf"\b(?:another|yet another|just an?|only an?|again an?|still an?)\s+{_NOT_TRADING}"
    rf"(?:{_BOT})\b",
    rf"{_NOT_TRADING}(?:{_BOT})\b.{{0,30}}\b(?:very|so|really|super) (?:helpful|useful|smart)\b",
    rf"(?:又是|還是|还是|又|不想|不要|别|別|能不能别|能不能別|不想再)(?:跟我|和我|跟|和)?.{{0,6}}"
    rf"{_NOT_TRADING}(?:{_BOT})",
    rf"{_NOT_TRADING}(?:{_BOT}).{{0,8}}(?:没用|沒用|听不懂|聽不懂|不懂|说话|說話|闭嘴|閉嘴|真贴心"
    rf"|真貼心)",
    rf"{_NOT_TRADING}(?:{_BOT})(?:이랑|하고|랑|와|과|는|은)?\s*(?:말\s*(?:안|이\s*안)|대화\s*(?:안|가\s*안)"
    rf"|얘기\s*안|소용\s*없|지겨|그만|또)",
    rf"(?:또|또\s*다시)\s*{_NOT_TRADING}(?:{_BOT})",
    rf"{_NOT_TRADING}(?:{_BOT})(?:は|とは|と)?(?:もういい|いらない|やめ|結構|話にならない|役に立たない"
    rf"|ね|か)",
    rf"(?:また|もう)(?:{_BOT})",
    r"(?:自動応答|自動返信|自动回复|自動回覆|자동\s*응답)(?:は|을|를)?\s*(?:やめ|止め|いらない|别|別|그만)",
    # A call.
    r"\b(?:call me|can (?:i|we|you) (?:call|phone)|talk (?:on|by|over) the phone|phone call)\b",
    r"(?:请|請|可以|能不能|能否|麻烦|麻煩)(?:给我|給我)?打(?:个|個)?(?:电话|電話)"
    r"|(?:电话|電話)(?:联系我|聯繫我|聯絡我)|電話(?:で(?:話|相談|説明)|をください|してください)"
    r"|전화\s*(?:상담|로\s*(?:얘기|이야기|상담|통화))|전화\s*(?:주세요|해\s*주세요)",
]
ASK_FOR_HUMAN = [
    re.compile(pattern, re.IGNORECASE)
    for pattern in ENGLISH + CHINESE + KOREAN + JAPANESE + COLLOQUIAL
]

# A message made of words for a person and nothing else ("客服客服客服", "human 人間 オペレーター",
# "人工 please"): a request, however it is repeated.
PERSON_WORDS = re.compile(
    r"\b(?:human|person|agent|operator|representative|rep|staff|support|someone|anyone|somebody"
    r"|real|live|a|an|please|pls|plz|now|asap|hello|hi|hey|help|i|want|need)\b|人工|真人|客服|人间"
    r"|人間|专人|專人|工作人员|工作人員|请|請|快|오퍼레이터|상담원|상담사|사람|직원|담당자|님|좀|요|제발"
    r"|オペレーター|オペレータ|担当者|スタッフ|有人|人|さん|お願い(?:します)?|早く|[\s\W_]",
    re.IGNORECASE,
)
PERSON_CORE = re.compile(
    r"\b(?:human|agent|operator|representative|staff|person)\b|人工|真人|客服|人間|专人|專人"
    r"|상담원|상담사|직원|담당자|オペレーター|担当者|スタッフ",
    re.IGNORECASE,
)

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
        r"^\s*(?:how|what|when|where|which|can|could|will|would|should|do|does|is|are)\b"
        r"[^.!]*\?\s*$",
        r"\b(?:report|flag)\b.{0,20}\b(?:scam\w*|fraud\w*|phishing|fake|suspicious)\b",
        r"(?:怎么|怎麼|如何|怎样|怎樣|能不能|可以|会不会|會不會).{0,30}[？?吗嗎]\s*$",
        r"举报|舉報|检举|檢舉",
        r"(?:어떻게|나요|까요|가요|있나요)\s*\??\s*$|신고(?:하고|하려|할\s*수)",
        r"(?:どうやって|どうすれば|ますか|ですか|でしょうか)[？?]?\s*$|(?:報告|通報)(?:したい|する方法)",
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
    cleaned = _clean(text)
    if HOURS.search(cleaned) and not WANTS.search(cleaned):
        return False
    if any(pattern.search(cleaned) for pattern in ASK_FOR_HUMAN):
        return True
    return only_person_words(cleaned)


def only_person_words(text: str) -> bool:
    """Words for a person, repeated or in several languages, and nothing else."""
    return bool(PERSON_CORE.search(text)) and not PERSON_WORDS.sub("", text)


def mentions_person(text: str) -> bool:
    """Any word for a person or for the bot: not a request by itself, but a second one in a
    row after the bot kept the chat is (a person is never refused twice)."""
    cleaned = _clean(text)
    return bool(PERSON_CORE.search(cleaned)) or bool(
        re.search(rf"{_NOT_TRADING}(?:{_BOT})", cleaned, re.IGNORECASE)
    )


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
