"""Incidents told by what the customer did or sees, without the words "hacked" or "stolen".

Seven kinds, each written for the five languages from what it is, not from sample sentences:

- someone at the controls through a remote-access tool (AnyDesk, TeamViewer, 向日葵, 원격 앱,
  遠隔操作) the customer let in, or a caller "operating my computer";
- a login, a code or a recovery phrase typed into a page that only looks like ours (a fake or
  look-alike site, 钓鱼网站, 가짜 사이트, 偽サイト), or typed because someone asked for it;
- someone else in the customer's account ("someone else is using my account", 有人在用我的账号,
  누가 내 계정 쓰는 것 같아요, 誰かが私のアカウントを使っている);
- a balance lower than it was with nothing done ("my balance is lower than yesterday",
  余额比昨天少, 잔고가 줄었어요, 残高が減っている);
- the signs of a SIM swap: the phone loses its signal, then codes, resets or logins follow
  ("lost signal and then got a reset email", 手机没信号然后收到登录通知, 폰이 먹통이 되더니
  인증 문자, 圏外になってからパスワード再設定のメール).

- a wallet, app or page someone said was ours or official, into which the customer put a
  secret (所谓的官方钱包, 공식 지갑이라는 앱, 公式ウォレットだというアプリ), and funds moved to a
  "safe" account for a caller posing as the police (资产保全, 監管帳戶, 안전 계좌), the move done;
- a stolen or lost phone or computer still signed in (폰 소매치기… 로그인 상태 그대로).

Each is one alternation, included in `urgency.INCIDENT_RE`, so the clause-local denials, the
hypotheticals and the settled cases read them as they read every incident pattern. Text is
lower case, NFKC, read with Chinese folded to simplified and without.
"""

# A wallet's secret, a login or a code, in every language; English words appear in the others'
# messages too ("recovery phraseを入力").
_SECRETS = (
    r"(?:seed|recovery|secret|backup|mnemonic|wallet) (?:phrase|words?)|seed|mnemonic|private key"
    r"|2fa(?: code)?|otp|one[- ]time (?:code|password)|verification code|sms code|password"
    r"|passcode|log ?in (?:details|info|credentials)|credentials|助记词|私钥|密钥|验证码|密码"
    r"|登录信息|登入信息|账号密码|帐号密码|시드|복구\s*(?:문구|구문)|니모닉|개인\s*키|인증\s*(?:번호|코드)"
    r"|비밀번호|비번|로그인\s*정보|아이디|シード|復元フレーズ|リカバリーフレーズ|秘密鍵|認証コード"
    r"|確認コード|パスワード|ログイン情報|暗証番号|ワンタイム"
)


def remote_access() -> str:
    return "|".join(
        [
            r"\b(?:anydesk|teamviewer|rustdesk|ultraviewer|quick ?assist|supremo|splashtop"
            r"|logmein|screenconnect)\b.{0,60}\b(?:installed|downloaded|connected|gave|let|opened"
            r"|shared|remote|controll?ing|clicking|moving|in my|on my)\b",
            r"\b(?:let|allowed|gave)\b.{0,40}\b(?:remote (?:in|into|access|control)|control of my"
            r"|access to my (?:pc|computer|laptop|screen|phone))",
            r"\bremote(?:d)? (?:in|into) my (?:pc|computer|laptop|phone|screen)",
            r"(?:下载|下載|安装|安裝|装了|裝了|下了)(?:了)?.{0,8}(?:远程|遠程|遠端|向日葵|todesk|anydesk"
            r"|teamviewer|屏幕共享|螢幕分享)|(?:操作|控制|遥控|遙控)(?:着|著)?我的(?:电脑|電腦|手机|手機)",
            r"(?:원격|팀뷰어|애니데스크).{0,20}(?:깔았|설치했|설치해\s*(?:줬|버렸)|연결했|접속했|허용)"
            r"|제\s*(?:컴퓨터|폰|노트북)(?:을|를)?\s*(?:원격으로|마음대로)?\s*(?:조종|조작|제어)",
            r"(?:遠隔|リモート|anydesk|teamviewer).{0,20}(?:入れ(?:た|て|ちゃ)|インストールし|許可し"
            r"|接続し|つない)|(?:パソコン|pc|スマホ)を(?:遠隔で)?(?:操作され|動かされ)",
        ]
    )


def look_alike_page() -> str:
    page_en = (
        r"(?:fake|phishing|look-?alike|copycat|cloned|spoofed|scam|bogus|knock-?off) (?:site"
        r"|website|page|app|link|login)|(?:site|website|page|app|link) that look(?:ed|s)?"
        r" (?:exactly |just )?like (?:yours|the real|the official|your)"
    )
    return "|".join(
        [
            rf"(?:{page_en}).{{0,80}}\b(?:entered|typed|gave|put in|filled in|logged in|signed in"
            rf"|pasted|submitted)\b",
            rf"\b(?:entered|typed|gave|put|filled in|logged in|signed in|pasted|submitted)\b"
            rf".{{0,40}}(?:{page_en})",
            r"(?:假|钓鱼|仿冒|山寨|高仿|一模一样的|一样的)(?:的)?(?:网站|网页|页面|链接|app|登录页).{0,30}"
            r"(?:登录|登入|输入|填了|填写|填进|提交|给了)",
            r"(?:가짜|피싱|똑같이\s*생긴|비슷한|짝퉁)\s*(?:사이트|페이지|앱|링크).{0,30}(?:로그인(?:했|해\s*버렸)"
            r"|입력(?:했|해\s*버렸)|넣었|적었|알려\s*(?:줬|주었|드렸|버렸))",
            r"(?:偽|ニセ|にせ|フィッシング|そっくりな|本物そっくりの)(?:の)?(?:サイト|ページ|アプリ|リンク"
            r"|ログイン画面).{0,30}(?:ログイン|入力|入れ|打ち込)",
            # Typed because someone asked for it (入力するよう言われて入れてしまいました).
            rf"(?:{_SECRETS}).{{0,20}}(?:入力|入れ)(?:する|て)?(?:よう|ように)(?:言われ|指示され|頼まれ)"
            rf".{{0,12}}(?:入れ|入力し)",
            rf"\b(?:asked|told) me to (?:enter|type|paste|give|send)\b.{{0,30}}(?:{_SECRETS})"
            rf".{{0,60}}\b(?:i did|and i|so i)\b",
        ]
    )


def someone_else_inside() -> str:
    return "|".join(
        [
            r"\b(?:someone|somebody|some ?one else|another person|other people|not the only one"
            r"|not just me)\b.{0,25}\b(?:using|uses|used|in|inside|into|accessing"
            r"|logged (?:in|into)|logging (?:in|into)|on)\b.{0,10}"
            r"\bmy (?:account|acct|wallet|profile)",
            r"(?:有人|别人|其他人|陌生人).{0,6}(?:在)?(?:用|登|进|动|操作)(?:着|了)?我的(?:账号|账户|帐号"
            r"|帐户|号|户口|钱包)",
            r"(?<![가-힣])(?:누가|누군가|다른\s*사람이|다른\s*누가)\s*(?:\S+\s*){0,2}(?:내|제)\s*계정"
            r"(?:을|를|에|으로)?\s*(?:쓰|씀|써|사용|들어|접속|로그인)",
            r"(?:誰か|他人|知らない人)(?:が|に).{0,10}(?:私の|僕の|俺の|自分の)?アカウント(?:を|に)"
            r"(?:使|ログイン|入|アクセス)",
        ]
    )


def balance_lower() -> str:
    return "|".join(
        [
            # Lower than it was at an earlier time, not "less than I expected" after a trade.
            r"\b(?:balance|funds|holdings|portfolio|account)\b.{0,30}\b(?:lower|less|smaller"
            r"|went down|dropped|decreased|shrunk)\b.{0,20}\b(?:(?:than|since|from) (?:yesterday"
            r"|before|last night|this morning|earlier|it was|last (?:week|time))|overnight)\b",
            r"(?:余额|资产|币|钱|资金|usdt).{0,8}(?:比|跟|和)(?:昨天|之前|以前|早上|上次).{0,6}(?:少|低)"
            r"|(?:余额|资产|资金).{0,6}(?:莫名|突然|无故)?(?:变少|减少|少了一)",
            r"(?:어제|전날|아침|지난번)(?:보다|에\s*비해).{0,12}(?:잔고|잔액|자산|코인|돈)(?:이|가)?\s*"
            r"(?:줄|적|모자라|빠졌|비었)|(?:잔고|잔액|자산)(?:이|가)?\s*(?:갑자기|이유\s*없이)?\s*(?:줄었"
            r"|줄어들)",
            r"(?:昨日|前|朝|以前)(?:より|と比べて).{0,10}(?:残高|資産|コイン)(?:が)?(?:減|少な)"
            r"|(?:残高|資産)(?:が)?(?:いつの間にか|急に|勝手に)(?:減|少な)",
        ]
    )


def sim_swap() -> str:
    after = (
        r"(?:reset|code|otp|password|2fa|log ?in|sign ?in|email|withdraw|funds|new device"
        r"|重置|验证码|密码|登录|登入|新装置|新设备|提币|邮件|email|재설정|인증|비밀번호|로그인|출금|새\s*기기"
        r"|リセット|認証|パスワード|ログイン|出金|新しい端末)"
    )
    return "|".join(
        [
            rf"\b(?:lost|no|losing) (?:all |my )?(?:signal|service|reception|bars)\b"
            rf".{{0,80}}{after}"
            rf"|\bsim (?:stopped|died|deactivated|not working|was deactivated)\b.{{0,80}}{after}",
            rf"(?:没|没有|无|全没)(?:了)?(?:信号|讯号|服务)|sim卡?(?:失效|没用|没反应)|(?:突然)?(?:打不了电话"
            rf"|收不到短信).{{0,40}}{after}",
            rf"(?:신호|서비스|통신)(?:가|이)?\s*(?:안\s*잡|끊|없)|먹통|유심(?:이)?\s*(?:안|먹통|인식)"
            rf".{{0,40}}{after}",
            rf"(?:圏外|電波が(?:来|入ら|な)|simが(?:使え|無効|認識)).{{0,40}}{after}",
        ]
    )


def posing_as_us() -> str:
    """A wallet, app or page someone said was ours or official (所谓的官方钱包, 공식 지갑이라는 앱,
    公式ウォレットだというアプリ, an app that "looked like yours"), into which the customer put a
    secret; and a caller posing as the police or a bank who had the funds moved to "keep them
    safe" (资产保全, 監管帳戶, 안전 계좌), the move done."""
    said_ours_zh = (
        r"(?:所谓(?:的)?|说是|说系|话系|自称|号称|冒充|以为是|看起来(?:很)?像|很像)[\"“「]?"
        r"(?:你们|官方|官网)"
    )
    typed_zh = r"(?:输入|输了|填|入了|入返|提交|给了|导入)"
    said_ours_ja = (
        r"(?:公式|御社|運営|サポート)\S{0,10}?"
        r"(?:だという|だと言う|を名乗る|と称する|を装った|だと思って)"
    )
    return "|".join(
        [
            rf"{said_ours_zh}.{{0,40}}(?:{_SECRETS}).{{0,16}}{typed_zh}",
            rf"{said_ours_zh}.{{0,40}}{typed_zh}(?:了)?.{{0,10}}(?:{_SECRETS})",
            rf"(?:공식|거래소|고객센터)\S{{0,6}}\s*(?:처럼\s*생긴|이라는|인\s*줄\s*알고|사칭).{{0,40}}"
            rf"(?:{_SECRETS}).{{0,20}}(?:입력|넣었|넣어\s*버렸|적었|알려\s*줬)",
            rf"{said_ours_ja}.{{0,40}}(?:{_SECRETS}).{{0,16}}(?:入力|入れ)",
            r"\b(?:what|which|that|an app|a site|a page|a wallet) (?:looked|looks|seemed)"
            r" (?:exactly |just )?like (?:your|the official|an official)\b.{0,80}\b(?:entered"
            r"|typed|put in|imported|pasted|filled in|gave)\b",
            # The "safe" place only with the move done: a customer who hung up tells no loss.
            rf"(?:{_SAFE_PLACE}).{{0,60}}(?:{_MOVED})|(?:{_MOVED}).{{0,30}}(?:{_SAFE_PLACE})",
        ]
    )


_SAFE_PLACE = (
    r"(?:资产|資産|财产|財産)(?:の)?保全|(?:监管|保管|清查|安全)(?:账户|帐户|账号|户口|钱包)"
    r"|(?:안전|보호)\s*(?:계좌|지갑)|\b(?:safe|secure|protected|holding) (?:wallet|address)\b"
)
_MOVED = (
    r"(?:转|转账|打|汇)(?:了|过去了|咗)|照做了|送ってしま|送金しま|送りまし|移しまし|送った|移した"
    r"|보냈어|보냈습니다|보내\s*버렸|옮겼|이체했|\bi (?:sent|moved|transferred|did it)\b"
)


def device_still_signed_in() -> str:
    """A stolen or lost phone or computer that is still signed in to the account."""
    return "|".join(
        [
            r"\b(?:phone|laptop|computer|ipad|tablet)\b.{0,30}\b(?:stolen|pickpocketed|snatched|lost"
            r"|taken)\b.{0,80}\b(?:still|is|was|stayed) (?:logged|signed) ?in",
            r"(?:手机|电脑|平板|ipad).{0,8}(?:被偷|被盗|被抢|丢了|掉了|被扒).{0,40}(?:还|仍|仍然|仲)"
            r"(?:是|系)?(?:登录|登入|登着|在线)",
            r"(?:폰|휴대폰|핸드폰|노트북|아이패드).{0,10}(?:소매치기|도난|도둑|잃어버렸|분실|털렸).{0,40}"
            r"로그인\s*(?:상태|돼|되어|된)",
            r"(?:スマホ|携帯|パソコン|pc|ipad).{0,8}(?:盗まれ|すられ|ひったくられ|落とし|なくし).{0,40}"
            r"ログイン(?:した(?:まま|ままの)|状態|されたまま)",
        ]
    )


def incident_signs() -> str:
    """The seven kinds as one alternation (for `urgency.INCIDENT_RE`)."""
    kinds = [remote_access(), look_alike_page(), someone_else_inside(), balance_lower()]
    return "|".join([*kinds, sim_swap(), posing_as_us(), device_still_signed_in()])
