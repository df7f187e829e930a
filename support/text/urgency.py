"""Is this a security incident happening now? Missing one costs a customer's funds, so recall
matters far more than precision: any of these patterns, in any language, makes a message urgent,
unless it is plainly denied ("nothing was stolen", "不是被盗") or hypothetical ("how do I
prevent…"). The category model's security_incident probability catches the rest.
"""

import functools
import re

from support.text.features import fold, normalise
from support.text.language import to_simplified
from support.text.others import actor_pattern, other_person_pattern
from support.text.prefilter import prefiltered
from support.text.signs import incident_signs

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
            r"\b(?:funds|coins|balance|money|usdt|btc|eth|assets|crypto|wallet)\b.{0,25}"
            r"\b(?:gone|missing|disappeared|vanished|withdrawn|empty|zero)\b",
            r"\bcompromised\b",
            r"\bnew (?:device|api key|withdrawal address|address)\b.{0,60}"
            r"\b(?:not me|wasn'?t me|didn'?t|never|don'?t recogni[sz]e)",
            r"\b(?:login|log in|sign[- ]in)\b.{0,40}\b(?:i don'?t recogni[sz]e|unknown|"
            r"not mine|another country|strange)",
            r"\b(?:phish\w*|fake (?:site|website|page|link|support|app))\b.{0,120}"
            r"\b(?:lost|gone|drained|stolen|withdrawn|zero|empty|emptied)\b",
            # Chinese (text is folded to simplified first)
            r"被盗|盗号|被黑|被骇|被入侵|被人登录|被登录|异地登录|陌生设备|不明设备|未授权|"
            r"未经授权",
            r"不是我(?:本人)?(?:操作|登录|提|转|做|改|弄|干|创建|开|下|落|买|卖)|没有操作|我没操作",
            r"我(?:根本|都|也|完全|并|从来)?没(?:有)?(?:改|换|提|转|登|申请|动|开)",
            r"有人(?:在)?(?:用|改|登|动|盗|提|转|开|操作|从)|被人(?:改|动|登|用)|没开过|没有开过",
            r"不认识的(?:地址|设备|装置|ip)|(?:密码|邮箱|手机|手机号|绑定).{0,6}被(?:人)?(?:改|"
            r"换|解绑)",
            r"被(?:人)?(?:提走|转走|盗用|偷)|补卡|盗刷|钓鱼.{0,40}(?:没了|不见|被提|被转|损失)",
            r"(?:api|助记词|私钥|密钥).{0,8}(?:给了|告诉了|发给了|输入了|填了|填进了)",
            r"(?:币|钱|余额|资产|资金|usdt|btc|eth).{0,12}(?:不见了|没了|少了|被转|被提|清空)",
            r"莫名其妙.{0,12}(?:不见|少了|没了|被提|被转)",
            # Korean
            r"해킹|도용|무단|유심.{0,12}(?:복제|해킹|바뀌|탈취)|심 ?스왑",
            # The pronouns start a word: 문제가 아니에요 ("that is not the problem") is no denial
            # that the customer did it.
            r"(?<![가-힣])제가 (?:하지 않은|안 한|하지 않았|안 했)|"
            r"(?<![가-힣])제가 한 (?:게|거) 아니|(?<![가-힣])저 아니에요|(?<![가-힣])제가 아니",
            r"(?<![가-힣])(?:전|저는|제가|난|나는) ?(?:안|않) ?(?:바꿨|바꾼|했|켰|눌렀)|"
            r"(?:앱|어플)(?:도|은|을)? ?안 ?켰",
            r"(?:api ?키|시드|니모닉|복구 ?문구|개인 ?키).{0,10}(?:줬|알려줬|입력했|넣었|보냈)",
            r"누가 .{0,20}(?:바꿔|바꿨|변경|로그인|접속|출금|거래|사용)|"
            r"(?<![가-힣])제가 (?:열지|만들지|요청하지) 않은",
            r"모르는 (?:기기|로그인|출금|api|주소)|(?:코인|잔고|자산|돈|잔액).{0,12}"
            r"(?:사라|없어졌|출금됐|빠져나)",
            # Japanese
            r"乗っ取|不正ログイン|不正アクセス|不正出金|不正送金|身に覚えのない|"
            r"覚えのない(?:出金|ログイン)",
            r"勝手に.{0,20}(?:出金|ログイン|変更|変え|送金|取引|売却|作ら|使わ)|simスワップ|"
            r"sim.{0,4}乗っ取|知らない ?(?:アドレス|api|デバイス|device|端末|ip|ログイン|出金)|"
            r"誰かが|建てていない|覚えのない",
            r"(?:残高|資産|コイン|仮想通貨).{0,12}(?:なくな|消え|減って|盗まれ|抜かれ)|盗まれ",
            r"私ではありません|私じゃない",
            r"(?:apiキー|シードフレーズ|秘密鍵|復元フレーズ).{0,10}"
            r"(?:渡した|渡してしま|教えた|教えてしま|入力した|入力してしま|送った|送ってしま)",
            r"(?:アプリ|アカウント|サイト)(?:を|も|は)?(?:開いて|触って|操作して|"
            r"ログインして)も?い?(?:ません|ない)",
            # Said through what the customer sees or was told to do, in every language: a code
            # read out to a caller, money moved to a "safe account", a balance emptied, someone
            # in the account, a security setting changed by someone else (and _told_by_pairs).
            r"\b(?:safe|secure|safety) account\b|安全账户|安全(?:户口|帐户)|안전 ?계좌|安全な口座",
            r"\b(?:address|wallet|uid|account)\b.{0,6}\bi (?:don'?t|dont|do not) (?:know|"
            r"recogni[sz]e)",
            r"\b(?:sessions?|devices?|logins?)\b.{0,12}\bi (?:don'?t|dont|do not) recogni[sz]e",
            r"\bsomeone\b.{0,20}\b(?:knows?|has|got) my (?:password|pw|pass|2fa|seed|login)",
            r"\b(?:they|someone|he|she) (?:are|is) (?:changing|using|withdrawing|logging)",
            r"俾人hack|被人hack|hack咗|(?:不是|唔系)我(?:提|转|发|加|改|开|做|出|弄|操作|登)",
            r"我(?:根本|都|也|完全|并|从来)?没(?:有)?(?:关|加|绑|设|删|发|买卖|下单)过",
            r"有人(?:在)?(?:入|进|偷)|有人知道我(?:的)?密码(?!.{0,12}吗)|边个(?:郁|动|用|入)过|"
            r"被(?:人)?(?:拿去|拿走|偷走)|偷走",
            r"(?:全部|都|钱|币|资产|积蓄).{0,6}(?:不见|冇晒|没了|被清空)|被(?:人)?登入|被侧录|"
            r"被清空|清空了|我(?:的|啲)币呢",
            r"(?:网站|网页|假|链接).{0,20}(?:输入|填|输)(?:了)?.{0,6}(?:助记词|私钥|seed|密钥)",
            r"陌生(?:的)?(?:登入|登录|工作阶段|会话|装置|设备|ip)|换成(?:了)?别人的",
            r"털렸|털림|털려서|털리고(?! 싶)|도난 ?당|(?<!둘)(?<!둘 )다 없어졌|(?:전부|"
            r"모두) 없어졌|누가 .{0,20}(?:들어와|들어가|가져갔|썼|쓰고)",
            r"(?<![가-힣])(?:저|전|저는|제가) ?(?:안|않) ?(?:했|바꿨|바꾼|켰|눌렀|올렸|보냈)",
            r"(?:한|끈|바꾼|변경한|신청한|추가한|올린|보낸|만든|켠) ?적(?:이)? ?없",
            r"다른 ?사람(?:걸로|것으로|꺼로|번호로)|모르는 (?:세션|폰|uid|계정으로)",
            r"空っぽ|全部ない|すられ|盗難に|ログインされ(?:た|てた|ていた|てる|ました)|"
            r"移されて(?:た|いた|る)",
            r"誰が.{0,6}(?:触|使|ログイン|入|出金|送金)|誰かに.{0,12}(?:ログイン|使われ|入られ|"
            r"知られ)|"
            r"知らない ?(?:セッション|uid)|(?:パスワード|暗証番号).{0,8}知られ",
            # Someone the customer knows acting on the customer's account (support.text.others).
            actor_pattern(),
            # Told by what the customer did or sees (support.text.signs).
            incident_signs(),
        ]
    ),
    re.IGNORECASE,
)
# A question about what could happen, told by its form: a clause opening with a modal or "does"
# ("can hackers drain my wallet if…", "does a sim swap let someone…", "is it possible for…"),
# or a conditional by inversion ("had my account been hacked, would…", "should my account ever
# be taken over"). Not when the clause tells of the past (was, did, got, a verb in -ed other
# than after be/get: "is it possible someone logged in?"), asks us for something ("can you…",
# "can someone please freeze…") or speculates about this message's own case ("could this be…").
_PAST_OR_REQUEST_EN = (
    r"(?![\s\S]*\b(?:have|has|had|was|were|did|got|already|just|stole|took|sent|gave|made|lost|went|"
    r"saw|broke|please|help|urgent|asap|freeze|lock)\b)"
    r"(?![\s\S]*(?<!\bbe )(?<!\bget )(?<!\bgets )(?<!\bbeen )(?<!\bbeing )\b[a-z]+(?<!e)ed\b)"
)
HYPOTHETICAL_QUESTION_EN = (
    r"^\W*(?:can|could|will|would|might|does|do|is it possible (?:for|that))\s+"
    rf"(?!(?:you|u|i|this|that|it)\b){_PAST_OR_REQUEST_EN}|"
    r"^\W*(?:had|should|were) (?:my|someone|somebody|anyone|a hacker|hackers|the|your)\b"
    r".{0,40}\b(?:been|ever|be|to)\b"
)
DENIAL_RE = re.compile(
    HYPOTHETICAL_QUESTION_EN + "|"
    r"\bnot (?:been )?hacked|wasn'?t hacked|\bno(?:thing)? (?:was |got )?stolen|not stolen|"
    r"nothing (?:was )?(?:stolen|missing)|isn'?t hacked|\bif\b.{0,20}\b(?:hack|stolen|swap)|"
    r"\bif\b.{0,15}(?:wasn'?t|not) (?:me|you)|"
    r"\b(?:prevent|protect|avoid|in case|what if|reading about|heard about|worried|afraid|"
    r"concerned|scared|stop (?:a|someone|people|them|it))\b|"
    r"(?<!是)不是被盗|没有被盗|没被盗|没有盗|防止|预防|如何避免|以防|担心|怕|"
    # 방지 is "prevent", but not inside 피싱방지코드, the anti-phishing code (as 対策コード).
    r"해킹(?:은|이) 아니|해킹 아니|방지(?!\s*코드)|예방|걱정|우려|알면|라면|다면|수 있나요|"
    r"(?:乗っ取り|ハッキング|不正)(?:では|じゃ)(?:な|あり)|ではありませんが|防ぐ|防止|予防|心配|"
    # Hypothetical, someone else's, or a fear that proved wrong: "万が一乗っ取られた場合",
    # "朋友帐号被盗", "我还以为被盗了", "I read about people getting hacked", "is my money gone".
    r"\b(?:suppose|hypothetically|read about|heard|people|others|friend'?s|"
    r"thought (?:i|it|my|someone)|my friend (?:said|told|says)|"
    r"(?:his|her|their) (?:\w+ )?(?:account|wallet|phone|funds|coins|crypto|money|balance)|"
    r"almost|nearly|should i|do i need to)\b|差点|差一点|거의|危うく|"
    r"^\s*(?:is|are|will|would|could|can)\s+(?:my|the|it|they)\b|"
    r"如果|万一|要是|假如|的话|就算|即使|朋友的?(?:账|帐|号)|\bfriend'?s? ?(?:account|계정)|网友|"
    r"(?<!成)(?<!成了)别人的|以为|"
    # もし is "if" only where かもしれない and 〜もしてない do not hold it.
    r"(?<![かもでと])もし(?![れてたま])|万が一|場合|友人の|友達の|知人の|他の人|と思った|かと思|"
    r"防げ|対策(?!コード)|盗まれたら|乗っ取られたら|ハッキングされたら|とかではな|とかじゃな|"
    r"만약|만일|경우|당해도|당하면|되더라도|친구 ?(?:계정|계좌)|지인|다른 사람(?!걸로|것으로|"
    r"꺼로|번호로)|"
    r"줄 알았|대비|"
    r"同学|同事的|家人的|"
    r"해킹\S{0,4} 아니|막으려면|막을 수|막아요|막는|"
    r"\b(?:cousin|uncle|aunt|wife|husband|mom|dad|mother|father)'?s (?:account|wallet)\b|"
    # Nothing lost, or a deposit that never arrived: "balance is fine", "still zero".
    r"\b(?:balance|funds|assets|coins|everything)\b.{0,10}\b(?:is|are) "
    r"(?:fine|safe|intact|all there)|\bonly my own\b|\bstill (?:zero|empty|0|missing|not)\b|"
    r"资产都在|钱都在|币都在|没有损失|资产没少|被害はありません|被害はない|資産は無事|"
    r"피해는 없|피해 없|자산은 그대로|잔고는 그대로|"
    # What-if questions told by their form in Korean, Japanese and Chinese: a conditional on
    # the incident verb (해킹되면, 털리면, 잃어버리면), a non-past passive asking whether it can
    # happen (乗っ取られることはありますか, 盗まれる可能性), "could it be stolen" without 了.
    r"(?:되|당하|털리|뚫리|바뀌|잃어버리|도난당하)면(?![가-힣])|"
    r"(?:られ|され|まれ)る(?:こと|可能性|の(?:でしょうか|ですか)|んですか)|"
    r"(?:会不会|會不會|可能会|可能會)被(?!\S{0,4}了)|"
    # "Could it still be stolen?"
    r"(?:会|會)(?:不会|不會)?被.{0,4}(?:吗|嗎)|"
    # Unknown tokens that arrived (an airdrop or a dusting), not funds that left.
    r"(?:多了|多出|出现了|\bappeared|\bshowed up|\bpopped up|들어와|생겼|入って|増えて)"
    r".{0,15}(?:代币|\btokens?\b|토큰|トークン)|(?:代币|\btokens?\b|토큰|トークン)"
    r".{0,20}(?:多了|\bappeared|\bshowed up|들어와|입금됐|入って|入ってる|届い)|"
    # The exchange accused of "stealing" by its own decision (a liquidation, a fee); then
    # someone else's case, whoever they are to the customer (support.text.others).
    r"\byou(?: guys| people| lot)? (?:literally |basically |just )?(?:stole|robbed)\b"
    r"|你们(?:就是)?(?:偷|抢)|(?:거래소|너네|니네)(?:가|이)\s*(?:\S+\s*)?(?:훔쳐|도둑)"
    r"|(?:取引所|御社|お前ら)が.{0,10}(?:盗ん|泥棒)|"
    # News, and another exchange where it happened: not this customer's account here. Only
    # where the other exchange is the place or the victim ("on another exchange", 别家交易所被,
    # 다른 거래소에서, 別の取引所で): funds withdrawn *to* another exchange are an incident.
    r"\bnews\b|\b(?:read|heard|saw)(?: that)? (?:another|other|some|an?) (?:\w+ )?exchange\b"
    r"|\b(?:on|at|in|with) (?:another|other|a different|some other) (?:exchange|platform)\b"
    r"|新闻|報道|报道|(?:在|从)(?:别|其他|另一|某)\S{0,2}(?:交易所|平台)"
    r"|(?:别家|别的|其他|另一家|另一个|某|某个|某家|海外|国外)(?:的)?(?:交易所|平台)"
    r"(?:被|遭|的(?:帐号|账号|账户|帐户))"
    r"|뉴스|기사(?:에서|를|보니)|(?:다른|해외|타|외국)\s*거래소(?:가|에서|도|는)"
    r"|ニュース|(?:別の|他の|ほかの|海外の|某)(?:取引所|プラットフォーム)(?:が|で|の(?:アカウント|口座))|"
    + other_person_pattern(),
    re.IGNORECASE,
)
# The incident patterns run on text with traditional Chinese simplified and on text without
# (so Japanese keeps 場合, 友達). A denial counts in either: the pattern also in simplified
# characters (友达の, 场合 in the simplified text) and the clause also simplified (萬一 → 万一).
DENIAL_RE = re.compile(f"{DENIAL_RE.pattern}|{to_simplified(DENIAL_RE.pattern)}", re.IGNORECASE)
# A one-time code given away counts only when someone asked for it: typing one into our own
# site is how signing in works.
CODE_GIVEN_RE = re.compile(
    r"(?:\bcode\b|\botp\b|\b\d ?digit|验证码|谷歌验证|인증 ?번호|\botp\b|コード|\d ?桁)"
    r".{0,40}(?:\bi (?:gave|sent|told|read)\b|\bgave (?:it|him|her|them)\b|\bi did\b|"
    r"\bsent it\b|给了|告诉了|告诉他|念了|唸了|念给|发给|发了|보냈|알려줬|불러줬|알려 ?줬|"
    r"教えてしま|教えちゃ|教えた|送ってしま|送った|伝えた)",
    re.IGNORECASE,
)
ASKER_RE = re.compile(
    r"\b(?:someone|a guy|guy|he|she|they|caller|called|support|admin|agent)\b|自称|客服|管理员|"
    r"有人|他|打电话|전화|관리자|상담원|사람|名乗|電話|人から|管理者",
    re.IGNORECASE,
)
# A notice of a change (an email, a text) the customer says they did not make: "got an email my
# withdrawal address changed, wasn't me", "출금주소 변경 완료 메일 왔는데 저 변경한적 없어요".
SETTING_RE = re.compile(
    r"\dfa|two[- ]factor|authenticator|\botp\b|passkey|anti[- ]phishing|withdrawal address|"
    r"whitelist|phone number|\bemail\b|password|security settings?|api ?(?:key|密钥|金钥|키|キー)|"
    r"谷歌验证|验证器|二次验证|双重验证|两步(?:骤)?验证|双因素|防钓鱼码|提币地址|白名单|手机号|电话号码|"
    r"邮箱|密码|安全设置|"
    r"\d차 ?인증|구글 ?인증|otp|패스키|피싱 ?방지 ?코드|출금 ?주소|화이트리스트|폰 ?번호|"
    r"전화 ?번호|"
    r"이메일|비번|비밀번호|보안 ?설정|"
    r"\d段階認証|二段階認証|パスキー|フィッシング対策コード|出金アドレス|ホワイトリスト|電話番号|"
    r"メールアドレス|パスワード|セキュリティ設定",
    re.IGNORECASE,
)
NOT_BY_ME_RE = re.compile(
    r"\bi (?:didn'?t|didnt|did not) (?:turn|switch|disable|change|add|reset|request|remove|apply"
    r"|touch|do|log ?in|sign ?in|try to (?:log|sign) ?in|ask|make|place|authori[sz]e|approve|sell"
    r"|buy|trade|withdraw|open)\b|"
    # "never" with the past: "i never do kyc" tells a habit, "i never did that" an event.
    r"\bi never (?:turned|switched|disabled|changed|added|reset|requested|removed|applied|touched"
    r"|did|logged ?in|signed ?in|tried to (?:log|sign) ?in|asked|made|placed|authori[sz]ed"
    r"|approved|sold|bought|traded|withdrew|opened)\b|"
    r"\b(?:wasn'?t|was not|that'?s not|it'?s not|not) me\b(?! either)|\bi was (?:asleep|sleeping)\b"
    # Asking who did it: someone did. 谁, 누가 and 誰が with the change they name.
    r"|\bwho (?:changed|turned off|switched off|disabled|removed|added|reset)\b"
    r"|(?:是)?谁(?:给我)?(?:改|关|换|设|删|加|解绑|重置)(?:的|了)|누가\s*(?:\S+\s*){0,3}?(?:바꾼|바꿨|변경"
    r"|해제|껐|끈|추가)|誰が(?:\S{0,8}?)(?:変え|変更|解除|オフに|追加|削除)"
    r"|\bhaven'?t (?:even )?(?:opened|touched|used|logged into) (?:the|my) (?:app|account)|"
    # Things the customer never did (卖过, 买过: the 过 of "never have"), and a change they
    # did not make with a Cantonese verb (熄 "switch off") read as Mandarin.
    r"我(?:自己|本人)?(?:根本|都|也|完全|并|从来|从未)?(?:没|未)(?:有)?(?:卖|买|提|转|下单|交易|授权|操作"
    r"|熄|停用|关闭|解绑|登录|登入)过|"
    r"我.{0,6}?(?:完全|根本|从来)(?:都)?没(?:有)?(?:操作|动过|登录|登入|碰过)|"
    r"我(?:自己|本人)?(?:根本|都|也|完全|并|从来)?没(?:有)?(?:要|想|去)?(?:关|改|加|绑|设|删|申请|动|登录|"
    r"登入|登|操作|重置|请求|解绑|建|创建|新增|开|换)|不是我(?:加|改|关|设|申请|弄|建|开)|"
    r"(?<![가-힣])(?:저는?|제가)\s*(?:로그인|변경|해제|설정|요청|신청)(?:을|를|은|는)?\s*(?:안\s*했|한\s*적"
    r"\s*없|하지\s*않)|"
    r"自分(?:では|で|は|から)?(?:何も)?(?:して|やって|操作して|変更して|解除して|設定して|ログインして)"
    r"(?:い)?(?:ない|ません|おりません)|"
    r"(?:한|끈|바꾼|변경한|신청한|추가한|켠|설정한|산|판|보낸|출금한|매수한|매도한|주문한|거래한|로그인한"
    r"|접속한|요청한|승인한|만든|등록한) ?적(?:이)? ?(?:한\s*번도\s*)?없|"
    r"(?<![가-힣])(?:저|제가|난|나는)\s*(?:reset|리셋|재설정|출금|매도|매수|주문|거래|송금)\s*(?:을|를|은|는)?"
    r"\s*안\s*했|자고\s*있었|자는\s*(?:동안|사이)|(?<![가-힣])제가 (?:바꾼|추가한|"
    r"한) ?(?:거|게) 아니|(?<![가-힣])제가 (?:바꾼|추가한|한) ?(?:거|게) 아님|"
    r"(?:추가|변경|신청) ?안 ?한|"
    r"(?:申請|変更|設定|追加|操作|解除)して(?:ない|いない|ません|おりません)|自分じゃな|私じゃな|"
    r"(?<!自分で)何も(?:して|やって|操作して|触って)(?:い)?(?:ない|ません)|寝て(?:た|いた|ました|る間|いる間)|"
    r"(?:売った|送った|注文した|出金した|買った|操作した)(?:覚え|記憶)(?:は|が|も)?(?:ない|ありません)|"
    r"(?:変えて|作って|外して|消して|(?:オフ|オン|無効|有効)にして|登録して|削除して)(?:い)?"
    r"(?:ない|ません|おりません)",
    re.IGNORECASE,
)
# What happened in the account that a "not by me" can be about, besides its security settings:
# money or coins moved, orders, sales and purchases, the balance, a login or a reset.
ACCOUNT_EVENT_RE = re.compile(
    r"withdr[ae]w|transfer|\border|\btrade|\bsold\b|\bbought\b|\bconvert|\bbalance|\bfunds\b"
    r"|log(?:ged)? ?in|\breset|提币|提现|转出|转走|卖|买|下单|订单|成交|余额|资产|登录|登入|重置"
    r"|出金|출금|송금|매도|매수|주문|팔렸|잔고|잔액|로그인|재설정|리셋|送金|注文|売|買|残高|ログイン"
    r"|リセット",
    re.IGNORECASE,
)
# A notice the customer did not ask for, and nothing came of it ("got a reset email I never
# asked for. nothing changed, I can still log in").
NOTHING_CHANGED_RE = re.compile(
    r"\bnothing (?:has |was |else )?(?:changed|happened|missing|moved)\b"
    r"|\bcan still (?:log|sign) ?in|一切正常|什么都没变|没有任何变化"
    r"|아무\s*(?:변화|일)(?:도|는)?\s*없|何も(?:変わって|起きて)(?:い)?ない",
    re.IGNORECASE,
)
# Coins that arrived unasked (an airdrop, dust): "我冇買過" tells of them, not of a trade.
AIRDROP_RE = re.compile(r"空投|airdrop|\bdust|에어\s*드[랍롭]|エアドロ", re.IGNORECASE)
CLAUSE_END_RE = re.compile(r"[,.;!?，。；！？\n]|\bbut\b|但是|하지만|けど|が、")
# The whole message is about an incident that is over, or about nothing that happened: a past
# case already handled (a document for the police or the tax office), a link clicked with
# nothing typed, a scare that was the customer's own doing. "Again" reopens it.
SETTLED_RE = re.compile(
    r"\bcase closed\b|\balready (?:resolved|handled|closed|sorted)\b|\bthat was me\b|"
    r"\b(?:was|were|got|has been|have been|you(?: guys| all)?|your (?:team|staff|support)|support)"
    r" (?:already |all )?(?:sorted|resolved|fixed|handled|dealt with|taken care of|solved)\b"
    r"(?: (?:it|that|this)(?: out)?)?(?: already)?|"
    r"\bit was me\b|\bwas me (?:this|yesterday|earlier)\b|"
    r"\b(?:didn'?t|dont|don'?t|did not|never) (?:type|enter|typed|entered) (?:anything|my)\b|"
    r"\bhow do(?:es)? (?:hackers|scammers|they|people)\b|\b(?:hasn'?t|hasnt|has not|not) arrived\b|"
    r"处理完|处理好了|已经解决|已解决|什么都没输入|原来(?:是|系|係)我|你哋(?:系咪|係咪)?(?:俾人|"
    r"被)|结果是我自己|历史上|案例|"
    r"你们(?:是不是)?被(?:黑|骇|盗)|叫hack|"
    r"(?:账号|帐号|账户|帐户)(?:看起来|看上去)?(?:都)?正常|\baccount (?:looks|seems) (?:normal|"
    r"fine|ok)|"
    r"계정(?:은|도)? (?:정상|멀쩡)|アカウントは(?:正常|無事)|"
    r"처리 ?끝|처리됐|처리되었|해결됐|해결되었|아무것도 입력 ?안|까먹|깜빡|사례|역사|"
    r"트윗|이라는 코인|대비|"
    r"解決済|対応してもらった|何も入力してない|何も入力していない|対策(?!コード)|自分でした|"
    r"自分だった|"
    # An incident that is behind the customer: the account or the funds came back ("had been
    # hacked but i got it back", 后来找回来了, 복구됐고, 取り戻しました). Only the completed
    # forms: "can i get it back?", 还能找回吗 and 取り戻せますか ask, and are no settled case.
    r"\bgot (?:it|them|everything|it all|(?:my|the) (?:account|coins|funds|money|crypto|btc|"
    r"usdt|access)) back\b|\b(?:was|were|has been|have been|got|you(?: guys)?) (?:fully )?"
    r"(?:restored|recovered|returned|refunded)\b|"
    r"找回来了|已经找回|找回了|追回了|拿回来了|要回来了|(?:账号|帐号|账户|帐户|资产|钱|币)"
    r"(?:已经|都)?恢复了|"
    r"복구\s?(?:됐|되었|됬|받았|완료)|되찾았|돌려\s?받았|"
    r"取り戻(?:しました|せました|した|せた)|復旧(?:しました|できました|した|済)|"
    r"(?:戻って|返って)(?:きました|きた)|"
    # A scare the customer explains away: it turned out to be their own doing, a fee, a
    # recurring buy (原来是…, 알고 보니…, 勘違い). Not when the explanation is someone else.
    r"\bturn(?:ed|s) out (?:it was |to be |that )?(?:just |only )?(?:me|i|my own|my (?:own )?"
    r"(?:withdrawal|transfer|order|recurring|auto)|the (?:fee|fees|network fee|spread)|a fee"
    r"|fees)\b|\bfalse alarm\b|\bnever ?mind\b|"
    r"\b(?:looks like|seems(?: like)?|must have been|i guess|(?:then|but then|and then) (?:i )?"
    r"(?:remembered|reali[sz]ed|saw|noticed|checked)(?: that)?) (?:it(?:'s| was| is)? )?(?:just |"
    r"only )?(?:me|my own\b|my (?:weekly|monthly|daily|recurring|auto|automatic|scheduled|dca)\b|"
    r"the (?:\w+ )?fees?\b|a fee\b|fees\b)|"
    r"(?<!not )\bto my own (?:\w+ )?(?:wallet|address|ledger)\b|"
    r"是(?:每周|每月|每天|每日)?(?:自动)?\S{0,3}?(?:定投|手续费|网络费|矿工费|扣的手续费)|"
    r"(?:積立|自動購入|自動積立|定期購入|手数料|自分の出金|自分の送金)\S{0,4}?(?:でした|だった|のせい)|"
    r"(?:자동\s?매수|자동\s?구매|적립식?|정기\s?구매|수수료|제 출금)\S{0,6}?(?:때문이었|때문이더|"
    r"때문이네|였네요|이었네요|였어요|이었어요|였더라|이었더라|였음|이었음)|"
    r"原来(?:是|系|係)(?!被|有人|别人|黑客|骗)|后来(?:发现|想起来|才想起|才想起来)(?:是)?(?:我|自己)"
    r"|其实(?:都)?是我(?:自己)?|"
    r"알고\s*보니\s*(?!누가|해킹|사기|다른)|(?<![가-힣])제가\s*(?:한|보낸|옮긴|출금한|산)\s*(?:거|것)"
    r"(?:였|이었)|착각|"
    r"勘違い|だけでした|自分で(?:出金|送金|移|注文|変更|ログイン)\S{0,6}(?:ていました|てた|ただけ)",
    re.IGNORECASE,
)
# The customer says they made the change or the move themselves ("i changed my email myself",
# 我自己刚改了手机号, 自分でメールアドレスを変えた, 제가 직접 이메일 바꾼): what follows (a
# notice, a hold, a login alert) is their own doing. Affirmative forms only: 自分ではしていない,
# 我自己没(有)…, 제가 바꾼 적 없 deny having done it, and are incidents.
OWN_ACTION_RE = re.compile(
    r"\bi (?!(?:never|didn'?t|did not|don'?t)\b)(?:\w+ ){0,2}(?:changed|reset|updated|set up|"
    r"turned (?:on|off)|enabled|disabled|added|removed|withdrew|moved|sent|logged in|signed in)"
    r"\b[^.,;!?\n]{0,40}\bmyself\b|\b(?:did|changed|reset|made|set) (?:it|that|this) myself\b|"
    r"我(?:自己|本人)(?!没|沒|都没|都沒|从|從|根本|也没|也沒|并没|並沒|不)(?:刚|剛|刚刚|剛剛|昨天|今天|"
    r"上个月|上個月|早上|先|去|亲自|親自|在\S{0,10}?)?(?:改|换|換|设|設|重置|绑|綁|解绑|解綁|登|提|转|轉|买|"
    r"買|开|開|关|關|加)|"
    r"自分で(?!は)\S{0,16}?(?:変更|変え|設定|ログイン|出金|送金|解除|外し|リセット|登録|追加|購入)"
    r"(?:した|しました|て(?:から|いた|ました)|た(?:後|あと|ら|んです)|ちゃった)|"
    r"직접 (?:바꾼|바꿨|변경했|변경한|설정했|설정한|해제했|해제한)(?! 적| ?(?:거|게|것이) 아니)|"
    r"(?<![가-힣])(?:제가|내가) (?:\S{1,10}\s){0,2}(?:바꾼|변경한|설정한|해제한) "
    r"(?:뒤|후|다음|이후)",
    re.IGNORECASE,
)
REOPENED_RE = re.compile(r"\bagain\b|又|再次|또|다시|また", re.IGNORECASE)
# The three long alternations, read whole on every message: each text is searched only with the
# alternatives whose literal words it holds (support/text/prefilter.py), the matches the same.
INCIDENT_RE = prefiltered(INCIDENT_RE)
DENIAL_RE = prefiltered(DENIAL_RE)
SETTLED_RE = prefiltered(SETTLED_RE)
NOT_BY_ME_RE = prefiltered(NOT_BY_ME_RE)
DENIAL_WINDOW = 40
SECURITY_PROBABILITY = 0.45
CERTAIN_PROBABILITY = 0.8


def incident_phrases(text: str) -> list[str]:
    """The phrases of `text` that report a security incident, denied ones left out.

    Matched on two foldings: with traditional Chinese simplified (one set of Chinese
    patterns) and without (so Japanese kanji such as 勝手 and 乗っ取 keep their form).
    """
    found: list[str] = []
    for folded in dict.fromkeys((normalise(text), fold(text))):
        if _settled(folded):
            return []
        found += [m.group() for m in INCIDENT_RE.finditer(folded) if not _denied(folded, m)]
        found += _told_by_pairs(folded)
    return found


def says_not_by_me(text: str) -> bool:
    """The customer says they did not do something ("i didn't change it", 我没有关, 제가 바꾼
    적 없어요, 自分では何もしていません): whatever the question around it, something happened."""
    readings = dict.fromkeys((normalise(text), fold(text)))
    return any(NOT_BY_ME_RE.search(f) and not NOTHING_CHANGED_RE.search(f) for f in readings)


def settled(text: str) -> bool:
    """The whole message tells an incident that is over, or one that did not happen (a link
    clicked with nothing typed, the customer's own doing), and does not say it happened
    again. Read with traditional Chinese simplified and without, as the incident patterns."""
    return any(_settled(folded) for folded in (normalise(text), fold(text)))


# Cached: analyze() reads it in incident_phrases() and again in is_urgent() (0.2 ms a message).
@functools.lru_cache(maxsize=8)
def _settled(folded: str) -> bool:
    return bool(SETTLED_RE.search(folded)) and not REOPENED_RE.search(folded)


def _told_by_pairs(folded: str) -> list[str]:
    """A code given to someone who asked for it; a change of a security setting the customer
    says they did not make. Each needs both halves in the message and no denial near them."""
    found = []
    code = CODE_GIVEN_RE.search(folded)
    if code and ASKER_RE.search(folded) and not _denied(folded, code):
        found.append(code.group())
    setting, not_me = SETTING_RE.search(folded), NOT_BY_ME_RE.search(folded)
    if not_me is None or _denied(folded, not_me):
        return found
    about_a_setting = setting is not None and not NOTHING_CHANGED_RE.search(folded)
    if about_a_setting or (_an_account_event(folded, not_me) and not _denies(folded)):
        found.append(not_me.group())
    return found


def _an_account_event(folded: str, not_me: re.Match[str]) -> bool:
    """An account event (money moved, an order, the balance, a login) named outside the "not by
    me" itself ("我没有登录" alone is none, "提币了…我没有登录" is), in a message that tells of no
    coins that arrived unasked."""
    rest = folded[: not_me.start()] + " " + folded[not_me.end() :]
    return bool(ACCOUNT_EVENT_RE.search(rest)) and not AIRDROP_RE.search(folded)


def is_urgent(
    *,
    text: str,
    security_probability: float,
    incidents: list[str] | None = None,
    threshold: float = SECURITY_PROBABILITY,
) -> bool:
    """A reported incident, or a message the model finds security-like (at `threshold`) and
    nobody denies. `incidents`: incident_phrases(text), when the caller has them already."""
    if incidents if incidents is not None else incident_phrases(text):
        return True
    if settled(text):
        return False
    if OWN_ACTION_RE.search(fold(text)) or OWN_ACTION_RE.search(normalise(text)):
        return False  # the model's suspicion yields to the customer's own account of it
    if security_probability >= CERTAIN_PROBABILITY:
        return True
    return security_probability >= threshold and not _denies(fold(text))


def _denied(folded: str, match: re.Match[str]) -> bool:
    return clause_denies(folded, match.start(), match.end())


def clause_denies(folded: str, start: int, end: int) -> bool:
    """Whether the clause of `folded` (lower case) holding `folded[start:end]` denies it, makes
    it hypothetical or tells it of someone else."""
    window = max(0, start - DENIAL_WINDOW)
    boundaries = [m.end() for m in CLAUSE_END_RE.finditer(folded, window, start)]
    clause = folded[boundaries[-1] if boundaries else window : end + 10]
    return _denies(clause)


def _denies(text: str) -> bool:
    return bool(DENIAL_RE.search(text) or DENIAL_RE.search(to_simplified(text)))
