"""Asking for a person, however it is phrased: a few constructions per language.

Customers ask for a person with the same few shapes in every language, whatever words fill them:

- a verb of connecting, bringing or talking with a word for a person of ours (English "put me
  through to an agent", Chinese 转/找/叫/要 + 人工/客服/真人, Korean 상담원 + 연결/바꿔/불러/통화,
  Japanese 担当者 + に/と + つなぐ/代わる/話す/対応して), in any politeness form: the verb's stem
  is matched, not its ending (-주세요, -주시겠어요, -줘; -ください, -いただけますか, -て);
- asking whether anyone is there, also rhetorically (is anyone reading this, 有没有人, 没人管吗,
  사람 없어요?, 人間いないの), or whether the bot is a person at all;
- turning down the bot, its articles or its canned answers, also sarcastically (this bot is so
  helpful, 又是机器人, 챗봇 필요 없어요, AIじゃ話にならない, またボットね);
- asking for a call (call me back, 给我回个电话, 전화 주세요, 電話してほしい);
- a message of words for a person and nothing else, however repeated (客服客服客服, 상담원!!!).

Words that only mention a person stay questions for the help center: who reviews documents
(人工审核, 担当者の審査), another person as a payee (다른 사람에게 송금, 他人に送金), how to
reach support by e-mail (怎么联系客服), a trading bot. Chinese is read with written Cantonese
as Mandarin and traditional characters folded to simplified (support.text.cantonese), so one
pattern serves all three.
"""

import re

from support.text.cantonese import to_mandarin


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


# The chat bot, in every language; a trading or grid bot is not it.
_NOT_TRADING = (
    r"(?<!trading )(?<!grid )(?<!网格)(?<!量化)(?<!交易)(?<!그리드 )(?<!매매 )(?<!트레이딩 )"
    r"(?<!グリッド)(?<!取引)(?<!売買)(?<!トレード)"
)
_BOT = (
    rf"{_NOT_TRADING}(?:(?:chat ?)?bots?\b|robots?\b|machines?\b|\bai\b|automated (?:repl(?:y|ies)"
    r"|answers?|messages?|responses?|assistant)|auto[- ]?repl\w*|canned (?:answers|replies"
    r"|responses)|机器人|自动回复|自动回答|智能客服|챗봇|봇|로봇|인공\s*지능|자동\s*(?:응답|답변|안내)"
    r"|チャットボット|ボット|ロボット|自動(?:応答|返信|回答)|定型文|テンプレ(?:ート)?)"
)

# "AI" written inside Korean or Japanese, where no word boundary separates it.
_AI = r"(?<![a-z])ai(?![a-z])"

# English. A word for a person of ours, with the determiners and adjectives before it.
_WHO_EN = (
    r"(?:(?:a|an|the|your|some|any|one of your|real|live|actual|human|proper|another|senior"
    r"|qualified)\s+){0,3}"
    r"(?:human(?:s| beings?)?|persons?|people|ppl|some(?:one|body)|any(?:one|body)|agents?"
    r"|operators?|representatives?|reps?|staff(?: members?)?|members? of (?:staff|your team)"
    r"|supervisors?|managers?|support(?: team| staff| agents?| people| person)?|team members?"
    r"|employees?|customer (?:service|support|care)(?: team| agents?| representatives?| reps?)?"
    r"|live (?:chat|support)|specialists?|advis[eo]rs?)(?!['’]s)\b"
)
# Only a person of ours, never "someone" or "support" (how do I send crypto to someone).
_STRONG_EN = (
    r"(?:(?:a|an|the|your|some|any|real|live|actual|human)\s+){0,3}(?:humans?|real person|persons?"
    r"|people|agents?|operators?|representatives?|reps?|supervisors?|managers?|staff"
    r"|customer (?:service|support)(?: representative| agent)?|live support"
    r"|some(?:one|body) (?:real|human|from (?:your|the) team))\b"
)
# Who a customer says they need: a person of ours, or anyone (I need someone), but not bare
# "support" (I need support with KYC).
_WANTED_EN = (
    rf"(?:{_STRONG_EN}|some(?:one|body)(?!['’]s)\b|any(?:one|body)\b|(?:the |your )?(?:support"
    r"|customer (?:service|support|care)) (?:team|staff|agents?|representatives?)\b)"
)
ENGLISH = [
    # Talk to, be put through to, want, get me, reach a person.
    rf"\b(?:talk|speak|chat)(?:ing)?\s+(?:directly\s+)?(?:to|with)\s+{_WHO_EN}",
    rf"\b(?:get through|get in touch|deal|communicate)\s+(?:to|with)\s+{_WHO_EN}",
    rf"\b(?:connect|transfer|put|pass|forward|escalate|hand|route|switch)(?:\s+(?:me|us|this|it"
    rf"|my (?:case|chat|issue|ticket|request|question|problem)))?(?:\s+(?:through|over|up"
    rf"|in touch))?"
    rf"\s+(?:to|with)\s+{_WHO_EN}",
    r"\b(?:connect|transfer|put)\s+me(?:\s+through)?\s*(?:please|pls|plz|now)?\s*[.!]*$",
    r"\bescalat(?:e|ed|ing|ion)\b",
    rf"\b(?:be|get|being|getting)\s+(?:connected|transferred|put through|passed|escalated"
    rf"|handed over|routed)\s+(?:to|with)\s+{_WHO_EN}",
    rf"\b(?:i|we)(?:'d| would)?\s+(?:really\s+|just\s+)?(?:need|want|would like|like|demand"
    rf"|require|prefer|rather|insist on|am asking for|requested)\s+(?:help from\s+|(?:a |an )?"
    rf"(?:real |proper )?(?:answer|reply|response) from\s+)?{_WANTED_EN}",
    rf"\b(?:(?:get|give|find|bring|fetch)\s+me|gimme)\s+{_WHO_EN}",
    rf"(?:^|[.!?,]\s*)(?:really\s+|just\s+)?(?:need|want|wanna|requesting)\s+{_WANTED_EN}",
    rf"(?:{_STRONG_EN}|some(?:one|body)|any(?:one|body))\s+(?:i|we)\s+(?:can|could)\s+(?:talk"
    rf"|speak|chat|call)\b",
    rf"\b(?:can|could|may)\s+(?:i|we)\s+(?:get|have|see)\s+{_STRONG_EN}",
    rf"\bget\s+{_STRONG_EN}\s*(?:on|in|to look at|to help|for)\s+(?:this|here|the (?:line|phone"
    rf"|chat)|me)\b",
    r"\b(?:reach|contact|get hold of|get ahold of)\s+(?:(?:a|an|the|your|real|live|actual)\s+){0,3}"
    r"(?:humans?|real person|person|agents?|operators?|representatives?|supervisors?|managers?)\b",
    rf"\b(?:ask(?:ing|ed)?|begg?(?:ing)?|wait(?:ing|ed)?)\s+for\s+{_STRONG_EN}",
    r"\bget\s+(?:some(?:one|body)|a human|a person|an agent|staff|support)\s+to\s+(?:look|check"
    r"|help|review|handle|call|contact|fix|sort|deal)\b",
    # A person asked for by name alone (representative please, "a real person.", customer
    # service!!!).
    rf"{_STRONG_EN}\W{{0,3}}(?:please|pls|plz|asap)\b",
    rf"(?:^|[.!?]\s*)(?:{_STRONG_EN}|someone real)\s*[.!]*$",
    # Is anyone there, also rhetorically? Is this a person at all?
    r"\b(?:is|are)\s+(?:there\s+)?(?:(?:any|some)(?:one|body)|(?:(?:any|some|an?|actual|real"
    r"|live)\s+){0,3}(?:humans?|people|persons?|agents?|staff))\b.{0,25}\b(?:there|here|working"
    r"|available|around|left|alive|awake|reading|listening|online|home)\b",
    r"\b(?:is|are|will)\s+(?:a |an |any |the )?(?:real |actual )?(?:human|person|agent|any(?:one"
    r"|body)|some(?:one|body))\s+(?:(?:ever|even|actually|really|going to|gonna)\s+){0,3}(?:answer"
    r"|reply|respond|read|see|look at|help)\s+(?:me|this|my (?:message|chat|question))\b",
    r"\b(?:is|are)\s+there\s+(?:really\s+|actually\s+)?(?:nobody|no one|no-one|noone"
    r"|no humans?|no (?:real )?person|no agents?)\b|\b(?:nobody|no one|no-one|noone)\s+(?:is\s+)?"
    r"(?:there|here|home|answering|reading|replying|responding|helping|working)\b",
    r"\b(?:does|do)\s+(?:any(?:one|body)|some(?:one|body)|any humans?|(?:real )?people)\b.{0,15}"
    r"\b(?:work|read|care|answer|respond|exist|monitor)",
    r"\b(?:do|does) (?:you|you guys|y'?all|your (?:company|exchange|team))\b.{0,15}\bhave\b"
    r".{0,15}\b(?:people|humans|staff|agents|anyone|a human|real)\b",
    r"\b(?:any(?:one|body)|some(?:one|body)|any (?:real |actual |live )?(?:humans?|persons?"
    r"|people|agents?))\s*(?:(?:there|here|home|alive|available|around|left|awake|online|at all"
    r"|out there)\s*)?[?？!]+",
    r"\b(?:hello|hell?o+)\s*\?{2,}",
    r"\bare you (?:even |actually |really |just )?(?:real|human|a (?:real )?person|a bot"
    r"|a robot|an ai|a machine)\b|\byou(?:'re| are) (?:just )?a (?:ro)?bot\b",
    r"\b(?:a|the) (?:real|actual|live) one\b|\bnot you\b.{0,10}\b(?:person|human|someone"
    r"|somebody|people)\b",
    # Asking a person of ours to do something, or to get back to the customer; a call.
    rf"\b(?:can|could|would)\s+{_STRONG_EN}.{{0,40}}\b(?:look|check|read|help|review|call"
    rf"|contact|handle|answer|reply|respond|get back|sort)\b.{{0,30}}(?:\b(?:please|pls|plz)\b"
    rf"|\b(?:this|my case|my issue|me)\b)",
    r"\b(?:have|let|get)\s+(?:a |an |some )?(?:someone|somebody|a human|an agent|a person|staff"
    r"|support|your team)\s+(?:call|contact|email|reach|get back to|text|phone)\b",
    r"\b(?:someone|somebody|a human|an agent|support|your team)\s+(?:please\s+)?(?:call|contact"
    r"|email|get back to|reach out to|phone)\s+me\b",
    r"(?:^|[,.!?;]\s*|\b(?:please|pls|plz|can you|could you|would you|just|you can|you could)\s+)"
    r"(?:call|phone|ring) me(?: back)?\b|\b(?:call-?back|give me a call|can (?:i|we|you) (?:call"
    r"|phone)|talk (?:on|by|over) the phone|phone call)\b",
    # Turning down the bot and its canned answers, also sarcastically.
    rf"{_BOT}.{{0,15}}\b(?:again|useless|stupid|dumb|doesn'?t (?:understand|help)|can'?t help"
    rf"|(?:is|are) not helping|not helpful)",
    rf"\b(?:stop|enough|no more|not another|not again|done with|tired of|sick of|hate|don'?t"
    rf" want)\b.{{0,20}}{_BOT}",
    rf"\b(?:talking|chatting|speaking|talk|speak|chat) (?:to|with) (?:a |an |the |this |your )?"
    rf"{_BOT}",
    rf"\b(?:another|yet another|just an?|only an?|again an?|still an?)\s+{_BOT}",
    rf"\b(?:thanks?|thank you)\W{{0,3}}(?:mr\.?\s*)?{_BOT}",
    rf"{_BOT}.{{0,30}}\b(?:so|very|really|super|such a)\s+(?:helpful|useful|smart|clever|great)\b"
    rf"|\b(?:so|very|really|super)\s+(?:helpful|useful|smart)\b.{{0,30}}{_BOT}",
    r"\b(?:stop|no more|don'?t want|not another|enough)\b.{0,10}\b(?:articles|links|faqs?)\b",
    r"\b(?:same|useless|generic|irrelevant)\s+(?:\w+\s+)?(?:links|articles|answers|replies"
    r"|responses|faqs)\b",
]

# Chinese, on text read as simplified Mandarin. A word for a person of ours; 人工 that is a kind of
# review or intelligence (人工审核, 人工智能) is no request by itself.
_WHO_ZH = (
    r"(?:人工(?!审核|审查|验证|认证|智能|操作|费)(?:客服|服务|坐席|座席)?|真人(?!认证|验证|审核)"
    r"(?:客服)?|活人|客服(?:人员|专员|小姐姐|小哥|mm)?|工作人员|专员|专人|负责人|领导|经理|主管|上级"
    r"|管理员|值班人员|坐席|座席)"
)
_COME = r"(?<![原后本未出起过回进将以从向近下上])来"
CHINESE = [
    # Transfer to, find, call for, ask for a person (转人工, 找你们负责人, 叫客服出来, 搵真人).
    rf"(?:转|转接|(?<![直连链间迎])接|找|要|叫|换|喊|揾|派|安排|给我|{_COME}|呼叫|请|让)(?:一下|下)?"
    rf"(?:到|给|去)?"
    rf"(?:一?个|一?位|位)?(?:你们|贵司|你哋)?的?{_WHO_ZH}",
    rf"(?:找|叫|换|喊|揾|派|{_COME})(?:一?个|一?位)[^，,。！!？?\s]{{0,4}}的人|(?:找|叫|换|喊|揾|派|{_COME})"
    rf"(?:一?个|一?位)?(?:真的?|活)?人(?:来|过来|出来|处理|回|帮|看|跟我"
    rf"|和我|$|[!！。，,?？])",
    r"我(?:就)?要(?:找)?(?:真|活)?人(?:[!！。，,?？\s]|$|来|帮|处理|看|回)|(?:请|要求|申请)(?:你们)?人工"
    r"|人工(?:客服|服务|坐席|座席|支持|回复)",
    # Contacting: a wish to (我要联系客服), or a person explicitly (联系人工); "how do I contact
    # support?" (怎么联系客服) asks for a channel the help center lists.
    rf"(?:要|想|请|帮我|让我|给我)(?:直接)?(?:联系|联络)(?:一下)?(?:你们的?)?{_WHO_ZH}"
    r"|(?:联系|联络)(?:一下)?(?:你们的?)?(?:人工|真人|活人|专人)",
    # The person, asked to come, answer or be there (客服在吗, 人工呢, 客服是死了吗, 主管出来); not
    # what someone did (冒充客服给我打电话, 客服跟我说要等).
    rf"{_WHO_ZH}(?:们)?(?:快|赶紧|赶快|马上)?(?:在吗|在不在|在哪|呢|人呢|快来|快点|出来|回复我|回话"
    rf"|回我|理我|接一下|是死了|都死了|死哪|去哪|下班了|睡着了)",
    # Is anyone there, nobody cares (有没有人, 有冇真人, 有人在吗, 没人管吗, 就没有人工客服吗).
    rf"(?:有没有|有没|有无|有冇|没有|就没)(?:一?个|位)?(?:真的?|活)?(?:人|{_WHO_ZH})(?:吗|么|啊|呀"
    rf"|在|能|可以|[?？!！])",
    rf"(?:有没有|有没|有无|有冇)(?:一?个|位)?(?:真的?|活)?(?:人(?!工审|工验|工认|工智)|{_WHO_ZH})",
    r"有(?:真|活)?人(?:在)?(?:吗|么|没|不|呀|啊|嘛|$|[?？!！。])|有(?:真|活)?人(?:能|可以|会)"
    r"(?:帮|回|处理|看|理|管|跟|和)|有客服(?:在)?(?:吗|么|没|不)",
    r"(?:没|没有|冇)人(?:管|理|回|处理|接|看|在)",
    # Talking with a person (跟真人说话, 和人工对话, 同真人倾).
    rf"(?:跟|和|与|同)(?:你们的?)?(?:一?个)?(?:{_WHO_ZH}|(?:真的?|活)?人)(?:说话|讲话|讲|说|聊|谈|对话"
    rf"|沟通|倾|交流|通话)",
    # Is this a person at all (你是真人吗, 是不是机器人, 全是机器人)?
    rf"(?:你|您|这)(?:是不是|是)(?:真人|活人|人(?![工民家为力数])|{_BOT})(?:吗|么|啊|呀)?"
    rf"|(?:只有|全是|都是|就是|一直是|总是|老是)(?:个)?{_BOT}",
    # Turning down the bot and its articles, also sarcastically (机器人听不懂, 别用机器人敷衍我,
    # 又是机器人，真贴心, 人工智障, 答非所问, 别发链接了).
    rf"{_BOT}.{{0,10}}(?:说不清|听不懂|不懂|没用|答非所问|敷衍|废物|废话|胡说|瞎说|智障|有意思吗|闭嘴"
    rf"|别说|靠不住|解决不了|什么都不|有什么用|能解决什么|垃圾|真贴心|真聪明|真厉害|好贴心|好厉害)",
    rf"(?:又是|还是|又|别|不要|不想|不用|少|能不能别)(?:再)?(?:用|拿|跟我|和我|跟|和)?.{{0,6}}{_BOT}",
    r"人工智障|答非所问|(?:听|聽)(?:得)?(?:懂|不懂)人话|说人话|讲人话",
    rf"{_BOT}.{{0,6}}(?:能不能|会不会|可不可以|到底能不能|有没有办法)(?:听懂|理解|明白|看懂|懂)",
    rf"{_BOT}.{{0,10}}(?:真|好|太|可真|真是)(?:智能|聪明|厉害|贴心|棒|好用|有用|牛|行)|{_BOT}.{{0,6}}"
    rf"(?:是)?(?:摆设|装饰|废物)",
    # A person's name as a clause of its own, or a request repeated (人工！, 说了三遍了，人工).
    rf"(?:^|[，,。！!？?\s])(?:{_WHO_ZH})(?:[！!。？?]|$)",
    rf"(?:说|问|讲)了(?:[一二三四五六七八九十几好多两]+|\d+)(?:遍|次).{{0,20}}(?:{_WHO_ZH}|人)",
    r"(?:不要|不想|别)(?:再)?(?:看|发|给我|丢)(?:什么)?(?:文章|链接)",
    # A call (打电话给我, 给我回个电话, 电话沟通).
    r"(?:^|[，,。！!？?\s]|请|麻烦|能不能|能否|可以|你们)(?:给我)?(?:回|打)(?:个|一个)?电话(?!号)"
    r"|电话(?:沟通|联系我|联络|聊|谈)|(?:我要|我想|想要|让我)(?:直接)?(?:打电话|电话联系|打过去|打给你们)",
]

# Korean. A word for a person of ours (사람 only with a verb of talking or being there).
_WHO_KO = (
    r"(?:상담\s*(?:원|사|직원|선생님)|직원|담당\s*(?:자|직원)|책임자|관리자|매니저|팀장|운영자"
    r"|고객\s*센터|콜\s*센터|상담\s*창구"
    r"|(?:진짜|실제|살아\s*있는)?\s*(?<!다른 )(?<!다른)(?<!모르는 )(?<!어떤 )사람"
    r"|agent|human|person|operator|staff)(?:\s*분)?(?:\s*님)?"
)
_PARTICLE_KO = (
    r"(?:이랑|랑|하고|과|와|한테|에게|께|께서|이나|이라도|라도|이요"
    r"|이|가|은|는|을|를|으로|로|나|만|요)?"
)
_ADVERB_KO = r"(?:\s*(?:좀|직접|바로|빨리|지금|당장|얼른|제발|꼭)){0,2}"
KOREAN = [
    # 상담원 연결해 주세요, 담당자분 바꿔 주시겠어요, 직원이랑 통화하고 싶어요,
    # 사람이 직접 봐 주세요.
    rf"{_WHO_KO}{_PARTICLE_KO}{_ADVERB_KO}\s*(?:연결|바꿔|바꾸|불러|부르|통화|얘기|이야기|대화"
    rf"|상담|말\s*하|넘겨|전화(?!\s*번호)|나와|나오|와\s*주|답\s*(?:해|변|장)|봐\s*주|봐\s*줘"
    rf"|확인\s*해\s*주|확인\s*부탁|도와\s*주|부탁|원해|원합니다|요청)",
    rf"(?:상담원|상담사|직원|담당자)분?{_PARTICLE_KO}\s*(?:\S+\s+){{0,2}}(?:이야기|얘기|대화|통화|상담)",
    r"(?:상담|고객\s*센터)\s*연결|상담원\s*(?:좀|요|님)?\s*[.!?]*\s*$",
    # Is anyone there, where are they (사람 없어요?, 상담사 계세요?, 상담원 어디 있어요?).
    rf"{_WHO_KO}{_PARTICLE_KO}\s*(?:있|없|계)(?:나요|어요|습니까|으세요|세요|는\s*(?:건가요|거예요"
    rf"|건지|거야)|냐|니|나|어)\s*[?？!.]*(?:$|\s)",
    # Doubting that anyone is there at all (사람 있긴 해요?, 직원이 있기는 한가요?).
    rf"{_WHO_KO}{_PARTICLE_KO}\s*(?:있|계시)(?:긴|기는|기나)\s*(?:해|하|한)",
    rf"{_WHO_KO}{_PARTICLE_KO}\s*(?:어디\s*(?:있|갔|계)|어딨)",
    # Is a person reading at all, is this a person (사람이 보고 있긴 한가요?, 진짜 사람 맞아요?).
    rf"{_WHO_KO}{_PARTICLE_KO}\s*(?:보고\s*있|읽고\s*있|듣고\s*있|보긴|읽긴|보기는|읽기는)",
    rf"(?:진짜|실제|살아\s*있는)?\s*(?:사람|{_BOT}|{_AI}|기계)\s*(?:이|가)?\s*(?:맞(?:아요|나요|죠|니|냐"
    rf"|습니까)|이에요|예요|인가요|이세요|이신가요|이야|야|임)\s*[?？]",
    # Not this but a person (이거 말고 사람 좀); the verb first (연결해 주시겠어요? 상담원이요).
    rf"말고\s*(?:\S+\s*)?{_WHO_KO}",
    rf"(?:연결|바꿔|불러)\S*\s*(?:\S+\s*){{0,2}}{_WHO_KO}",
    # Turning down the bot and its links (챗봇 필요 없어요, 봇은 됐고, AI 말고, 또 봇이네,
    # 챗봇 참 똑똑하네요, 같은 말만, 링크 말고).
    rf"(?:{_BOT}|기계|bot|{_AI}){_PARTICLE_KO}.{{0,8}}(?:말고|필요\s*없|싫|됐|그만|안\s*통|소용\s*없|답답"
    rf"|지겨|짜증|못\s*알아|이해를?\s*못|똑똑하|대단하|도움이?\s*(?:하나도|전혀|별로)?\s*안|쓸모\s*없"
    rf"|무슨\s*소용|상대\s*안|대화\s*(?:가\s*)?안|말\s*(?:이\s*)?안|얘기\s*안)",
    rf"(?:또|또\s*다시)\s*{_BOT}",
    r"(?:같은|똑같은)\s*(?:말|답변|대답|소리|얘기|링크)만|동문서답|말귀를?\s*(?:못|안)",
    # A person's name as a clause of its own, or a request repeated (몇 번을 말해요 상담원이요).
    r"(?:(?:^|[\s,.!?])(?:상담\s*(?:원|사)|직원|담당자)|(?:^|[.!?]\s*)사람)(?:\s*분)?(?:\s*님)?"
    r"(?:이요|요|\s*좀)?\s*[.!?]*$",
    r"(?:진짜|실제|살아\s*있는|제대로\s*된|말\s*통하는)\s*사람(?:\s*분)?(?:이요|요|\s*좀)\s*[.!?]*$",
    rf"몇\s*번(?:을|이나|째)?\s*(?:말|얘기|이야기|물어|요청).{{0,20}}{_WHO_KO}",
    r"(?:링크|글|문서|faq)\s*(?:말고|그만|필요\s*없)",
    # A call, one to one (전화 주세요, 통화 가능할까요, 직접 통화, 1:1 상담 원해요).
    r"전화(?!\s*번호)\s*(?:주세요|좀|해\s*주|해주|부탁|상담|연결|로\s*(?:상담|얘기|이야기|통화|연락"
    r"|설명))|(?:통화|전화)\s*(?:가능|하고\s*싶|할\s*수|원해|부탁|요청)|직접\s*(?:통화|전화|얘기|이야기"
    r"|대화|상담)|유선\s*(?:상담|통화)|콜백|회신\s*전화|다시\s*전화",
    r"(?:1\s*:\s*1|1\s*대\s*1|일대일)\s*(?:상담|채팅)\s*(?:원|하고\s*싶|요청|부탁|연결|해\s*주|받고)",
]

# Japanese. A word for a person of ours; 人 alone only where it stands as a word (人と話したい,
# ちゃんとした人), never inside 個人, 本人, 他人, 法人.
_WHO_JA = (
    r"(?:オペレーター|オペレータ|担当(?:者|の(?:方|人|者))|担当さん|人間|生身の人(?:間)?|中の人|有人"
    r"|(?:他|ほか|別|べつ)の(?:方|人|担当者|スタッフ|オペレーター)"
    r"|スタッフ|係(?:の)?(?:人|方|員)|社員|職員|責任者|上司|上の(?:人|方|者)|管理者|窓口"
    r"|(?:カスタマー)?サポート(?:の(?:人|方)|担当|スタッフ|センター|チーム|デスク)?"
    r"|カスタマー(?:センター|サービス)|コールセンター|誰か(?:人|の人)?"
    r"|(?:ちゃんとした|ちゃんと|きちんと|本物の|生の|詳しい|分かる|わかる|まともな|普通の|実際の)人"
    r"|(?<![^\s、。,.!?！？「」『』])人|(?<=[\u3040-\u309f])人)(?:さん|様|の方)?"
)
JAPANESE = [
    # 担当者につないでください, 人間に代わって, 責任者と話したい, 誰か対応してもらえませんか,
    # 担当者様からご連絡ください, スタッフさんいますか, 人間の方はいないんですか.
    rf"{_WHO_JA}(?:に|と|へ|を|が|から|は|って|で)?(?:は|も)?(?:直接|すぐ(?:に)?|早く|今すぐ"
    rf"|ちゃんと)?(?:お|ご)?(?:つな|繋|代わ|替わ|かわ|変わっ|話(?:し|せ|さ|が|を)|相談"
    rf"|問い合わせたい|聞きたい|やり取り|対応(?:して(?:ほし|もら|いただ|くだ|くれ|[!！。]|$)|を(?:お願い|希望"
    rf"|求め)|お願い|希望|願)|お願い|出して|だして|出せ|出てきて|呼んで|よんで|呼べ|よこせ|来て|ください|下さい|チャット(?:し|が|を|で)|連絡(?:して|を|ください"
    rf"|下さい|ほしい|がほしい|もらえ|いただ|くれ)|電話(?:を(?:ください|下さい|かけ|いただ|もらえ"
    rf"|お願い)|して(?:ほし|もら|いただ|くだ|くれ)|ください|下さい|ほしい|がほしい|お願い|で(?:話|相談"
    rf"|説明))|折り返|見て(?:ほし|もら|いただ|くだ|くれ)|確認して(?:ほし|もら|いただ|くだ|くれ)|回答して"
    rf"|答えて|説明して|切り替え|切替|希望|いますか|いませんか|いない(?:の|ん|[？?]|$|です|か)"
    rf"|いません|いる[？?]|いらっしゃ|おられ|おりません|おらん)",
    r"有人(?:対応|チャット|サポート|窓口)",
    rf"(?:じゃ|では)なく(?:て)?[、,\s]?{_WHO_JA}",
    # Talking directly; is this a person at all (直接話したい, あなたは人間ですか).
    r"直接(?:お|ご)?(?:話|相談|説明)(?:が|を)?(?:し|でき|させ|さ|いただ)",
    rf"(?:人間|{_BOT}|{_AI}|本物の人)(?:です|なん|なの|でしょう)(?:か|ですか)?[？?]",
    # Turning down the bot and its articles, also sarcastically (AIじゃ話にならない,
    # 定型文はもういい, またボットね, 同じ回答ばかり, 記事はもういい, 話が通じない).
    rf"(?:{_BOT}|機械(?:的な(?:回答|返事|対応))?|{_AI})(?:ね|か)(?:[。、!！?？\s]|$)",
    rf"(?:{_BOT}|機械(?:的な(?:回答|返事|対応))?|{_AI}).{{0,8}}?(?:じゃ|では|だと|は|とは|と"
    rf"|の(?:回答|返事)は)?(?:もう|全然|全く|まったく)?(?:話にならない|埒が明かない|らちがあかない|役に立たない|意味がない|意味ない|いらない"
    rf"|要らない|結構|もういい|いい(?:です)?(?:から|って)|やめ|止め|じゃなく|ではなく|じゃない|使えない"
    rf"|わかってない|分かってない|ダメ|だめ|無理|無駄|むだ|うんざり|飽き)",
    rf"(?:また|もう|さすが)(?:は)?(?:{_BOT}|{_AI})",
    r"(?:記事|リンク|faq)(?:は(?:もういい|いらない|結構|いいから)|じゃなく|ではなく)",
    r"同じ(?:回答|答え|返事|説明|こと|内容|リンク|記事)ばかり|話が通じ(?:ない|ません)"
    r"|何(?:度|回)(?:も)?(?:同じ|言|聞)",
    r"(?:^|[\s、。!?！？])(?:オペレーター|担当者|人間|スタッフ)(?:さん)?(?:[!！。？?]|$)",
    # A call (電話してほしい, 電話で相談できますか, 電話できますか, 折り返し電話).
    r"電話(?!番号|認証)(?:いただ|もらえ|で(?:お|ご)?(?:話|相談|説明|問い合わせ|対応|連絡)|を(?:ください|下さい|かけ|いただ"
    r"|もらえ|お願い|して)|して(?:ほし|もら|いただ|くだ|くれ)|ください|下さい|がほしい|ほしい|したい"
    r"|させて|お願い|対応|相談|窓口|(?:で)?き(?:ます|る|ません)|でき(?:ます|る|ません))"
    r"|折り返し(?:の)?(?:電話|連絡)",
]

# Each language's patterns run only on a message holding its script.
BY_SCRIPT = [
    (re.compile(r"[a-z]", re.IGNORECASE), _compile(ENGLISH)),
    (re.compile(r"[\uac00-\ud7af]"), _compile(KOREAN)),
    (re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]"), _compile(JAPANESE)),
]
HAN = re.compile(r"[\u4e00-\u9fff]")
CHINESE_FOLDED = _compile(CHINESE)

# What the patterns read of a long message: its start and its end, where a request for a person
# is made ("… please put me through to an agent"); the middle tells the case.
HEAD_CHARS = 2_000
TAIL_CHARS = 500

# A message made of words for a person and nothing else ("客服客服客服", "human 人間 オペレーター",
# "人工 please", "사람!!!"): a request, however it is repeated.
PERSON_WORDS = re.compile(
    r"\b(?:human|person|agent|operator|representative|rep|staff|support|someone|anyone|somebody"
    r"|real|live|a|an|please|pls|plz|now|asap|hello|hi|hey|help|i|want|need)\b|人工|真人|客服|人间"
    r"|人間|专人|專人|工作人员|工作人員|服务|服務|请|請|快|오퍼레이터|상담원|상담사|사람|직원|담당자|님|좀"
    r"|요|제발|オペレーター|オペレータ|担当者|スタッフ|有人|人|さん|お願い(?:します)?|早く|[\s\W_]",
    re.IGNORECASE,
)
PERSON_CORE = re.compile(
    r"\b(?:human|agent|operator|representative|staff|person)\b|人工|真人|客服|人間|专人|專人|活人"
    r"|상담원|상담사|직원|담당자|사람|オペレーター|担当者|スタッフ",
    re.IGNORECASE,
)
BOT_WORDS = re.compile(_BOT, re.IGNORECASE)


def asks_for_person(cleaned: str) -> bool:
    """Whether `cleaned` (NFKC, spaces collapsed) asks for a person in any language."""
    read = _head_and_tail(cleaned)
    if any(script.search(read) and patterns.search(read) for script, patterns in BY_SCRIPT):
        return True
    if HAN.search(read) and CHINESE_FOLDED.search(to_mandarin(read)):
        return True
    return only_person_words(read)


def _head_and_tail(cleaned: str) -> str:
    if len(cleaned) <= HEAD_CHARS + TAIL_CHARS:
        return cleaned
    return f"{cleaned[:HEAD_CHARS]}\n{cleaned[-TAIL_CHARS:]}"


def only_person_words(cleaned: str) -> bool:
    """Words for a person, repeated or in several languages, and nothing else."""
    return bool(PERSON_CORE.search(cleaned)) and not PERSON_WORDS.sub("", cleaned)


def mentions_person_or_bot(cleaned: str) -> bool:
    """Any word for a person or for the bot: no request by itself, but one after the bot has
    kept the chat is (a person is never refused twice)."""
    return bool(PERSON_CORE.search(cleaned) or BOT_WORDS.search(cleaned))
