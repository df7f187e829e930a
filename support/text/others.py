"""Someone else's case: a friend's, a relative's or a colleague's account, in five languages.

Customers ask about what happened to people they know ("my brother got hacked, what should I
do?", 朋友说他帐号被盗了, 친구가 계정 해킹당했대요, 友達のアカウントが乗っ取られた): the
incident is not theirs and needs no security team. The same people also take over a customer's
account (an ex-partner, a sibling: "my brother logged into my account"), so a relation word
denies an incident only where that person is the one it happened to — their account or
their loss — never where they act on the customer's, nor where they tell the customer about
the customer's own ("my friend says my account is messaging him").

Each language lists its words for the people a customer knows (not only the ones seen in
samples), and `other_person_pattern()` is one alternation that `urgency.DENIAL_RE` includes.
Chinese words are written in both scripts where they differ, because the chat also reads text
that is not folded to simplified.
"""

RELATIONS_EN = (
    "friend|friends|buddy|mate|brother|sister|bro|sis|sibling|mom|mum|mother|dad|father|parent"
    "|parents|wife|husband|spouse|partner|girlfriend|boyfriend|gf|bf|fianc[eé]e?|son|daughter"
    "|kid|cousin|uncle|aunt|auntie|grandma|grandpa|grandmother|grandfather|colleague|coworker"
    "|co-worker|boss|neighbou?r|roommate|flatmate|housemate|classmate|relative|in-laws?|niece"
    "|nephew|client|acquaintance"
)
RELATIONS_ZH = (
    "朋友|好友|闺蜜|閨蜜|哥们|哥們|老婆|老公|妻子|丈夫|太太|媳妇|媳婦|爸爸|妈妈|媽媽|父亲|父親|母亲|母親"
    "|老爸|老妈|老媽|爸|妈|媽|哥哥|姐姐|弟弟|妹妹|兄弟|姐妹|儿子|兒子|女儿|女兒|同事|同学|同學|亲戚|親戚"
    "|表哥|表姐|表弟|表妹|堂哥|堂姐|堂弟|堂妹|邻居|鄰居|室友|男朋友|女朋友|男友|女友|家人|家里人|家裡人"
    "|爷爷|爺爺|奶奶|外婆|外公|舅舅|阿姨|叔叔|网友|網友|客户|客戶|老板|老闆|熟人"
)
RELATIONS_KO = (
    "친구|지인|동생|형|누나|오빠|언니|엄마|아빠|어머니|아버지|부모님|남편|아내|와이프|남친|여친|남자\\s?친구"
    "|여자\\s?친구|동료|사촌|삼촌|이모|고모|아들|딸|할머니|할아버지|가족|룸메|룸메이트|선배|후배|친척"
)
RELATIONS_JA = (
    "友達|友人|知人|家族|妻|(?<!丈)夫|旦那|嫁|母親|父親|母|父|兄|姉|弟|妹|息子|娘|同僚|先輩|後輩|彼氏"
    "|彼女|(?<!両)親|両親|祖母|祖父|親戚|上司|同級生|ルームメイト|主人"
)

_THEIRS_EN = r"(?:account|wallet|phone|funds|coins|crypto|money|balance|exchange account)"
_TO_THEM_EN = (
    r"(?:got|was|were|has been|had been|have been|is being|just got) (?:hacked|scammed|drained"
    r"|phished|robbed|sim[- ]?swapped|compromised|taken over)"
)
_THEIRS_ZH = (
    r"(?:账号|帐号|賬號|帳號|账户|帐户|賬戶|帳戶|钱包|錢包|号|號|户口|戶口"
    r"|手机|手機|资产|資產|币|幣)"
)
_THEIRS_KO = r"(?:계정|계좌|지갑|폰|핸드폰|휴대폰|코인|자산)"
_THEIRS_JA = r"(?:アカウント|口座|ウォレット|スマホ|携帯|資産)"


def other_person_pattern() -> str:
    """The regex source of someone else's case (relation words with their account or their
    loss), lower case, for text folded or not."""
    zh, theirs_zh = RELATIONS_ZH, _THEIRS_ZH
    return "|".join(
        [
            rf"\b(?:{RELATIONS_EN})(?:'s|s'|’s)\s+(?:\w+\s+)?{_THEIRS_EN}\b",
            rf"\b(?:{RELATIONS_EN})\s+(?:\w+\s+)?{_TO_THEM_EN}\b",
            rf"(?:{zh})(?:的|说|說|话|話|讲|講)?(?:他|她)?(?:的)?(?:之前|以前|上次|最近|刚|剛|也)?"
            rf"(?:的)?{theirs_zh}",
            rf"(?:{zh})(?:说|說|话|話|讲|講)?(?:他|她)?(?:也|之前|以前|上次|刚|剛)?被(?:盗|盜|骗|騙|黑|骇"
            rf"|駭|人)",
            rf"(?<![가-힣])(?:{RELATIONS_KO})(?:의|네|가|이|는|은|도)?\s?{_THEIRS_KO}",
            rf"(?<![가-힣])(?:{RELATIONS_KO})(?:가|이|는|은|도)?\s?(?:\S+\s?){{0,2}}(?:당했|털렸|당했다|"
            rf"피해를?\s?(?:입|봤))",
            rf"(?:{RELATIONS_JA})(?:の){_THEIRS_JA}|(?:{RELATIONS_JA})(?:が|も)(?:\S{{0,12}})"
            rf"(?:被害に|乗っ取られ|やられ|盗まれ|ハッキングされ)",
        ]
    )


# People who were close once: an ex-partner who knew the password is a common intruder.
EXES_EN = r"ex|ex-?(?:boyfriend|girlfriend|husband|wife|partner)|former (?:partner|husband|wife)"
EXES_ZH = r"前任|前女友|前男友|前夫|前妻|前度"
EXES_KO = r"전\s?(?:남친|여친|남자\s?친구|여자\s?친구|남편|아내|와이프|애인)"
EXES_JA = r"元カレ|元カノ|元彼|元夫|元妻|元恋人|元旦那"

_INTO_EN = (
    r"(?:logged in(?:to)?|logged on|signed in(?:to)?|got into|accessed|broke into|used|went into"
    r"|went in|withdrew (?:from)?|sent|moved|transferred|took|emptied|drained|changed|reset)"
)
_MINE_ZH = (
    r"(?:我的|我)(?:账号|帐号|賬號|帳號|账户|帐户|賬戶|帳戶|钱包|錢包|户口|戶口"
    r"|币|幣|钱|錢|密码|密碼)"
)
_MINE_KO = r"(?:제|내|저의|나의)\s?(?:계정|계좌|지갑|코인|자산|비번|비밀번호|돈)"
_MINE_JA = r"(?:私|僕|俺|自分)の(?:アカウント|口座|ウォレット|資産|パスワード|コイン|お金)"


def actor_pattern() -> str:
    """The regex source of someone the customer knows acting on the customer's account ("my
    brother logged into my account", 前男友把我的币转走了, 전 남친이 제 계정에 들어가서,
    元カレが私のアカウントに): an incident, whoever they are."""
    zh = f"{RELATIONS_ZH}|{EXES_ZH}"
    ko = f"{RELATIONS_KO}|{EXES_KO}"
    ja = f"{RELATIONS_JA}|{EXES_JA}"
    return "|".join(
        [
            rf"\b(?:{RELATIONS_EN}|{EXES_EN})\b\W{{0,3}}(?:\w+\s+){{0,5}}{_INTO_EN}\s+(?:\w+\s+){{0,2}}my"
            rf"\s+(?:account|wallet|coins|funds|crypto|money|balance|password|2fa|email|usdt|btc|eth)",
            rf"\b(?:{EXES_EN})\b.{{0,80}}\b(?:withdrew|took|moved|sent|transferred|emptied|drained)"
            rf"\s+(?:everything|it all|all (?:of )?(?:it|my))",
            rf"(?:{zh})(?:偷偷|趁我|背着我|背著我)?.{{0,10}}(?:登录|登錄|登入|进了|進了|用了|动了|動了|把|改了|转走|轉走"
            rf"|提走|拿走|偷走).{{0,3}}{_MINE_ZH}|(?:{zh}).{{0,12}}把{_MINE_ZH}.{{0,6}}(?:转走|轉走|提走|拿走"
            rf"|偷走|转到|轉到|提到|卖了|賣了)",
            rf"(?<![가-힣])(?:{ko})(?:가|이|는|은)\s?(?:\S+\s?){{0,3}}{_MINE_KO}(?:에|을|를|로|으로|에서)?\s?"
            rf"(?:\S+\s?){{0,2}}?(?:들어가|들어와|들어갔|접속|로그인|털|빼|가져|보내|보냈|옮기|옮겼|썼|쓰고|사용|바꿨"
            rf"|바꾸|출금|팔았)",
            rf"(?:{ja})(?:が|は).{{0,15}}{_MINE_JA}(?:に|を|から|で)?.{{0,6}}?(?:ログイン|入っ|入られ|アクセス|使っ"
            rf"|使わ|操作|出金|送金|引き出|移し|変更|変え|売っ|売ら)",
        ]
    )
