"""Find passwords a customer discloses in a sentence ("my password is …", "密码是…", "비번 …").

After a password word comes a candidate: the next run of printable ASCII. It is a password when it
looks like one (digits, symbols, mixed case) or when the sentence says so outright ("is", ":")
and the candidate is no ordinary word ("my password is wrong", "password reset").

Customers also give a password without naming it, while telling how they log in: "tried
nathan0412 20 times and now I'm locked", "用Amy_1995登入說密碼錯誤", "Shibuya2024に変更してから
ログインできません", "login: kid77 / moonboy2021". In a sentence about logging in or a password,
a token shaped like a password (letters with digits or symbols; not an e-mail, a URL, an
identifier after "login:", "user id", a version, a device, a network or a ticker) is one.
"""

import re

from support.text.common_words import word_set

# Each long alternation below starts by looking ahead at its alternatives' first characters:
# the engine then passes over every other position at once (about 4x faster on a message).
TRIGGER_RE = re.compile(
    r"(?=[pkcmswп密口비패암パぱ暗])"
    r"(?:(?<![A-Za-z])(?:pass\s*word|passwd|passcode|pwd|pw|p/w|pass|password|pin"
    r"|pas+wo?r?d|pas+owrd|pas+wrod|pswd|psw|pword)(?![A-Za-z])"
    r"|passwort|kennwort|contrase[ñn]a|mot de passe|senha|wachtwoord|пароль"
    r"|密码|密碼|密马|密馬|口令|비밀\s*번호|비빌\s*번호|비번|비반|패스워드|암호"
    r"|パスワ[ーｰ－-]?ド|ぱすわ[ーｰ－-]?ど|(?<![ァ-ヶー])パス(?![ァ-ヶー])|暗証番号)",
    re.IGNORECASE,
)
# What may join the password word to the password, in order of how explicit it is; a remark in
# brackets may come first ("password (the 6 digit one) is", "暗証番号（6桁）は").
CONNECTOR_RE = re.compile(
    r"\s*(?:[(（](?=[^()（）\n]*[^!-~])[^()（）\n]{1,30}[)）]\s*)?"
    r"(?:for (?:my |the )?"
    r"(?:account|login|wallet|exchange|app|withdrawals?|trading|trades|funds)\s*)?"
    r"(?:(?:i|we)\s+(?:set|use|used|chose|picked|made|created|have|had)\s*)?"
    r"(?:(?P<explicit>(?:(?:is|was)\b|'s\b|’s\b|=|:|：|-|→|->|是|为|為|都是|就是|係|系|은|는|이|가|は|が)"
    r"(?:\s*(?:still|now|currently|just)\b)?)\s*"
    r"|(?:to\b|as\b|を|に|で|을|를|用的"
    r"|我?(?:重新)?(?:改|设|設|换|換)(?:定|置)?(?:成|为|為|的是|的)了?)\s*"
    r"|\s*)",
    re.IGNORECASE,
)
# The password named after the fact: "Hunter2! is my password", "I use abc123 as password",
# "abc123是我的密码", "Abc123가 제 비밀번호", "Abc123が私のパスワード".
BEFORE_RE = re.compile(
    r"(?<![!-~])[\"'“‘「『]?(?P<secret>[!-~]{4,64}?)[\"'”’」』]?\s*"
    r"(?:(?:is|was) (?:my|the)(?: new| old| current)? (?:password|pw|pass|pwd)\b"
    r"|as (?:my |the )?(?:new )?(?:password|pw|pass|pwd)\b"
    r"|(?:是|就是|作为|當|当)(?:我的)?(?:登录|登入|资金|資金)?(?:密码|密碼)"
    r"|(?:이|가|는|은)?\s*(?:제|내)\s*(?:비밀번호|비번)"
    r"|(?:が|は)?(?:私の|僕の)?パスワード(?:です|だ))",
    re.IGNORECASE,
)
# A few words saying what the password is made of come between the password word and the
# password: "密码是我生日19951123", "パスワードは誕生日の19880214です", "暗証番号は4桁の3948",
# "交易密碼是四位數 3721", "출금 비밀번호 6자리 271828", "제 비번은 생일이에요 19931207",
# "資金密碼應該是 860412". What follows must have digits, so a sentence about the password
# ("密码是错的 abc") is no disclosure.
DESCRIBED_RE = re.compile(
    r"\s*(?:is|was|[:：=]|是|為|为|係|は|が|는|은|이|가)?\s*"
    r"(?:[^\x00-\x7f\s]{1,8}|\d\s*(?:位数|位數|位|桁|자리|digits?)[^\x00-\x7f\s]{0,3})"
    r"\s*[\"'“‘「『【]?(?P<secret>[!-~]{4,64})",
    re.IGNORECASE,
)
DIGITS_PIN_RE = re.compile(r"\d{4,8}")
LONE_TOKEN_RE = re.compile(r"[!-~]{4,64}")  # a password alone in a table cell or on a line
DATE_UNITS = frozenset("年月日년월일")
CANDIDATE_RE = re.compile(r"[\"'“‘「『【〔（(\[<]?(?P<secret>[!-~]{4,64})")
TRAILING_PUNCTUATION = ".,;:!?)]}>\"'”’」』】〕）"
CLOSING = {"'": "'", '"': '"', "“": "”", "‘": "’", "「": "」", "『": "』", "【": "】"}
# An address's last label is letters: "Ch@rlie.Br0wn" is a password shaped like an address.
EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,24}\.?$")
WORDS_RE = re.compile(r"[A-Za-z][a-z]*(?:[-'’][a-z]+)+")  # "case-sensitive", "doesn't"
CJK_RE = re.compile(r"[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")
TICKET_NUMBER_RE = re.compile(r"(?:#|no\.?\s*)\d+", re.IGNORECASE)  # "案件編號 #66120 是密碼…"
PASSPHRASE_RE = re.compile(r"[a-z]+(?:-[a-z]+){2,}")  # "purple-monkey-dishwasher"
URL_RE = re.compile(r"^(?:https?://|www\.)", re.IGNORECASE)
NOT_PASSWORDS = word_set(
    """
    wrong incorrect invalid correct right reset change changed changing forgot forgotten forget
    expired expire not the my your a an this that it its is was still already same different too
    very so now just again never always being been gone lost stolen leaked compromised hacked
    blocked locked unlocked working work works broken weak strong long short required needed
    saved stored set updated update updating recovery recover manager protected protection field
    page link email mail login sign and or but for with without to of in on at by from after
    before when if because please help wont doesnt dont cant isnt reset. case sensitive policy
    rule rules requirement requirements error errors fail failed failing ok okay fine valid
    accepted rejected denied again. twice once many several new old current previous something
    anything nothing someone hint hints question questions length characters chars letters
    numbers symbols digits special uppercase lowercase up-to-date out-of-date
    """
)


# A sentence about logging in or a password (TRIGGER_RE's words count too).
LOGIN_CONTEXT_RE = re.compile(
    r"(?<![A-Za-z])(?:log(?:ging|ged)?\s*(?:me\s*)?in|sign(?:ing|ed)?\s*in|login|caps\s*lock"
    r"|locked)(?![A-Za-z])|登录|登入|登陆|登錄|登陸|登不|ログイン|로그인",
    re.IGNORECASE,
)
# An English sentence ends before the next one's first letter; "qwer1234! 이걸로 로그인…" is one.
MAX_PLAIN_PASSWORD = 24  # letters and digits: a TRON or Bitcoin address has 25 and more
MAX_SYMBOLED_PASSWORD = 40
SENTENCE_END_RE = re.compile(r"[.!?](?=\s+[A-Za-z0-9])|[。！？\n]")
# Runs of printable ASCII, cut at commas and semicolons ("TRC20,my" is two words).
TOKEN_RE = re.compile(r"(?<![!-+\--:<-~])[!-+\--:<-~]{6,64}(?![!-+\--:<-~])")
NUMBERED_WORD_RE = re.compile(r"\(?\d{1,2}[.)]\s*[^\W\d_]+")  # "7)abandon": a list's item
# What comes before a login name, not a password: "login: kid77", "user id 8812ab", "ID：…".
IDENTIFIER_BEFORE_RE = re.compile(
    r"(?:(?<![A-Za-z])(?:login|user\s*(?:name|id)?|username|uid|id|account|acct|e-?mail)"
    r"|账号|帳號|賬號|用户名|用戶名|아이디|계정|ユーザー名|アカウント|ID)"
    r"\s*(?:[:：=]|is\b|was\b|是|係|は|는|은)?\s*$",
    re.IGNORECASE,
)
# Account details given as a pair: a label, the login name, a separator, the password
# ("account: jo.lee@mail.com → Jolee2024x", "ID/PW：kenji_t / Kenji0707#", "계정 park_js:
# ParkJS1988", "用户名/密码：li_wei / liwei2019"). The login name stays; the password goes.
ACCOUNT_LABEL = (
    r"(?=[luiae账帳賬用아계ユア])(?:(?<![A-Za-z])(?:login|user\s*(?:name|id)?|username|id|account|acct|e-?mail)(?![A-Za-z])"
    r"|账号|帳號|賬號|账户|帳戶|帐密|帳密|账密|用户名|用戶名|아이디|계정|ユーザー名|ユーザーID|アカウント|ID)"
)
ACCOUNT_PAIR_RE = re.compile(
    ACCOUNT_LABEL
    + r"(?:\s*/\s*(?:password|passwd|pwd|pw|pass|密码|密碼|비밀번호|비번|パスワード))?"
    r"\s*(?:[:：=]|is\b|是|は|는|은)?\s*(?P<login>[\w.@+-]+?)"
    r"\s*(?:/|\||→|->|=>|(?<![:：])[:：](?!//))\s*[\"'“‘「『【\[(]?(?P<secret>[!-~]{4,64})",
    re.IGNORECASE,
)
# Told by what the customer did with it: "I typed X", "tried everything: X", "I use X for
# everything", "reset it to X", "it was X before"; "Xを使っています", "X로 들어가서",
# "X으로 바꿨는데".
VERB_BEFORE_RE = re.compile(
    r"(?=[teiurcsmonpfh])(?<![A-Za-z])(?:(?:typed|type|typing|tried|try|trying|entered|enter|entering|input"
    r"|use|used|using|reused|reusing)(?:\s+in)?"
    r"(?:\s+(?:my|the)(?:\s+(?:old|new|usual))?\s+(?:password|pass|pw|pin))?(?:\s+everything)?"
    r"|(?:reset|changed?|set|switched|updated?)(?:\s+(?:it|mine|that))?(?:\s+back)?\s+(?:to|as)"
    r"|(?:had|have|has|set|saved)\s+(?:it|mine)\s+as"
    r"|(?:it|mine)\s*(?:was|is|'s|’s|s|used\s+to\s+be)(?:\s+(?:still|just|always|literally|simply))*"
    r"|(?:old|new|previous|current|first|second)\s+one(?:\s+(?:was|is))?)"
    # A space or a colon after the verb: "USE00000a" and "USE.0000a" are one word.
    r"(?:\s*[:：]\s*|\s+)(?P<secret>[!-+\--:<-~]{6,64})",
    re.IGNORECASE,
)
# The same in Chinese, before the password: "我试了两次 X", "用的一直是 X", "我都係用 X", "改成了X".
TRIED_BEFORE_RE = re.compile(
    r"(?=[试試输輸打填用一都改换換设設])(?:(?:试|試|输入|輸入|打|填)(?:了|过|過|咗)"
    r"|用(?:的一直是|的都是|的是|咗|了)|一直(?:都)?用|(?:一般)?都(?:係|是)?用"
    r"|(?:改|换|換|设|設)(?:成|做)(?:了|咗)?)"
    r"(?:\s|(?:两|兩|几|幾|好几|好幾|好多|很多|[0-9一二三四五六七八九十]+)次|这个|這個|呢個|那个|那個)*"
    r"[\"'“‘「『]?(?P<secret>[!-+\--:<-~]{6,64})"
)
# Told by what it did or what was done with it, right after it: "X stopped working", "X也不行",
# "X로 로그인", "X 입력했는데", "Xに変えた", "Xでログイン". The phrase is searched for first (few
# texts have one), then the token before it is read: a lazy token tried at every word and
# followed by the whole alternation cost more than the rest of the password search.
DONE_AFTER_RE = re.compile(
    r"(?=[をにへでとがはだ으로을를이라입사쳤쳐가는은안틀也都还還就不唔登错錯是係进進sdiwngSDIWNG])"
    r"(?:を\s*(?:使|入力|入れ)"
    r"|(?:に|へ)\s*(?:変え|変更|し(?:て|た|ま))|で\s*(?:ログイン|入れ|入ろ|試)|と\s*(?:入力|入れ|打)"
    r"|(?:が|は|だと|では)\s*(?:通らない|通りません|使えない|弾かれ|ダメ|だめ|違う|間違)"
    r"|(?:으로|로)\s*(?:들어가|로그인|바꿨|바꾸|변경|설정|해\s*놨|해\s*봤|시도)"
    r"|(?:을|를|이라고|라고)?\s*(?:입력|사용|쳤|쳐\s*봤)"
    r"|(?:이|가|는|은|로는|으로는)?\s*(?:안\s*(?:돼|되|먹)|틀렸|틀리다고)"
    r"|(?:也|都|还|還|就)?(?:不行|唔得|登不|登入不|登录不|错误|錯誤|是错|係錯|不对|不對|唔啱|进不去|進不去)"
    r"|(?<![A-Za-z])(?:(?:just|suddenly)\s+)?(?:stopped working|doesn'?t work|does not work"
    r"|isn'?t working|is not working|no longer works|won'?t work|gets? rejected|is rejected"
    r"|was rejected|isn'?t accepted|is not accepted)\b)",
    re.IGNORECASE,
)
# A label that names what follows as something else: "invite code AB12cd doesnt work",
# "order ab12cd34 gets rejected", "邀请码 X 不行" (密码, 暗証番号 and 비밀번호 name passwords).
OTHER_LABEL_BEFORE_RE = re.compile(
    r"(?:(?<![A-Za-z])(?:code|order|invite|referral|ref|coupon|promo|voucher|memo|tag|id|uid"
    r"|address|addr|txid|tx|hash|ticket|case|serial|model|invoice)\s*(?:#|no\.?|number)?"
    r"|(?<![密])[码碼]|(?<!暗証)番号|(?<!비밀)(?<!비밀 )번호|号|號|地址|コード|アドレス|주소|코드)"
    r"\s*[:：=]?\s*$",
    re.IGNORECASE,
)
NAMED_LOGIN_AFTER_RE = re.compile(
    r"\s*(?:as|is)\s+(?:my\s+|the\s+)?(?:login|user\s*(?:name|id)|username|id|account|e-?mail)\b",
    re.IGNORECASE,
)
LOGIN_NAME_RE = re.compile(r"[\w.@+-]*[^\W\d_][\w.@+-]*", re.ASCII)
# Shaped like a password but something else: versions, devices and systems, networks, tickers.
NOT_A_PASSWORD_RE = re.compile(
    r"v?\d+(?:\.\d+)+|(?:iphone|ipad|android|ios|windows|win|macos|chrome|safari|firefox|edge"
    r"|galaxy|pixel|note|version|build|error|code|erc|trc|bep|bsc|usdt|usdc|btc|eth|sha"
    r"|macbook|ledger|trezor|nano|yubikey|surface|xperia|aquos|ubuntu|linux"
    r"|ticket|order|case|ref|memo|tag|uid|invite)[-_#]?\d+\w*"
    r"|[0-9a-f]{16,}|[0-9A-F]{16,}|0x[0-9a-f]+"
    r"|\d+(?:[.,]\d+)*\s*(?:usdt|usdc|btc|eth|bnb|trx|sol|xrp|doge|ltc|usd|eur|krw|jpy|cny|rmb|k)",
    re.IGNORECASE,
)


# Full-width Latin letters and digits (ＰＷ：ｚｘｃ９８７, typed with a CJK input method) read as
# their ASCII forms, one character for one, so the spans found are the text's own. Full-width
# punctuation (，。！) stays: in CJK text it ends the password.
FULL_WIDTH = {
    code: code - 0xFEE0
    for first, last in (("０", "９"), ("Ａ", "Ｚ"), ("ａ", "ｚ"))
    for code in range(ord(first), ord(last) + 1)
}
FULL_WIDTH_RE = re.compile("[０-９Ａ-Ｚａ-ｚ]")


def find_passwords(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of disclosed passwords in `text`."""
    if FULL_WIDTH_RE.search(text):
        text = text.translate(FULL_WIDTH)
    spans = []
    words = list(TRIGGER_RE.finditer(text))
    for trigger in words:
        spans += _described(text, trigger.end())
        connector = CONNECTOR_RE.match(text, trigger.end())
        if connector is None:
            continue
        candidate = CANDIDATE_RE.match(text, connector.end())
        if candidate is None:
            continue
        start, end = _trim(text, candidate.start("secret"), candidate.end("secret"))
        explicit = bool(connector.group("explicit"))
        if not explicit and trigger.group().lower() == "pin":
            if not (4 <= end - start <= 8 and text[start:end].isdigit()):
                continue  # "pin this chat": only "PIN 4821", "pin: X", "pin is X" count
        elif not explicit and trigger.group().lower() == "pass":
            continue  # "pass the KYC", "new pass There's…": only "pass: X" / "pass is X" count
        if _looks_like_password(text[start:end], explicit=explicit):
            spans.append((start, end))
    # Named after the fact, so only what looks like a password by its shape counts. BEFORE_RE
    # ends in a password word, so it is searched only in a text with one: its lazy token at
    # every word start was a third of a long e-mail's redaction.
    for match in BEFORE_RE.finditer(text) if words else ():
        secret = match.group("secret")
        if _looks_like_password(secret, explicit=False) and not TICKET_NUMBER_RE.fullmatch(secret):
            spans.append(match.span("secret"))
    spans += _told_while_logging_in(text)
    if words:  # both need a password word on a line of their own
        spans += _told_in_a_table(text) + _told_on_the_next_line(text)
    spans += _told_by_what_was_done(text)
    pairs = _told_as_account_details(text)
    logins = {login for login, _ in pairs}
    spans = [span for span in spans if span not in logins]
    spans += [secret for _, secret in pairs]
    return sorted(set(spans))


def _described(text: str, after: int) -> list[tuple[int, int]]:
    """The password after a few words saying what it is made of (DESCRIBED_RE)."""
    match = DESCRIBED_RE.match(text, after)
    if match is None:
        return []
    start, end = _trim(text, match.start("secret"), match.end("secret"))
    secret = text[start:end]
    if text[end : end + 1] in DATE_UNITS:
        return []  # "パスワードを変えたのは2024年です": a year, not a PIN
    if DIGITS_PIN_RE.fullmatch(secret) or (
        any(char.isdigit() for char in secret) and _shaped_like_password(secret)
    ):
        return [(start, end)]
    return []


def _lines(text: str) -> list[tuple[int, str]]:
    """Each line of `text` with the offset it starts at."""
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((start, line))
        start += len(line) + 1
    return lines


def _told_in_a_table(text: str) -> list[tuple[int, int]]:
    """The cells under a table's password column ("| email | password |" and the rows below)."""
    spans, column = [], None
    for start, line in _lines(text):
        if line.count("|") < 2:
            column = None
            continue
        cells, offset = [], start
        for cell in line.split("|"):
            cells.append((offset, cell))
            offset += len(cell) + 1
        if column is None:
            named = [n for n, (_, cell) in enumerate(cells) if _names_a_password(cell)]
            column = named[0] if named else None
            continue
        if column < len(cells):
            spans += _alone(*cells[column])
    return spans


def _told_on_the_next_line(text: str) -> list[tuple[int, int]]:
    """A password alone on the line after one that names it ("password below", a quoted
    "> What password did you last use?")."""
    spans, named = [], False
    for start, line in _lines(text):
        if not line.strip():
            continue
        if named:
            spans += _alone(start, line)
        named = _names_a_password(line)
    return spans


def _alone(start: int, part: str) -> list[tuple[int, int]]:
    """The span of a password standing alone in `part` (a cell or a line starting at `start`)."""
    token = part.strip()
    if not LONE_TOKEN_RE.fullmatch(token) or not _shaped_like_password(token):
        return []
    first = start + part.index(token)
    return [(first, first + len(token))]


def _told_as_account_details(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(login name, password) spans of account details given as a labelled pair."""
    pairs = []
    for match in ACCOUNT_PAIR_RE.finditer(text):
        start, end = _trim(text, match.start("secret"), match.end("secret"))
        if _shaped_like_password(text[start:end]):
            pairs.append((match.span("login"), (start, end)))
    return pairs


def _told_while_logging_in(text: str) -> list[tuple[int, int]]:
    """Password-shaped tokens in the sentences about logging in or a password, and one that
    opens the sentence after a password's ("パスワードが違う。Doraemon1293 なんだけど")."""
    spans, start, named = [], 0, False
    for end in [m.end() for m in SENTENCE_END_RE.finditer(text)] + [len(text)]:
        sentence = text[start:end]
        # The words that make it such a sentence are no password ("0login", "login2").
        words = [m.span() for m in LOGIN_CONTEXT_RE.finditer(sentence)]
        about_a_password = _names_a_password(sentence)
        if words or about_a_password:
            tokens = list(TOKEN_RE.finditer(sentence))
        elif named:
            first = TOKEN_RE.match(sentence, len(sentence) - len(sentence.lstrip()))
            tokens = [first] if first is not None else []
        else:
            tokens = []
        for token in tokens:
            if any(a < token.end() and token.start() < b for a, b in words):
                continue
            span = _password_span(text, start + token.start(), start + token.end())
            if span is not None:
                spans.append(span)
        start, named = end, about_a_password
    return spans


def _told_by_what_was_done(text: str) -> list[tuple[int, int]]:
    found = [match.span("secret") for match in VERB_BEFORE_RE.finditer(text)]
    found += [match.span("secret") for match in TRIED_BEFORE_RE.finditer(text)]
    found += [_token_before(text, match.start()) for match in DONE_AFTER_RE.finditer(text)]
    spans = []
    for secret in filter(None, found):
        span = _password_span(text, *secret)
        if span is None or NAMED_LOGIN_AFTER_RE.match(text, span[1]):
            continue
        if not OTHER_LABEL_BEFORE_RE.search(text, max(0, span[0] - 24), span[0]):
            spans.append(span)
    return spans


def _token_before(text: str, position: int) -> tuple[int, int] | None:
    """The run of printable ASCII (6 to 64 characters) that ends at `position`, but for spaces
    and a closing quote: what "stopped working" or "입력했는데" tells of."""
    end = position
    while end > 0 and text[end - 1].isspace():
        end -= 1
    if end > 0 and text[end - 1] in "”’」』":  # ASCII quotes are part of the run, trimmed later
        end -= 1
    start = end
    while start > 0 and "!" <= text[start - 1] <= "~" and end - start <= 64:
        start -= 1
    if not 6 <= end - start <= 64 or (start > 0 and "!" <= text[start - 1] <= "~"):
        return None
    return start, end


def _names_a_password(sentence: str) -> bool:
    # "pass" and "pin" alone are too common words ("pass" a BIP39 word too) to make a sentence
    # about passwords.
    return any(
        found.group().lower() not in ("pass", "pin") for found in TRIGGER_RE.finditer(sentence)
    )


def _password_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start] in "\"'“‘「『([<:=":
        start += 1
    start, end = _trim(text, start, end)
    candidate = text[start:end]
    login, colon, password = candidate.partition(":")
    if colon and LOGIN_NAME_RE.fullmatch(login) and not URL_RE.match(candidate):
        start += len(login) + 1  # "ming88:Ming8888!": a login name and its password
        candidate = password
    word, equals, value = candidate.partition("=")
    if equals and TRIGGER_RE.fullmatch(word):
        start += len(word) + 1  # "pwd=shanghai2019": the password word stays
        candidate = value
    if len(candidate) < 6 or not _shaped_like_password(candidate):
        return None
    # A login name after its label ("login: kid77") is kept; "!" or "$" no login name has.
    could_be_login_name = LOGIN_NAME_RE.fullmatch(candidate)
    if could_be_login_name and IDENTIFIER_BEFORE_RE.search(text[max(0, start - 24) : start]):
        return None
    return start, end


def _shaped_like_password(candidate: str) -> bool:
    """Letters with digits or symbols, some lowercase, and nothing that makes it an address,
    a name or a number of another kind."""
    if EMAIL_RE.match(candidate) or URL_RE.match(candidate) or "/" in candidate:
        return False
    if NOT_A_PASSWORD_RE.fullmatch(candidate) or NUMBERED_WORD_RE.fullmatch(candidate):
        return False
    if ":" in candidate.strip(":"):
        return False
    has_letter = any(char.isalpha() for char in candidate)
    has_lower = any(char.islower() for char in candidate)
    has_digit = any(char.isdigit() for char in candidate)
    # Apostrophes, hyphens, dots and commas join words ("O'Connor", "e-mail", "i.e.",
    # "yesterday,I" typed without its space): they are not a password's symbols.
    has_symbol = any(not char.isalnum() and char not in "'’-.,;" for char in candidate)
    # Longer runs of letters and digits alone are addresses, hashes and keys, not passwords.
    longest = MAX_SYMBOLED_PASSWORD if has_symbol else MAX_PLAIN_PASSWORD
    return has_letter and has_lower and (has_digit or has_symbol) and len(candidate) <= longest


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    # A bracket opening a remark right after the password is not part of it ("tjdnf2024(서울…").
    if end - start > 4 and text[end - 1] in "([{<" and not text[end : end + 1].isascii():
        end -= 1
    # The quote that closes the one before the password, whatever follows ("'tianya_001' 提示",
    # "'Shibuya109!' で"), and a comma before a space ("is Yun@2023, 中文不太好").
    if end - start > 4 and start > 0 and text[end - 1] == CLOSING.get(text[start - 1]):
        end -= 1
    if end - start > 4 and text[end - 1] in ",;" and text[end : end + 1].isspace():
        end -= 1
    # A sentence's full stop or a closing quote is not part of the password: in an English
    # sentence ("is Hunter2!") it ends the sentence; before CJK text ("Taipei101! 登入失败")
    # it belongs to the password, since CJK sentences use full-width punctuation; so does a
    # final "!" or "?" on a line written in CJK ("ID/PW：kenji_t / Kenji0707!").
    following = text[end:].lstrip()[:1]
    if following and not following.isascii():
        return start, end
    line_start = text.rfind("\n", 0, start) + 1
    own = "!?" if CJK_RE.search(text, line_start, start) else ""
    while end - start > 4 and text[end - 1] in TRAILING_PUNCTUATION and text[end - 1] not in own:
        end -= 1
    return start, end


def _looks_like_password(candidate: str, *, explicit: bool) -> bool:
    if EMAIL_RE.match(candidate) or URL_RE.match(candidate):
        return False
    if candidate[0] in "([{" and candidate[1:].lower().rstrip(")]}.,") in NOT_PASSWORDS:
        return False  # "my fund pw (the one for withdrawals)": a parenthesis opens
    lowered = candidate.lower()
    if explicit and PASSPHRASE_RE.fullmatch(candidate) and lowered not in NOT_PASSWORDS:
        return True  # "my password is purple-monkey-dishwasher"
    if not any(char.isalnum() for char in candidate) or WORDS_RE.fullmatch(candidate):
        return False
    if lowered in NOT_PASSWORDS or lowered.rstrip(".!?") in NOT_PASSWORDS:
        return False
    has_digit = any(char.isdigit() for char in candidate)
    has_symbol = any(not char.isalnum() for char in candidate)
    has_inner_upper = any(char.isupper() for char in candidate[1:])
    if has_digit or has_symbol or has_inner_upper:
        return not _is_ordinary_number(candidate)
    return explicit and not lowered.endswith(("ed", "ing", "ly"))


def _is_ordinary_number(candidate: str) -> bool:
    """'password 2 times', 'pw 3x' are counts; a bare 4+ digit PIN-like string is a password."""
    return candidate.isdigit() and len(candidate) < 4
