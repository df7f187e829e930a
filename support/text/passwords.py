"""Find passwords a customer discloses in a sentence ("my password is …", "密码是…", "비번 …").

After a password word comes a candidate: the next run of printable ASCII. It is a password when it
looks like one (digits, symbols, mixed case) or when the sentence says so outright ("is", ":")
and the candidate is no ordinary word ("my password is wrong", "password reset").
"""

import re

from support.text.common_words import word_set

TRIGGER_RE = re.compile(
    r"(?:(?<![A-Za-z])(?:pass\s*word|passwd|passcode|pwd|pw|pass|password)(?![A-Za-z])"
    r"|密码|密碼|口令|비밀\s*번호|비번|패스워드|パスワード|暗証番号)",
    re.IGNORECASE,
)
# What may join the password word to the password, in order of how explicit it is.
CONNECTOR_RE = re.compile(
    r"\s*(?:for (?:my|the) (?:account|login|wallet|exchange|app)\s*)?"
    r"(?:(?P<explicit>(?:(?:is|was)\b|=|:|：|-|→|->|是|为|為|都是|就是|은|는|이|가|は|が)"
    r"(?:\s*(?:still|now|currently|just)\b)?)\s*"
    r"|(?:to\b|を|に|で|을|를|改成了?|改为|改為|设成了?|設成了?|设为|設為|换成了?|換成了?)\s*"
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
CANDIDATE_RE = re.compile(r"[\"'“‘「『]?(?P<secret>[!-~]{4,64})")
TRAILING_PUNCTUATION = ".,;:!?)]}>\"'”’」』"
EMAIL_RE = re.compile(r"^[\w.+-]+@[\w-]+\.[\w.-]+$")
WORDS_RE = re.compile(r"[A-Za-z][a-z]*(?:[-'’][a-z]+)+")  # "case-sensitive", "doesn't"
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
    numbers symbols digits special uppercase lowercase
    """
)


def find_passwords(text: str) -> list[tuple[int, int]]:
    """Character spans (start, end) of disclosed passwords in `text`."""
    spans = []
    for trigger in TRIGGER_RE.finditer(text):
        connector = CONNECTOR_RE.match(text, trigger.end())
        if connector is None:
            continue
        candidate = CANDIDATE_RE.match(text, connector.end())
        if candidate is None:
            continue
        start, end = _trim(text, candidate.start("secret"), candidate.end("secret"))
        explicit = bool(connector.group("explicit"))
        if not explicit and trigger.group().lower() == "pass":
            continue  # "pass the KYC", "new pass There's…": only "pass: X" / "pass is X" count
        if _looks_like_password(text[start:end], explicit=explicit):
            spans.append((start, end))
    for match in BEFORE_RE.finditer(text):
        # Named after the fact, so only what looks like a password by its shape counts.
        if _looks_like_password(match.group("secret"), explicit=False):
            spans.append(match.span("secret"))
    return sorted(set(spans))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    # A sentence's full stop or a closing quote is not part of the password: in an English
    # sentence ("is Hunter2!") it ends the sentence; before CJK text ("Taipei101! 登入失败")
    # it belongs to the password, since CJK sentences use full-width punctuation.
    following = text[end:].lstrip()[:1]
    if following and not following.isascii():
        return start, end
    while end - start > 4 and text[end - 1] in TRAILING_PUNCTUATION:
        end -= 1
    return start, end


def _looks_like_password(candidate: str, *, explicit: bool) -> bool:
    if EMAIL_RE.match(candidate) or URL_RE.match(candidate):
        return False
    lowered = candidate.lower()
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
