"""What is new in a customer's email: the quoted earlier mail and the signature set apart.

Agents read the new part first; the full text stays the stored message body (docs/email.md,
"Quoted text"). The split is judged line by line, each line against anchored patterns, so it
costs time in proportion to the text (a 20,000-character body is the most intake keeps).

Recognised, as real clients write them in our five languages (and German, which the corpus
we test on is full of):
- attribution lines: Gmail "On Mon, … wrote:", "… 于2024年1月5日周五 10:00写道：", "… 於 … 寫道：",
  "2024년 1월 5일 (금) … 님이 작성:", "2024年1月5日(金) 10:00 山田 <a@b>:", "… に … が書きました：",
  Apple Mail "2024/01/05 10:00、山田 <a@b>のメール:" and "2024. 1. 5. 오전 10:00, … 작성:",
  Thunderbird "Am 07.05.2012 08:10, schrieb …:", wrapped over up to three lines;
- separators: "-----Original Message-----" (Outlook, Naver, Yahoo Japan), QQ Mail's
  "------------------ 原始邮件 ------------------", "-----원본 메일-----",
  "-----Ursprüngliche Nachricht-----";
- Outlook header blocks (From/Sent/To/Subject and 发件人/发送时间, 寄件者/寄件日期,
  보낸 사람/보낸 날짜, 差出人/送信日時, Von/Gesendet …), also flattened onto one line by an
  HTML-only mail;
- "> " quoting: a quoted block with its attribution, or one that ends the mail, is set apart;
  a quoted block the customer answers below (interleaved replies) stays, as their context;
- signatures: the "-- " delimiter, and "Sent from my iPhone" in its translations.
Forwarded mail ("---------- Forwarded message ----------") is not quoted text: what a customer
forwards to us is usually the point of their message, so it stays.
"""

import functools
import re
from dataclasses import dataclass

QUOTED = re.compile(r"^[ \t]*>")
RULE = re.compile(r"^[ \t]*(?:[-_=—─━]{2,}|\*{3,})[ \t]*$")

SEPARATOR = re.compile(
    r"^[ \t>*]*-{2,}[ \t]*(?:original[ \t]+message|original|reply[ \t]+message|"
    r"ursprüngliche[ \t]+nachricht|original[ \t]+nachricht|"
    r"原始邮件|原始郵件|原始信件|原邮件|原郵件|原始消息|"
    r"원본[ \t]*메일|원본[ \t]*메시지|元のメッセージ|オリジナル[ \t]*メッセージ)"
    r"[ \t]*-{2,}[ \t*]*$",
    re.IGNORECASE,
)

FORWARD = re.compile(
    r"^[ \t>*]*(?:-{2,}[ \t]*(?:forwarded[ \t]+message|weitergeleitete[ \t]+nachricht|"
    r"转发邮件|转发的邮件|轉寄郵件|轉寄的郵件|전달된[ \t]*메시지|전달된[ \t]*메일|転送メッセージ|"
    r"転送されたメッセージ)[ \t]*-{2,}|begin[ \t]+forwarded[ \t]+message[ \t]*:|"
    r"以下是转发的邮件[:：]?|転送されたメッセージ[:：])",
    re.IGNORECASE,
)
FORWARD_SUBJECT = re.compile(
    r"^[ \t>*]*(?:subject|betreff|主题|主題|主旨|제목|件名)[ \t*]*[:：][ \t]*"
    r"(?:fwd?|wg|转发|轉寄|转寄|전달|転送)[ \t]*[:：]",
    re.IGNORECASE,
)
_FROM_LABELS = r"from|von|发件人|發件人|寄件者|寄件人|보낸[ \t]?사람|差出人|送信者"
_OTHER_LABELS = (
    r"sent|date|to|cc|subject|gesendet|datum|an|betreff|"
    r"发送时间|發送時間|时间|時間|日期|收件人|抄送|主题|主題|"
    r"寄件日期|傳送時間|收件者|副本|主旨|"
    r"보낸[ \t]?날짜|받는[ \t]?사람|참조|제목|날짜|"
    r"送信日時|送信日|日時|宛先|件名"
)
HEADER_FROM = re.compile(rf"^[ \t>*]*(?:{_FROM_LABELS})[ \t*]*[:：]", re.IGNORECASE)
HEADER_LINE = re.compile(rf"^[ \t>*]*(?:{_FROM_LABELS}|{_OTHER_LABELS})[ \t*]*[:：]", re.IGNORECASE)
# A block flattened onto one line ("From: A Sent: Monday To: B Subject: C"): the labels inside.
HEADER_INLINE = re.compile(
    rf"(?:^|[ \t*])(?:{_FROM_LABELS}|{_OTHER_LABELS})[ \t*]*[:：]", re.IGNORECASE
)
HEADER_BLOCK_LABELS = 3  # From plus two others (Outlook writes four, QQ Mail four)
HEADER_BLOCK_LINES = 6

# The last line of an attribution: cheap to test on every line; the full patterns below run
# only where it matches.
ATTRIBUTION_END = re.compile(
    r"(?:wrote|writes|schrieb[^:]{0,120}|写道|寫道|작성[^:：]{0,12}|書きました|のメール|>)"
    r"[ \t]*[:：]$",
    re.IGNORECASE,
)
_DATE_OR_ADDRESS = re.compile(r"\d|@")
ATTRIBUTIONS = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^-*[ \t]*(?:on|at)[ \t].{4,400}?[ \t](?:wrote|writes)[ \t]*:$",  # Gmail, Apple, Yahoo
        r"^[^@]{0,300}@\S{1,200}[ \t]+wrote[ \t]*:$",  # "John <john@x.com> wrote:"
        r"^am[ \t].{4,300}?schrieb.{0,200}:$",  # Thunderbird, Apple Mail (de)
        r"^.{0,300}[ \t]schrieb[ \t]am[ \t].{0,200}:$",  # Gmail (de)
        r"^.{0,400}(?:写道|寫道)[ \t]*[:：]$",  # Gmail, Apple Mail, Yahoo (zh)
        r"^.{0,400}님(?:이|께서)[ \t]*작성.{0,10}[:：]$",  # Gmail (ko)
        r"^\d{4}\.[ \t]*\d{1,2}\.[ \t]*\d{1,2}\..{0,300}작성[ \t]*[:：]$",  # Apple Mail (ko)
        r"^.{0,400}(?:が|さんは|さんが)[ \t]*書きました[ \t]*[:：]$",  # Gmail (ja), Thunderbird
        r"^.{0,400}のメール[ \t]*[:：]$",  # Apple Mail (ja)
        r"^\d{4}[-/.年].{0,300}<[^<>@\s]+@[^<>\s]+>[ \t]*[:：]?$",  # Gmail (ja) and dated forms
    )
)
ATTRIBUTION_LINES = 3  # Gmail wraps a long attribution in its plain-text part
ATTRIBUTION_MAX_CHARS = 400  # real ones are far shorter; longer lines are not tried at all

DELIMITER = re.compile(r"^--[ \t]?$")
_DEVICE = re.compile(
    r"iphone|ipad|ipod|\bmac\b|android|galaxy|samsung|huawei|honor|xiaomi|redmi|oppo|vivo|"
    r"oneplus|pixel|xperia|aquos|blackberry|windows|outlook|yahoo|gmail|proton|mobile|phone|"
    r"tablet|华为|華為|荣耀|小米|三星|一加|手机|手機|平板|邮箱|郵箱|网易|網易|"
    r"갤럭시|삼성|안드로이드|아이폰|스마트폰|모바일|네이버|携帯|スマートフォン|スマホ|メール",
    re.IGNORECASE,
)
SENT_FROM = tuple(
    re.compile(pattern, re.IGNORECASE)
    for pattern in (
        r"^sent[ \t]+(?:from|with|via)[ \t]+(?:my[ \t]+)?(?P<device>.{1,40})$",
        r"^(?:get|获取|獲取|取得|下载|下載)[ \t]*(?P<device>outlook[ \t]+for[ \t]+\S{1,12})$",
        r"^(?P<device>outlook[ \t]+for[ \t]+\S{1,12})[ \t]*を入手$",
        r"^(?P<device>\S{1,12}용[ \t]*outlook)[ \t]*(?:받기|다운로드)$",
        r"^von[ \t]+meinem[ \t]+(?P<device>.{1,40})[ \t]+gesendet$",
        r"^(?:发自|發自|来自|來自|寄自)(?:我的)?[ \t]*(?P<device>.{1,25})$",
        r"^(?:从|從)我的[ \t]*(?P<device>.{1,25}?)[ \t]*(?:发送|傳送|寄出|發送)$",
        r"^(?P<device>.{1,30}?)[ \t]*에서[ \t]*(?:보냄|보냈습니다\.?|전송됨)$",
        r"^(?P<device>.{1,30}?)[ \t]*から送信(?:しました)?$",
    )
)
SENT_FROM_MAX_CHARS = 60


@dataclass(frozen=True)
class ReplySplit:
    """`new_text`: what the customer wrote this time; `hidden`: whether anything was set
    apart (quoted mail, a signature). Without anything hidden `new_text` is the whole text."""

    new_text: str
    hidden: bool


# Cached: intake reads each email's split twice (the customer's own words, the new part's HTML).
@functools.lru_cache(maxsize=4)
def email_reply_split(text: str) -> ReplySplit:
    """The text of a customer's email with earlier mail it quotes and its signature set apart.
    When nothing would remain (a forward with no words of their own), nothing is hidden."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    hidden = _quoted_lines(lines)
    _hide_signatures(lines, hidden)
    if not any(hidden):
        return ReplySplit(new_text=text, hidden=False)
    new_text = _join_visible(lines, hidden)
    if not new_text:
        return ReplySplit(new_text=text, hidden=False)
    return ReplySplit(new_text=new_text, hidden=True)


def email_new_text(text: str) -> str | None:
    """The new part of an email body, or None when nothing in it is quoted or a signature."""
    split = email_reply_split(text)
    return split.new_text if split.hidden else None


# --- Quoted mail ---------------------------------------------------------------------------------


def _quoted_lines(lines: list[str]) -> list[bool]:
    hidden = [False] * len(lines)
    index = 0
    while index < len(lines):
        if QUOTED.match(lines[index]):
            end = _block_end(lines, index)
            if _nothing_after(lines, end + 1):
                _hide(hidden, index, end)
            index = end + 1
            continue
        if FORWARD.match(lines[index]):
            index = _forwarded_end(lines, index)  # what they forward is their message
            continue
        start = _header_start(lines, index)
        if start is None:
            index += 1
            continue
        following = _next_text_line(lines, index + 1)
        if following is not None and QUOTED.match(lines[following]):
            end = _block_end(lines, following)  # the mail it answers, then their reply below
            _hide(hidden, start, end)
            index = end + 1
            continue
        _hide(hidden, start, len(lines) - 1)  # top-posting: the rest is the earlier mail
        break
    return hidden


def _header_start(lines: list[str], index: int) -> int | None:
    """Where the quoting header ending or starting at `index` begins, or None."""
    line = lines[index].strip()
    if not line:
        return None
    if SEPARATOR.match(line) or _header_block(lines, index):
        return _rule_before(lines, index)
    if ATTRIBUTION_END.search(line) and (start := _attribution_start(lines, index)) is not None:
        return _rule_before(lines, start)
    return None


def _header_block(lines: list[str], index: int) -> bool:
    """An Outlook-style block: a From line and at least two more header lines below it (or,
    flattened from HTML, three labels on the one line); not one of a forwarded mail."""
    if not HEADER_FROM.match(lines[index]):
        return False
    below = lines[index + 1 : index + HEADER_BLOCK_LINES]
    if any(FORWARD_SUBJECT.match(line) for line in [lines[index], *below]):
        return False
    if len(HEADER_INLINE.findall(lines[index])) >= HEADER_BLOCK_LABELS:
        return True
    labelled = sum(1 for line in below if HEADER_LINE.match(line))
    return labelled + 1 >= HEADER_BLOCK_LABELS


def _forwarded_end(lines: list[str], index: int) -> int:
    """The first line after a forward marker and the header lines under it."""
    index += 1
    while index < len(lines) and (not lines[index].strip() or HEADER_LINE.match(lines[index])):
        index += 1
    return index


def _attribution_start(lines: list[str], index: int) -> int | None:
    for back in range(ATTRIBUTION_LINES):
        start = index - back
        if start < 0 or (back and not lines[start].strip()):
            return None
        joined = " ".join(line.strip().lstrip(">").strip() for line in lines[start : index + 1])
        if len(joined) > ATTRIBUTION_MAX_CHARS:
            return None
        if _DATE_OR_ADDRESS.search(joined) and any(p.match(joined) for p in ATTRIBUTIONS):
            return start
    return None


def _rule_before(lines: list[str], start: int) -> int:
    """Include a horizontal rule (Outlook's line of underscores) right above a header."""
    above = start - 1
    while above >= 0 and not lines[above].strip():
        above -= 1
    return above if above >= 0 and RULE.match(lines[above]) else start


def _block_end(lines: list[str], start: int) -> int:
    """The last quoted line of the block at `start` (blank lines inside it belong to it)."""
    end = start
    for index in range(start + 1, len(lines)):
        if QUOTED.match(lines[index]):
            end = index
        elif lines[index].strip():
            break
    return end


def _next_text_line(lines: list[str], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    return None


def _nothing_after(lines: list[str], start: int) -> bool:
    """Nothing but blank lines or a signature follows (a quote that ends the mail)."""
    following = _next_text_line(lines, start)
    return following is None or _signature_starts(lines[following])


def _hide(hidden: list[bool], start: int, end: int) -> None:
    for index in range(start, end + 1):
        hidden[index] = True


# --- Signatures ----------------------------------------------------------------------------------


def _hide_signatures(lines: list[str], hidden: list[bool]) -> None:
    """Hide from a signature's first line to the end of the visible stretch it is in."""
    index = 0
    while index < len(lines):
        if hidden[index] or not _signature_starts(lines[index], lines, index, hidden):
            index += 1
            continue
        while index < len(lines) and not hidden[index]:
            hidden[index] = True
            index += 1


def _signature_starts(
    line: str, lines: list[str] | None = None, index: int = 0, hidden: list[bool] | None = None
) -> bool:
    if DELIMITER.match(line):
        return True
    if not _sent_from(line):
        return False
    if lines is None or hidden is None:
        return True
    following = _next_text_line(lines, index + 1)  # "Sent from my iPhone" ends what they wrote
    return following is None or hidden[following] or _signature_starts(lines[following])


def _sent_from(line: str) -> bool:
    line = line.strip()
    if not line or len(line) > SENT_FROM_MAX_CHARS:
        return False
    for pattern in SENT_FROM:
        found = pattern.match(line)
        if found and _DEVICE.search(found.group("device")):
            return True
    return False


def _join_visible(lines: list[str], hidden: list[bool]) -> str:
    kept: list[str] = []
    for line, is_hidden in zip(lines, hidden, strict=True):
        if is_hidden or (not line.strip() and kept and not kept[-1].strip()):
            continue
        kept.append(line.rstrip())
    return "\n".join(kept).strip()


def email_new_html(text: str) -> str:
    """The new part of an (already redacted) email body rendered like every message, or ""
    when nothing in it was set apart (the console then shows the whole body)."""
    from tickets.rendering import render_markdown

    new_text = email_new_text(text)
    return render_markdown(new_text) if new_text is not None else ""
