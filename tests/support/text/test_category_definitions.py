"""Categories follow their definitions (docs/text-analysis.md, "Categories"): keeping one's
verified details current and verifying a company are identity verification (kyc), not
compliance, in every language."""

import pytest

from support.text import analyze

KYC = [
    ("en", "does my verification still work after i get a new id card number"),
    ("en", "a company wants to open a verified account, which documents do you check"),
    ("zh-hans", "身份证换新了，认证信息需要更新吗"),
    ("zh-hans", "我是公司的财务，想开企业认证账户，需要什么文件"),
    ("zh-hant", "換了新的身分證，實名資料要重新送嗎"),
    ("ko", "신분증 새로 발급받았는데 인증 다시 해야 돼요?"),
    ("ja", "法人で口座を開くときの本人確認書類を教えてください"),
]


@pytest.mark.parametrize(("lang", "text"), KYC)
def test_verified_details_and_company_verification_are_kyc(lang, text):
    assert analyze(text, lang_hint=lang).category == "kyc"


RESET_CODES = [
    ("en", "the code to reset my password never came by sms"),
    ("zh-hans", "找回密码的时候收不到验证码短信"),
    ("zh-hant", "重設密碼的簡訊驗證碼都沒來"),
    ("ko", "비밀번호 재설정할 때 인증 문자가 안 와요"),
    ("ja", "パスワードを再設定しようとしても認証コードのSMSが来ません"),
]


@pytest.mark.parametrize(("lang", "text"), RESET_CODES)
def test_the_code_of_a_password_reset_is_password_reset_not_two_factor(lang, text):
    assert analyze(text, lang_hint=lang).category == "password_reset"
