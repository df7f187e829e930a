"""Is a chat's first message a security incident happening now, or a question about one?

Three readings of the message, in the five languages:

- what an incident in progress looks like beyond the words "hacked" and "stolen": the signs of
  a SIM swap, a seed phrase or code handed to someone, a caller "from support" at work now, a
  "safe wallet", details changed by someone else, a withdrawal notice the customer never asked
  for, a stolen phone still logged in, a balance that went to zero;
- prevention and how-to framing ("how do I stop someone…", 如何防止, 예방하려면, 防ぐには, "if
  my account were hacked…"): a question the help center answers;
- happening-now markers (right now, just, 正在, 刚, 지금, 방금, 今, さっき, a first-person past
  tense): they win over the framing, because a missed incident costs a customer's funds and a
  false alarm only an agent's minute.

`is_incident` combines them with the text analysis (the ticket's urgent flag and the category
model); when unsure it says yes.
"""

import re
import unicodedata

from livechat import intents
from support.text import Analysis
from support.text.analysis import classify
from support.text.cantonese import fold_cantonese
from support.text.urgency import (
    clause_denies,
    incident_phrases,
    is_urgent,
    says_not_by_me,
    settled,
)

# The model's security probability that hands a chat to the security team: lower than the
# ticket's flag (support.text.urgency, 0.4), because a chat is a customer waiting now and a
# missed incident costs funds, a false alarm an agent's minute. Chosen on the tune half of
# bench/data/chat-fresh.jsonl before the incident signs were added (0.35: two more incidents,
# no false alarm; 0.3: three more, one false alarm).
SECURITY_PROBABILITY = 0.35


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


_NEVER_SHARED_EN = (
    r"(?:seed|recovery|secret|backup|mnemonic)(?: phrase| words?| key| code)?|private key"
    r"|2fa(?: code)?|otp|one[- ]time (?:code|password)|verification code|sms code"
    r"|authenticator(?: code| key| backup)?|google auth\w*(?: code)?|(?:the |a |my )?codes?"
    r"|password|passcode|12 words|24 words"
)
_NEVER_SHARED_ZH = (
    r"助记词|助記詞|私钥|私鑰|验证码|驗證碼|谷歌验证|谷歌驗證|2fa|otp|动态码|動態碼|密码|密碼"
    r"|恢复短语|恢復短語|备份密钥|備份密鑰"
)
_NEVER_SHARED_KO = (
    r"시드|복구\s*(?:문구|구문|단어)|니모닉|개인\s*키|프라이빗\s*키|인증\s*(?:번호|코드)|otp"
    r"|2fa|구글\s*(?:인증|otp)|비밀번호|비번|백업\s*키"
)
_NEVER_SHARED_JA = (
    r"シード|復元フレーズ|リカバリーフレーズ|秘密鍵|認証コード|確認コード|ワンタイム|2fa|otp"
    r"|二段階認証|2段階認証|パスワード|バックアップキー|暗証番号|(?:sms|メール)の?コード"
)

_FOREIGN_PAGE_EN = (
    r"(?:fake|phishing|scam|fraud|suspicious|strange|weird|cloned|copied|look-?alike|another)\s+"
    r"(?:site|website|page|link|app|form|wallet|extension)|(?:site|website|page|link|form|popup"
    r"|pop-up|extension|airdrop|dapp|bot) (?:that|which|from|in|on)|\b(?:telegram|discord|"
    r"whatsapp|a link|a site|a website|a form|a popup|a dapp|an airdrop)\b"
)
_FOREIGN_PAGE_ZH = (
    r"网站|網站|网页|網頁|链接|連結|鏈接|页面|頁面|假|钓鱼|釣魚|钱包插件|錢包插件|空投|电报|電報"
)
_FOREIGN_PAGE_KO = r"사이트|링크|페이지|가짜|피싱|텔레그램|카톡|디스코드|에어드랍|지갑\s*앱"
_FOREIGN_PAGE_JA = r"サイト|リンク|ページ|偽|フィッシング|テレグラム|ディスコード|エアドロップ|line"

IN_PROGRESS = _compile(
    [
        # A secret handed to someone, or typed into a page that is not ours. Entering a code
        # alone is how every login works: only a foreign page makes it an incident.
        rf"\b(?:i|i've|i have|i just|just|accidentally|mistakenly)\s+(?:\w+\s+)?(?:gave|given|"
        rf"told|read out|handed|showed|dictated|(?:sent|shared|forwarded)\s+(?:him|her|them|"
        rf"someone|somebody|a guy|the guy|the caller|the scammer|this person))\b.{{0,40}}\b"
        rf"(?:{_NEVER_SHARED_EN})\b",
        r"\b(?:entered|typed|pasted|put|filled in|submitted|imported)\b.{0,30}\b(?:seed|"
        r"recovery|secret|mnemonic|backup) (?:phrase|words|key)\b.{0,20}\b(?:into|in|on)\b"
        r".{0,40}\b(?:site|website|page|link|form|extension|bot|dapp|popup|pop-up)\b",
        rf"\b(?:{_NEVER_SHARED_EN})\b.{{0,30}}\b(?:to (?:a|the|this|some|that|him|her|them)\b"
        rf"|over the phone)",
        rf"\b(?:entered|typed|pasted|put|filled in|submitted|connected)\b.{{0,40}}\b"
        rf"(?:{_NEVER_SHARED_EN})\b.{{0,40}}\b(?:{_FOREIGN_PAGE_EN})",
        rf"\b(?:{_FOREIGN_PAGE_EN}).{{0,60}}\b(?:entered|typed|pasted|put in|filled in|"
        rf"submitted)\b.{{0,30}}\b(?:{_NEVER_SHARED_EN})\b",
        rf"(?:{_NEVER_SHARED_ZH}).{{0,12}}(?:给了|給了|告诉|告訴|发给|發給|传给|傳給|念给|唸給|说给|"
        rf"說給|交给|交給)|(?:给了|給了|告诉|告訴|发给|發給)(?:了)?(?:他|她|对方|對方|别人|別人|骗子"
        rf"|騙子)?.{{0,6}}(?:{_NEVER_SHARED_ZH})",
        rf"(?:{_FOREIGN_PAGE_ZH}).{{0,20}}(?:输入|輸入|填|填写|填寫|提交|导入|導入).{{0,10}}"
        rf"(?:{_NEVER_SHARED_ZH})|(?:{_NEVER_SHARED_ZH}).{{0,12}}(?:输入到|輸入到|填到|填进|填進|"
        rf"导入到|導入到|提交到).{{0,10}}(?:{_FOREIGN_PAGE_ZH})",
        rf"(?:{_NEVER_SHARED_KO}).{{0,15}}(?:알려\s*(?:줬|주었|드렸|버렸)|알려줬|보내\s*(?:줬|버렸|드렸)"
        rf"|보냈|넘겨|넘겼|불러\s*(?:줬|드렸)|전달했|공유했)",
        rf"(?:{_FOREIGN_PAGE_KO}).{{0,25}}(?:{_NEVER_SHARED_KO}).{{0,15}}(?:입력|적어|적었|넣었|"
        rf"붙여)",
        rf"(?:{_NEVER_SHARED_JA}).{{0,15}}(?:を)?(?:教え|伝え|送っ|送信し|渡し|読み上げ|共有し)"
        rf"(?:た|て(?:しま|しまい)|ました|ちゃ)",
        rf"(?:{_FOREIGN_PAGE_JA}).{{0,25}}(?:{_NEVER_SHARED_JA}).{{0,15}}(?:入力|貼り付け|登録)"
        rf"(?:した|して(?:しま)|しました|しちゃ)",
        # A caller or contact "from support" at work now, a "safe wallet".
        r"\bsafe (?:wallet|account|address)\b|\bsecure (?:wallet|account) (?:they|he|she)\b",
        r"\b(?:claim\w*|says?|said|pretend\w*|posing|saying)\b.{0,25}\b(?:support|your "
        r"(?:exchange|team|staff|company)|from (?:the |your )?(?:exchange|support|security))\b"
        r".{0,80}\b(?:now|right now|currently|asking|asks|wants|told me|walking me|"
        r"just|logged|moving|move|send|transfer)\b",
        rf"\b(?:caller|someone|somebody|a (?:guy|man|woman|person|lady)|he|she|they|scammer|"
        rf"agent|support|staff)\b.{{0,40}}\b(?:asking|asks|asked|wants|wanted|told me|telling me|"
        rf"keeps asking)\b.{{0,30}}\b(?:{_NEVER_SHARED_EN})\b",
        r"\bscam\w*\b.{0,40}\b(?:on the (?:phone|line)|calling|called|right now|asking me|"
        r"asks me|wants my)\b",
        r"\b(?:on the (?:phone|line)|calling me|called me)\b.{0,60}\b(?:code|otp|seed|password|"
        r"transfer|move my|send)\b",
        r"安全(?:账户|賬戶|帐户|帳戶|钱包|錢包|地址)|(?:骗子|騙子|诈骗|詐騙|冒充|假冒|自称|自稱).{0,20}"
        r"(?:电话|電話|正在|现在|現在|要我|让我|讓我|叫我)",
        r"안전(?:한)?\s*(?:지갑|계좌|주소)|(?:사기꾼|사칭|보이스피싱).{0,20}(?:전화|지금|달래|"
        r"요구|보내라|알려\s*달)|(?:전화|통화).{0,20}(?:otp|인증\s*번호|시드).{0,10}(?:달래|알려\s*달"
        r"|불러\s*달|요구)",
        r"安全な(?:ウォレット|口座|アドレス)|(?:詐欺師|なりすまし|名乗る|を名乗).{0,30}(?:電話|今|"
        r"送れ|教えろ|教えて|求め)",
        # A call or message from someone claiming to be us, wanting a code or a phrase.
        rf"\A(?=[\s\S]*\b(?:{_NEVER_SHARED_EN})\b)"
        rf"(?=[\s\S]*\b(?:called|calling|caller|call from|a call|"
        rf"on the (?:phone|line)|phoned|telegram|whatsapp|dm'?d|texted me|messaged me)\b)"
        rf"[\s\S]*\b(?:says?|said|saying|claim\w*|pretend\w*|from your|from the exchange|needs|"
        rf"asking|asks|asked|wants|requesting|demand\w*|waiting)\b",
        rf"\A(?=[\s\S]*(?:{_NEVER_SHARED_ZH}))(?=[\s\S]*(?:电话(?!号)|電話(?!號)|打来|打來|来电|來電|私信|"
        rf"电报|電報|微信|whatsapp|telegram))[\s\S]*(?:说是|說是|自称|自稱|冒充|官方|要我|让我|讓我|叫我|"
        rf"催|报|報|念|唸|索要|跟我要)",
        rf"\A(?=[\s\S]*(?:{_NEVER_SHARED_KO}))(?=[\s\S]*(?:전화(?!\s*번호)|통화|문자|카톡|텔레그램|dm|메시지))"
        rf"[\s\S]*(?:이라고|라고|라며|라는|래요|래서|사칭|달래|달라고|알려\s*달|불러\s*달"
        rf"|보내\s*(?:라|래)|요구|물어|묻)",
        rf"\A(?=[\s\S]*(?:{_NEVER_SHARED_JA}))(?=[\s\S]*(?:電話(?!番号)|通話|sms|line|dm|メッセージ|テレグラム))"
        rf"[\s\S]*(?:名乗|だという|と(?:言|い)う|と称|の者|聞かれ|求め|教えて|伝えて|言われ|要求"
        rf"|催促)",
        # A login from somewhere the customer is not.
        r"\b(?:log ?in|sign[- ]?in|access)\b.{0,10}\bfrom\b.{0,40}\b(?:i'?m (?:in|at)|i am "
        r"(?:in|at)|i live in|i'?ve never been|never been)\b|\b(?:a|an|the|new|recent|saw|see|"
        r"there'?s|there (?:is|was|were))\s+(?:new\s+)?(?:log ?in|sign[- ]?in)s?(?: attempts?)?"
        r" from (?:another|a "
        r"different|a foreign|an unknown|a strange) (?:country|city|location|place|ip|device)\b",
        r"(?:해외|다른\s*(?:나라|지역|기기|폰))(?:에서)?\s*(?:로그인|접속)",
        r"(?:海外|別の国|知らない場所|外国)から(?:の)?(?:ログイン|アクセス)",
        # Funds leaving now, a wallet connected to a drainer.
        r"\b(?:funds|coins|tokens|crypto|money|balance|usdt|btc|eth|assets)\b.{0,15}\b(?:are|is|"
        r"keep|keeps)\s+(?:leaving|going out|being (?:sent|moved|withdrawn|transferred|drained)|"
        r"disappearing|draining)",
        r"\bconnected (?:my )?wallet to\b.{0,40}\b(?:site|airdrop|dapp|link|page)\b",
        # Signs of a SIM swap: no signal, then resets and codes the customer did not ask for.
        r"\b(?:no (?:signal|service|bars)|sim (?:stopped|died|deactivated|not working))\b"
        r".{0,80}\b(?:reset|code|otp|password|login|email)",
        r"(?:没信号|沒信號|没有信号|沒有訊號|无服务|無服務|sim卡?(?:失效|没用|沒用)).{0,30}"
        r"(?:重置|验证码|驗證碼|密码|密碼|登录|登錄)|换卡|換卡|被补卡|被補卡",
        r"(?:신호가?\s*(?:안|없)|서비스\s*안\s*됨|먹통|유심이?\s*(?:안|먹통)).{0,30}"
        r"(?:재설정|인증|비밀번호|로그인)",
        r"(?:圏外|電波が(?:来|入ら|な)|simが(?:使え|無効)).{0,30}(?:リセット|認証|パスワード|ログイン)",
        # Details changed by someone else, a notice the customer never asked for.
        r"\b(?:phone(?: number)?|email|password|2fa|authenticator|withdrawal address)\b.{0,30}"
        r"\b(?:was|were|got|has been|have been)\s+(?:changed|reset|removed|disabled|replaced)"
        r"\b.{0,40}\b(?:by someone|by somebody|not by me|without me|i didn'?t|i did not|"
        r"can'?t (?:log|sign) ?in|cannot (?:log|sign) ?in|locked out|can'?t access)",
        r"\b(?:email|phone number|password)\b.{0,30}\b(?:not mine|isn'?t mine|someone else'?s)\b",
        r"\bi (?:didn'?t|did not|never) change (?:it|them|my|the)\b",
        r"我(?:没有?|沒有?)(?:改|换|換|修改)(?:过|過)?|不是我(?:改|换|換)的?",
        r"제가\s*(?:안|변경\s*안|바꾸지\s*않)\s*(?:바꿨|했|았)",
        r"(?:私|自分)(?:は|で)?(?:変更|操作|ログイン|出金)(?:して(?:い)?ません|していない|してない)",
        r"\b(?:email|notice|notification|sms|text|confirmation)\b.{0,40}\b(?:i (?:didn'?t|did "
        r"not|never) (?:request|ask|make|start|initiate))",
        r"(?:没有?|沒有?|并未|並未|未曾)(?:申请|申請|请求|請求|发起|發起|操作)(?:过|過)?的.{0,8}"
        r"(?:提币|提幣|提现|提現|转账|轉帳|出金|登录|登錄|确认|確認)",
        r"(?:手机号|手機號|手机|手機|电话号码|電話號碼|邮箱|郵箱|信箱|密码|密碼).{0,8}(?:被(?:人|别人"
        r"|別人|他人|陌生人)?|让人|讓人)(?:改|换|換|更改|修改|重置|解绑|解綁)",
        r"(?:没|沒)(?:有)?(?:加|添加|创建|創建|建立|绑定|綁定|设置|設置|开|開)(?:过|過)的.{0,8}"
        r"(?:地址|api|设备|設備|装置|裝置|密钥|密鑰)",
        r"\b(?:api key|withdrawal address|whitelist(?:ed)? address|address|device)\b.{0,40}"
        r"\b(?:added|created|whitelisted|linked|authori[sz]ed)\b.{0,40}(?:\bisn'?t mine|\bnot mine"
        r"|\bi didn'?t|\bi did not|\bwasn'?t me|\bnot me|\bnever\b)",
        r"(?:요청|신청)(?:한|하지)\s*(?:적\s*)?(?:없는|않은|않았는데).{0,10}(?:출금|송금|로그인|인증)",
        r"(?:전화\s*번호|휴대폰\s*번호|번호|이메일|비밀번호|otp).{0,12}(?:다른\s*\S+로\s*)?"
        r"(?:바뀌(?:었|어)|변경(?:되어|됐|되었))",
        r"(?:申請|依頼|リクエスト|操作)(?:して|も)?(?:い)?ない.{0,8}(?:出金|送金|ログイン|確認メール)",
        r"(?:電話番号|メールアドレス|パスワード|二段階認証).{0,10}(?:が|を)?(?:勝手に|知らない間に)?"
        r"(?:変更されて|変えられて|変わって(?:いま|る))",
        # A stolen device, funds leaving or gone.
        r"\b(?:phone|laptop|device|computer|ipad|tablet)\b.{0,20}\b(?:stolen|snatched|"
        r"was taken)\b|\bstole my (?:phone|laptop|device)\b",
        r"\b(?:lost|left|dropped|misplaced|missing)\b.{0,30}\b(?:phone|laptop|device|computer|"
        r"ipad|tablet)\b.{0,60}\b(?:still )?(?:logged|signed) (?:in|on)\b",
        r"(?:手机|手機|电脑|電腦|平板).{0,6}(?:被偷|被抢|被搶|偷了|丢了|丟了|不见了|不見了)"
        r"|被偷|(?:丢了|丟了|不见了|不見了).{0,20}(?:登录着|登入著|登錄著|还登|還登|没退出|沒登出)",
        r"(?:폰|휴대폰|핸드폰|노트북|태블릿).{0,6}(?:잃어버렸|분실했|잃어버려서).{0,40}로그인",
        r"(?:スマホ|携帯|パソコン|pc|端末).{0,6}(?:なくし|紛失し|落とし).{0,40}ログイン",
        r"도난|털렸|털리|털려|탈취",
        r"(?:スマホ|携帯|パソコン|pc|端末).{0,8}(?:盗まれ|盗難|ひったくられ|取られ)|盗難",
        r"\b(?:balance|wallet|account)\b.{0,20}\b(?:is|shows|went to|now)\s+(?:0|zero|empty)\b",
        r"(?:正在|正被|一直在)被?.{0,4}(?:转|轉|提|盗|盜|登录|登錄|卖|賣)|被(?:转|轉)(?:币|幣|走)"
        r"|余额.{0,4}(?:变成|變成|只剩|归)0|余额为0|餘額(?:變成|只剩)?0",
        r"(?:잔고|잔액|자산).{0,8}0(?:원|이|으로|개)",
        r"残高.{0,6}(?:0|ゼロ)(?:に|円)",
    ]
)

# A wallet's own secret (recovery phrase, private key) has one use: restoring the wallet. Told,
# sent, shown, posted or leaked to anyone, it is an incident wherever it went; typed or imported
# somewhere, it is one when the page is not ours, when someone asked for it or when the customer
# says it was a mistake (the regretting aspect: "accidentally", 不小心, -아 버렸다, 〜てしまった).
_WALLET_PHRASE_EN = (
    r"(?:seed|recovery|secret|backup|mnemonic|wallet) (?:phrase|words?)|seed|mnemonic"
    r"|private keys?|(?:12|24|twelve|twenty-four)[- ]words?"
)
_WALLET_PHRASE_ZH = r"助记词|助記詞|私钥|私鑰|恢复短语|恢復短語|种子短语|種子短語|钱包密语|錢包密語"
_WALLET_PHRASE_KO = (
    r"시드(?:\s*(?:문구|구문|단어|키))?|복구\s*(?:문구|구문|단어|키)|니모닉|개인\s*키|프라이빗\s*키"
    r"|비밀\s*키"
)
_WALLET_PHRASE_JA = (
    r"シード(?:フレーズ)?|復元フレーズ|リカバリー(?:フレーズ|キー)|秘密鍵|プライベートキー|ニーモニック"
    r"|バックアップフレーズ"
)
_NOT_NEGATED_EN = r"(?<!never )(?<!n't )(?<!not )(?<!to )"
SECRET_GIVEN_AWAY = _compile(
    [
        rf"\b{_NOT_NEGATED_EN}(?:gave|given|gave away|told|sent|shared|posted|pasted|showed|shown"
        rf"|read out|dictated|leaked|exposed|revealed|disclosed|handed|forwarded|screenshot(?:ted)?"
        rf"|photographed|uploaded|emailed|texted|dm'?d|messaged)\b.{{0,30}}\b"
        rf"(?:{_WALLET_PHRASE_EN})\b",
        rf"\b(?:{_WALLET_PHRASE_EN})\b.{{0,20}}\b(?:was|were|got|has been|have been|is|are|may have"
        rf" been|might have been)\s+(?:leaked|exposed|stolen|compromised|shared|seen|taken|copied"
        rf"|found|posted|photographed)\b",
        rf"(?<!\bi )(?<!\bwe )(?<!\byou )\b(?:has|have|got|knows?|now has|saw|took|stole|copied)"
        rf"\s+(?:my|our)\s+(?:{_WALLET_PHRASE_EN})",
        rf"\b(?:validat\w*|synchroni[sz]\w*|sync\w*|rectif\w*|claim\w*|airdrop)\b.{{0,60}}\b"
        rf"(?:{_WALLET_PHRASE_EN})\b|\b(?:{_WALLET_PHRASE_EN})\b.{{0,60}}\b(?:validat\w*|sync\w*"
        rf"|claim\w*|airdrop)",
        rf"\b(?:accidentally|mistakenly|by mistake|by accident|stupidly)\b.{{0,60}}\b"
        rf"(?:{_WALLET_PHRASE_EN})\b|\b(?:{_WALLET_PHRASE_EN})\b.{{0,60}}\b(?:by mistake"
        rf"|by accident)\b",
        # 把助记词发给了…, 私钥复制到…网站, 助记词泄露了, 按照对方的要求填写了助记词.
        rf"(?:{_WALLET_PHRASE_ZH}).{{0,15}}(?<![没沒不未别別])(?:给了|給了|发给|發給|发到|發到|传给|傳給"
        rf"|告诉|告訴|截图|截圖|拍照|拍给|拍給|贴到|貼到|贴在|貼在|粘贴到|粘貼到|复制到|複製到|泄露|洩露"
        rf"|泄漏|洩漏|外泄|外洩|被(?:人|别人|別人)?(?:看到|拿到|知道|偷|盗|盜)|发出去|發出去|念给|唸給"
        rf"|交给|交給|提供给|提供給|发过去|發過去|传过去|傳過去)",
        rf"(?:对方|對方|他|她|客服|骗子|騙子|管理员|管理員)(?:的)?(?:要求|指示|说的|說的|让我|讓我|叫我)"
        rf".{{0,15}}(?:填|输入|輸入|导入|導入|提供|发|發|告诉|告訴|给|給).{{0,6}}(?:{_WALLET_PHRASE_ZH})"
        rf"|(?:对方|對方|他|她|客服|骗子|騙子|管理员|管理員)(?:的)?(?:要求|指示|让我|讓我|叫我).{{0,6}}"
        rf"(?:把|将|將)?(?:{_WALLET_PHRASE_ZH}).{{0,10}}(?:发|發|给|給|告诉|告訴|填|输入|輸入|提供|传|傳|贴"
        rf"|貼)",
        rf"不小心.{{0,20}}(?:{_WALLET_PHRASE_ZH})",
        # 시드 문구를 알려줬어요, 복구 문구가 유출됐어요, 시드 문구를 어떤 사이트에 입력했어요.
        rf"(?:{_WALLET_PHRASE_KO}).{{0,25}}(?<!안 )(?<!안)(?<!못 )(?:알려\s*(?:줬|주었|드렸|버렸)"
        rf"|보냈|보내\s*(?:줬|버렸|드렸)|넘겨\s*(?:줬|버렸|드렸)|넘겼|공유했|공유해\s*버렸|유출|노출"
        rf"|털렸|붙여\s*넣었|찍어\s*(?:보냈|줬)|캡처|전송했|보여\s*(?:줬|드렸)|올렸|입력해\s*버렸"
        rf"|줘\s*버렸)",
        rf"(?:{_WALLET_PHRASE_KO}).{{0,25}}(?:{_FOREIGN_PAGE_KO}).{{0,15}}(?:입력|적었|넣었|붙여)"
        rf"|(?:{_FOREIGN_PAGE_KO}).{{0,25}}(?:{_WALLET_PHRASE_KO}).{{0,15}}(?:입력|적었|넣었|붙여)",
        # シードフレーズを教えてしまった, 秘密鍵を送りました, 復元フレーズが漏れた,
        # 入力してしまった.
        rf"(?:{_WALLET_PHRASE_JA}).{{0,25}}(?:(?:教え|伝え|送っ|送り|送信し|渡し|見せ|共有し|撮っ|載せ"
        rf"|書き込ん|読み上げ)(?:た|ちゃ|まし|てしま|ちまっ)|漏れ|漏洩|流出|知られ|盗まれ|バレ|(?:入力し|入れ"
        rf"|貼り付け|打ち込ん)(?:て(?:しま|しまい|しまっ)|ちゃ|ちまっ))",
        rf"(?:{_WALLET_PHRASE_JA}).{{0,25}}(?:{_FOREIGN_PAGE_JA}).{{0,15}}(?:入力|入れ|貼り付け)"
        rf"|(?:{_FOREIGN_PAGE_JA}).{{0,25}}(?:{_WALLET_PHRASE_JA}).{{0,15}}(?:入力|入れ|貼り付け)",
    ]
)

# Someone else at the controls: a remote-access tool installed or connected at someone's
# request ("support" scams ask for one).
REMOTE_ACCESS = _compile(
    [
        r"\b(?:asked|told|wanted|made|had|got|getting|walked) me (?:to )?(?:install|download|open"
        r"|use|share)\b.{0,30}\b(?:remote|anydesk|teamviewer|screen)",
        r"\b(?:installed|downloaded|gave (?:them|him|her) access|connected)\b.{0,40}\b(?:anydesk"
        r"|teamviewer|remote|screen ?shar)",
        r"\b(?:anydesk|teamviewer|remote (?:access|control|desktop))\b.{0,40}\b(?:installed"
        r"|connected|controlling|moving|on my (?:computer|phone|pc|laptop)|now|still)\b",
        r"远程(?:控制|操作|协助)|遠程(?:控制|操作|協助)|遠端(?:控制|操作|遙控)|(?:下载|下載|安装|安裝)了?"
        r".{0,10}(?:向日葵|anydesk|teamviewer|远程|遠程|遠端|屏幕共享|螢幕分享)|共享屏幕|屏幕共享",
        r"원격\s*(?:제어|조종|접속|앱|프로그램|지원)|팀뷰어|애니데스크|화면\s*공유",
        r"遠隔(?:操作|サポート)|リモート(?:操作|アクセス|デスクトップ)|画面共有",
    ]
)

PREVENTION = _compile(
    [
        r"\bhow (?:do|can|should|would|could) (?:i|we|you|one)\b.{0,30}\b(?:stop|prevent|avoid|"
        r"protect|secure|keep|guard|make sure|spot|recogni[sz]e|tell if|know if|check if)\b",
        r"\bhow to (?:stop|prevent|avoid|protect|secure|keep|spot|recogni[sz]e)\b",
        r"^\s*(?:can|could|may|should|shall|do|would|will) (?:i|we)\b[^.!]*\?\s*$",
        r"\b(?:safe|dangerous|risky|legit)\s*\?\s*$",
        r"\b(?:ways?|tips?|best practices?|steps?) to (?:stop|prevent|avoid|protect|secure|keep|"
        r"guard|lock)\b",
        r"\b(?:do|does|will|would) (?:support|your staff|you|the exchange|your team|an? agent)"
        r"\b.{0,10}\b(?:ask|call|request|need)\b.{0,60}\?",
        r"\b(?:will|would|do|does|did|can|could|should)\b[^.!?]{0,60}\bever\b[^.!?]{0,80}\?",
        r"\bis it (?:ok|okay|safe|normal|legit|fine|possible|true) (?:to|for|that|if)\b",
        r"\b(?:what (?:if|happens if|should i do if|do i do if|to do if)|in case|just in case|"
        r"suppose|hypothetically)\b",
        r"^\s*if\b|\bif (?:my|someone|somebody|a|an|i|they|scammers|hackers)\b",
        r"\bcan (?:scammers|hackers|someone|somebody|anyone|people|they)\b.{0,40}\?",
        r"\b(?:is it|are they) (?:possible|safe)\b",
        r"(?:怎样|怎麼|怎么|如何|要怎|该怎|該怎).{0,6}(?:防止|避免|预防|預防|防范|防範|保护|保護|"
        r"識別|识别|辨别|辨別)|(?:防止|避免|预防|預防|防范|防範).{0,12}(?:吗|嗎|？|\?|方法|办法|辦法)",
        r"^(?:请问|請問)?(?:我)?(?:可以|能|能不能|可不可以|应该|應該|该不该|該不該|要不要)[^。！!]{0,40}"
        r"[？?]\s*$|(?:会|會)(?:不会|不會)?[^。！!]{0,30}(?:吗|嗎)[？?]?\s*$",
        r"(?:可以|能不能|可不可以|能否|应该|應該|该不该|該不該|要不要)[^。！!]{0,30}(?:吗|嗎|么|麼)[？?]?\s*$"
        r"|(?:安全|可靠|靠谱|靠譜|危险|危險|正常|可信)(?:吗|嗎|么|麼|不)[？?]?\s*$",
        r"^(?:如果|万一|萬一|要是|假如|假设|假設)|(?:如果|万一|萬一|要是|假如)(?:我的?|账户|帳戶|"
        r"账号|帳號|有人)",
        r"(?:예방|방지|막으려면|막는\s*(?:법|방법)|지키려면|안\s*당하려면)|미리\s*알아|혹시\s*"
        r"(?:모르니|몰라서)|당하면\s*어떻게|(?:되면|당하면|생기면)\s*(?:어떻게|뭘|무엇)",
        r"(?:해도|줘도|보내도|입력해도|알려\s*줘도)\s*(?:되나요|돼요|될까요|괜찮)|기도\s*하나요"
        r"|(?:경우|일)(?:가|이|도)\s*있나요|(?:위험|안전|괜찮)(?:한가요|할까요|하나요|합니까|해요\s*\?)",
        r"(?:防ぐ|防止|予防|守る|対策|見分け)(?:には|ため|方法|ために|したい|は)|念のため|(?<![かもでと])もし(?![れてたま])|"
        r"(?:られたら|されたら|なったら).{0,10}(?:どう|何を|まず)",
        r"こと(?:は|が|って|も)(?:あります|ある)|(?:ても|でも)(?:大丈夫|いい|良い|問題(?:ない|ありません))"
        r"|(?:安全|危険|大丈夫)(?:ですか|でしょうか|なの)",
    ]
)

# Markers of something happening now or just over, in the customer's own account.
HAPPENING_NOW = _compile(
    [
        r"\b(?:right now|just now|at the moment|currently|as we speak|as i type|is happening|"
        r"still on the (?:line|phone)|on the (?:line|phone) (?:now|with)|"
        r"still logged in|is being|are being|keeps? (?:logging|withdrawing|sending)|help me now)\b",
        r"\b(?:i|we) (?:just|already) (?:gave|sent|told|entered|typed|clicked|lost)\b",
        r"\b(?:my|the) (?:account|wallet|phone|funds|coins|balance|btc|usdt|eth)\b.{0,20}\b(?:was|"
        r"were|got|has been|have been|is being)\b",
        r"\b(?:someone|somebody|he|she|they|the scammer)\b.{0,10}\b(?:is|are|has|have|just)\b",
        r"(?<!getting )(?<!get )(?<!being )\b(?:stole|drained|emptied|withdrew|hacked|took over"
        r"|logged into|changed my)\b",
        r"\b(?:he|she|they|someone)(?:'s|'re)\b|\bjust (?:now|came|got|happened|received|"
        r"logged|gave|sent|lost|noticed|saw|called)\b",
        r"正在|刚刚|剛剛|刚才|剛才|现在|現在|已经|已經|马上|馬上|快帮|快幫|了[，,。！!]|了$",
        r"지금|방금|벌써|이미|되고\s*있|하고\s*있|당했|됐어|되었|했어요|빨리|급해",
        r"今すぐ|今まさに|ただいま|さっき|たった今|すでに|しまった|しまいました|されています|されました|ました|急いで",
    ]
)


# A conditional clause ("if my phone is stolen", 万一手机丢了, 잃어버리면, もし…たら) describes
# what has not happened: its verbs are no happening-now markers.
CONDITION = _compile(
    [
        r"\b(?:if|in case|suppose|supposing|what if|should)\b[^,.;?!]{0,160}",
        r"(?:如果|万一|萬一|要是|假如|假设|假設|若是)[^，,。？?！!；;]{0,60}",
        r"(?:[^,.?!\s]+\s+){0,8}[^,.?!\s]*(?:으면|면)(?=\s|$)",
        # もし is "if" only where かもしれない and 〜もしてない do not hold it.
        r"(?<![かもでと])もし(?![れてたま])[^、。？?！!]{0,60}|[^、。？?！!]{0,60}(?:たら|れば|なら)(?=[、,\s]|$)",
    ]
)


# What the patterns read of a message: an incident is told at its start, and a customer can
# send a long message; the text analysis (analysis.urgent) still reads the whole of it.
SCAN_LIMIT = 2_000


def _clean(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text[: SCAN_LIMIT * 2]).split())[:SCAN_LIMIT]


def _outside_conditions(text: str) -> str:
    return CONDITION.sub(" ", text)


SIGNS = (IN_PROGRESS, SECRET_GIVEN_AWAY, REMOTE_ACCESS, *intents.SECURITY)


def reports_incident(text: str) -> bool:
    """Phrases that report an incident (the ticket's incident patterns, the chat's own, and
    the signs above), read as the ticket's are: not in a message about a case that is over,
    nor in a clause that denies it or tells it of someone else."""
    cleaned = _clean(text).lower()
    if settled(cleaned):
        return False
    for reading in dict.fromkeys((cleaned, fold_cantonese(cleaned))):
        for pattern in SIGNS:
            matches = pattern.finditer(reading)
            if any(not clause_denies(reading, m.start(), m.end()) for m in matches):
                return True
    return bool(incident_phrases(cleaned))


def asks_about_prevention(text: str) -> bool:
    """A how-to or hypothetical question about an incident, with nothing happening now."""
    cleaned = _clean(text)
    if not PREVENTION.search(cleaned):
        return False
    outside = _outside_conditions(cleaned)
    return not HAPPENING_NOW.search(outside) and not says_not_by_me(outside)


REPORTED = "reported"  # told in words or by its signs
MODEL_ONLY = "model_only"  # only the category model finds it security-like


def is_incident(*, text: str, analysis: Analysis) -> bool:
    """Urgent handoff: an incident reported or the analysis finds one, unless the message only
    asks how to prevent or handle one."""
    return how_told(text=text, analysis=analysis) is not None


def how_told(*, text: str, analysis: Analysis) -> str | None:
    """REPORTED when the words or the signs tell an incident, MODEL_ONLY when only the model's
    security probability does (the ticket flag's 0.4 or the chat's lower one), None when
    neither does or the message only asks how to prevent or handle one. The security category
    alone does not count: where the analysis found it but no urgency, the text denies it,
    makes it hypothetical or tells a case that is over."""
    if asks_about_prevention(text):
        return None
    if reports_incident(text):
        return REPORTED
    if analysis.urgent:
        return REPORTED if incident_phrases(text) else MODEL_ONLY
    return MODEL_ONLY if _model_finds_one(text) else None


def _model_finds_one(text: str) -> bool:
    """The category model's security probability at the chat's lower threshold, read with the
    ticket flag's denials and settled cases."""
    probability = classify(text).security_probability
    return is_urgent(
        text=text, security_probability=probability, incidents=[], threshold=SECURITY_PROBABILITY
    )
