"""PEM private keys, exchange API keys and two-factor codes go through the same redaction."""

import hashlib
import os

import base58
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from support.text import redact_customer_text


def pem_key(kind: str = "ec") -> str:
    """A real private key, made now, in PEM (PKCS#8, or the traditional RSA armour)."""
    if kind == "rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        encoding = serialization.PrivateFormat.TraditionalOpenSSL
    else:
        key = ec.generate_private_key(ec.SECP256K1())
        encoding = serialization.PrivateFormat.PKCS8
    return (
        key.private_bytes(serialization.Encoding.PEM, encoding, serialization.NoEncryption())
        .decode()
        .strip()
    )


def wif_key() -> str:
    return base58.b58encode_check(b"\x80" + os.urandom(32) + b"\x01").decode()


def xprv_key() -> str:
    payload = bytes.fromhex("0488ade4") + bytes(9) + os.urandom(32) + b"\x00" + os.urandom(32)
    return base58.b58encode_check(payload).decode()


@pytest.mark.parametrize("kind", ["ec", "rsa"])
def test_pem_private_key_blocks_are_removed_whole(kind):
    """G2: a pasted PEM block, armour and all, becomes one marker; the sentence stays."""
    key = pem_key(kind)
    redacted = redact_customer_text(f"my wallet key:\n{key}\nplease restore it", lang="en")
    assert redacted.text == "my wallet key:\n[private key removed]\nplease restore it"
    assert redacted.secrets == ["private_key"]


def test_an_unterminated_pem_block_is_removed_to_its_last_line():
    """G2: a block cut off before its END line still goes."""
    body = pem_key().splitlines()[:-2]
    redacted = redact_customer_text("\n".join(body) + "\n\nthanks", lang="en")
    assert redacted.text == "[private key removed]\n\nthanks"


def test_every_private_key_shape_goes_through_the_gate():
    """G2: 64-hex keys named as keys (with or without 0x), WIF and xprv keys."""
    hex_key = hashlib.sha256(os.urandom(8)).hexdigest()
    wif, xprv = wif_key(), xprv_key()
    text = f"private key 0x{hex_key}\nprivkey {hex_key}\nWIF {wif}\n{xprv}"
    redacted = redact_customer_text(text, lang="en")
    assert redacted.secrets == ["private_key"] * 4
    for secret in (hex_key, wif, xprv):
        assert secret not in redacted.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "API key: vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A "
            "secret: NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j",
            "API key: [API key removed] secret: [API key removed]",
        ),
        ("api_secret=7c1f9a2b3d4e5f60718293a4b5c6d7e8", "api_secret=[API key removed]"),
        ("my 2FA code is 123456", "my 2FA code is [2FA code removed]"),
        (
            "Google Authenticator: 123 456, please hurry",
            "Google Authenticator: [2FA code removed], please hurry",
        ),
        ("谷歌验证码是 654321", "谷歌验证码是 [2FA code removed]"),
        ("인증 코드는 246810 입니다", "인증 코드는 [2FA code removed] 입니다"),
        ("認証コードは 135790 です", "認証コードは [2FA code removed] です"),
    ],
)
def test_api_keys_and_two_factor_codes_are_removed(text, expected):
    """G3: exchange API key/secret pairs and two-factor codes, named as such, are removed."""
    assert redact_customer_text(text, lang="en").text == expected


@pytest.mark.parametrize(
    "text",
    [
        "ATOM deposit with memo 532235 still missing",
        "my order id is 123456 and the 2FA reset is pending",
        "I lost my 2FA device, ticket 123456",
        "해킹 방지를 위해 OTP를 설정하고 싶어요",
        "API key and txid 7870f36d492ab48c842f580f53aba9693e675a64bf3dde08d69febaf375c69d6",
        "the api key page says error 403",
        "-----BEGIN PUBLIC KEY----- is what I have",
    ],
)
def test_what_only_looks_like_a_credential_is_kept(text):
    """G7: memos, order ids, ticket numbers, hashes and public keys stay for the agent."""
    assert redact_customer_text(text, lang="en") == (text, [])
