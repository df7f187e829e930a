"""Find the other credentials a customer pastes: PEM private-key blocks, exchange API keys and
secrets, and two-factor codes.

Each is found only where the words next to it name it ("API secret:", "2FA code is", "验证码"),
because the bare shapes (a long token, six digits) are also order ids, memos and hashes that
agents need.
"""

import re

PEM_RE = re.compile(
    r"-----BEGIN (?P<label>[A-Z0-9 ]*PRIVATE KEY(?: BLOCK)?)-----"
    r"(?:.*?-----END (?P=label)-----|(?:\s*(?:[A-Za-z0-9+/=]{16,}|[A-Za-z-]+:[^\n]*))*)",
    re.DOTALL,
)
API_KEY_RE = re.compile(
    r"(?<![A-Za-z])(?:api[\s_-]*(?:key|secret|token)|secret[\s_-]*key|access[\s_-]*key|"
    r"apikey|apisecret|api\s*密钥|api\s*密鑰|api\s*키|api\s*キー|シークレット\s*キー|"
    r"(?:api\s*)?secret)s?"
    r"(?:\s*(?:is|was|:|：|=|是|为|為|는|은|は)\s*|\s+)"
    r"[\"'“‘「]?(?P<secret>[A-Za-z0-9][A-Za-z0-9_+/=-]{15,127})(?![A-Za-z0-9_+/=-])",
    re.IGNORECASE,
)
ONE_TIME_CODE_RE = re.compile(
    r"(?:(?<![A-Za-z0-9])(?:2fa|mfa|otp|totp|two[\s-]*factor|one[\s-]*time\s*(?:code|password)|"
    r"(?:google\s*)?authenticator|verification\s*code|auth(?:entication)?\s*code|"
    r"security\s*code|sms\s*code)(?![A-Za-z])"
    r"|验证码|驗證碼|动态码|動態碼|谷歌验证|谷歌驗證|인증\s*(?:코드|번호)|OTP|"
    r"認証コード|確認コード|ワンタイム(?:パスワード)?)"
    r"(?:\s*(?:code|codes|number|token|pin|코드|번호|コード))?"
    r"(?:\s*(?:is|was|now|:|：|=|-|是|为|為|는|은|は|が))*\s*"
    r"(?P<secret>(?<!\d)\d{3}[\s-]?\d{3}(?:\d{2})?(?!\d))",
    re.IGNORECASE,
)


def find_pem_keys(text: str) -> list[tuple[int, int]]:
    """PEM private-key blocks, with their armour (an unterminated block to its last base64)."""
    return [match.span() for match in PEM_RE.finditer(text)]


def find_api_keys(text: str) -> list[tuple[int, int]]:
    """Tokens of 16+ characters named an API key, secret or token, holding digits and letters."""
    spans = []
    for match in API_KEY_RE.finditer(text):
        secret = match.group("secret")
        if any(char.isdigit() for char in secret) and any(char.isalpha() for char in secret):
            spans.append(match.span("secret"))
    return spans


def find_one_time_codes(text: str) -> list[tuple[int, int]]:
    """Six- or eight-digit codes right after a two-factor word ("my 2FA code is 123 456")."""
    return [match.span("secret") for match in ONE_TIME_CODE_RE.finditer(text)]
