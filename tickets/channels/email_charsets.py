"""Text from the bytes real mail carries, whatever its charset label says.

Mail programs label text with names Python does not know (`iso-gb2312`, `x-unknown`), with
the name of a smaller charset than the one they used (GB2312 for GBK text, Big5 for HKSCS or
cp950 text, EUC-KR for UHC Hangul such as 똠, Shift_JIS for cp932's ①, ㈱ and 髙), or with
nothing at all (ISO-2022-JP without a label). Each label is read as the superset the sender's
software really wrote (what the WHATWG Encoding Standard and the big mail clients do); text
that still does not decode, or has no usable label, is detected (charset-normalizer). Nothing
here raises: the worst case is text with replacement characters, reported as `lossy`.
"""

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes

DETECT_BYTES = 64 * 1024  # detection reads this much; the codec it picks decodes the rest
# Labels read as the superset their senders' software writes.
SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-gb2312": "gb18030",
    "csgb2312": "gb18030",
    "euc-cn": "gb18030",
    "cp936": "gb18030",
    "ms936": "gb18030",
    "windows-936": "gb18030",
    "chinese": "gb18030",
    "gb_2312-80": "gb18030",
    "big5": "big5hkscs",
    "x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "ks_c_5601-1989": "cp949",
    "ksc5601": "cp949",
    "ksc_5601": "cp949",
    "korean": "cp949",
    "csksc56011987": "cp949",
    "windows-949": "cp949",
    "uhc": "cp949",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "csshiftjis": "cp932",
    "windows-31j": "cp932",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
    "ansi_x3.4-1968": "cp1252",
    "unicode-1-1-utf-7": "utf-7",
    "x-unicode-1-1-utf-7": "utf-7",
    "iso-8859-8-i": "iso8859-8",
    "iso-8859-6-i": "iso8859-6",
    "x-mac-roman": "mac-roman",
    "macintosh": "mac-roman",
}
# When the superset still fails: the next best reading before detection.
SECOND_CHOICES = {"big5hkscs": ("cp950",), "cp932": ("euc-jis-2004",), "cp949": ("johab",)}
# Labels that say nothing about the bytes: detect.
MEANINGLESS = {"", "x-unknown", "unknown", "unknown-8bit", "x-user-defined", "default", "charset"}
# Single-byte labels under which valid UTF-8 is far likelier UTF-8 (a mislabelled mail).
LOOSE_LABELS = {"cp1252", "ascii"}
SEVEN_BIT_CODECS = {"utf-7", "hz", "iso2022-jp"}
JIS_ESCAPE_RE = re.compile(rb"\x1b(\(B|\(J|\(I|\$@|\$B|\$\(B|\$\(D|\$\(O|\$\(Q|&@\x1b\$B)")
JIS_MODES = {
    b"(B": "ascii",
    b"(J": "ascii",
    b"(I": "kana",
    b"$@": "jis",
    b"$B": "jis",
    b"$(B": "jis",
    b"&@\x1b$B": "jis",
    b"$(O": "jis",
    b"$(Q": "jis",
    b"$(D": "jis0212",
}


@dataclass(frozen=True)
class Decoded:
    text: str
    charset: str  # the codec that read it
    lossy: bool  # some bytes could not be read (replacement characters)


def codec_for(label: str | None) -> str | None:
    """The Python codec to read text labelled `label` with, or None (unknown, meaningless)."""
    name = (label or "").strip().strip("\"'").lower().split("*")[0]
    if name in MEANINGLESS:
        return None
    if name in {"iso-2022-jp", "csiso2022jp", "iso-2022-jp-1", "iso-2022-jp-2", "jis"}:
        return "iso2022-jp"
    name = SUPERSETS.get(name, name)
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_text(data: bytes, label: str | None = None) -> Decoded:
    """Read `data` labelled `label` (a part's charset, an encoded word's): never raises."""
    if not data:
        return Decoded("", "ascii", False)
    codec = codec_for(label)
    if JIS_ESCAPE_RE.search(data) and data.isascii():
        return _iso2022jp(data)
    if data.isascii() and codec not in SEVEN_BIT_CODECS:
        return Decoded(data.decode("ascii"), "ascii", False)
    if codec in LOOSE_LABELS and (text := _strict(data, "utf-8")) is not None:
        return Decoded(text, "utf-8", False)
    for candidate in (codec, *SECOND_CHOICES.get(codec or "", ()), "utf-8"):
        if candidate and (text := _strict(data, candidate)) is not None:
            return Decoded(text, candidate, False)
    return _detected(data, fallback=codec)


def _strict(data: bytes, codec: str) -> str | None:
    if codec == "iso2022-jp":
        decoded = _iso2022jp(data)
        return None if decoded.lossy else decoded.text
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _detected(data: bytes, *, fallback: str | None) -> Decoded:
    """charset-normalizer's best reading of the first DETECT_BYTES; else the label's codec (or
    UTF-8) with replacement characters."""
    best = from_bytes(data[:DETECT_BYTES]).best()
    codec = best.encoding if best is not None else (fallback or "utf-8")
    if codec == "iso2022-jp":
        return _iso2022jp(data)
    try:
        return Decoded(data.decode(codec), codec, False)
    except UnicodeDecodeError:
        return Decoded(data.decode(codec, errors="replace"), codec, True)
    except LookupError:
        return Decoded(data.decode("utf-8", errors="replace"), "utf-8", True)


# --- ISO-2022-JP ------------------------------------------------------------------------------


def _iso2022jp(data: bytes) -> Decoded:
    """ISO-2022-JP as Microsoft's CP50220 reads it: JIS X 0208 through cp932, so the NEC and
    IBM extensions (①, ㈱, 髙) that Windows and Japanese phones send read too; half-width
    kana (ESC ( I) and JIS X 0212 as well."""
    parts = JIS_ESCAPE_RE.split(data)
    mode, out, lossy = "ascii", [], False
    for index, part in enumerate(parts):
        if index % 2:
            mode = JIS_MODES.get(part, "ascii")
            continue
        text, bad = _jis_segment(part, mode)
        out.append(text)
        lossy = lossy or bad
    return Decoded("".join(out), "iso2022-jp", lossy)


def _jis_segment(part: bytes, mode: str) -> tuple[str, bool]:
    if mode == "ascii" or not part:
        return part.decode("ascii", errors="replace"), not part.isascii()
    if mode == "kana":
        return "".join(_kana(byte) for byte in part), False
    out, lossy, index = [], False, 0
    while index < len(part):
        first = part[index]
        second = part[index + 1] if index + 1 < len(part) else 0
        if 0x21 <= first <= 0x7E and 0x21 <= second <= 0x7E:
            char = _jis_pair(first, second, mode)
            lossy = lossy or char == "\ufffd"
            out.append(char)
            index += 2
        else:  # a line break or space left in double-byte mode: pass it through
            out.append(chr(first) if first < 0x80 else "\ufffd")
            index += 1
    return "".join(out), lossy


def _kana(byte: int) -> str:
    return chr(0xFF61 + byte - 0x21) if 0x21 <= byte <= 0x5F else chr(byte)


def _jis_pair(first: int, second: int, mode: str) -> str:
    if mode == "jis0212":
        return bytes((0x8F, first | 0x80, second | 0x80)).decode("euc_jp", errors="replace")
    lead = (first + 1) // 2 + (0x70 if first <= 0x5E else 0xB0)
    odd_row_trail = second + 0x1F + (1 if second >= 0x60 else 0)
    trail = odd_row_trail if first % 2 else second + 0x7E
    return bytes((lead, trail)).decode("cp932", errors="replace")
