"""The default survey policy (2 hours after solving, one reminder after 2 days, no survey
within 7 days of the last, links valid 14 days) and the default quality scorecard in the five
languages; admins edit both."""

from django.db import migrations

CRITERIA = {
    "correct_answer": {
        "en": "Correct and complete answer",
        "zh-hans": "答复正确且完整",
        "zh-hant": "答覆正確且完整",
        "ko": "정확하고 완전한 답변",
        "ja": "正確で漏れのない回答",
    },
    "tone": {
        "en": "Tone: polite, clear, empathetic",
        "zh-hans": "语气：礼貌、清楚、有同理心",
        "zh-hant": "語氣：禮貌、清楚、有同理心",
        "ko": "어조: 정중하고 명확하며 공감하는 태도",
        "ja": "言葉遣い：丁寧で分かりやすく、共感がある",
    },
    "no_secrets_asked": {
        "en": "Never asked for a password, 2FA code, seed phrase or private key",
        "zh-hans": "从未索要密码、双重验证码、助记词或私钥",
        "zh-hant": "從未索取密碼、雙重驗證碼、助記詞或私鑰",
        "ko": "비밀번호, 2FA 코드, 시드 문구, 개인 키를 요구하지 않음",
        "ja": "パスワード、二段階認証コード、シードフレーズ、秘密鍵を求めていない",
    },
    "identity_verified": {
        "en": "Verified identity before any account action",
        "zh-hans": "在任何账户操作前核实了身份",
        "zh-hant": "在任何帳戶操作前核實了身分",
        "ko": "계정 조치 전에 본인 확인을 함",
        "ja": "アカウント操作の前に本人確認をした",
    },
    "resolved": {
        "en": "Resolved the customer's problem",
        "zh-hans": "解决了客户的问题",
        "zh-hant": "解決了客戶的問題",
        "ko": "고객의 문제를 해결함",
        "ja": "お客様の問題を解決した",
    },
    "right_macro": {
        "en": "Used the right macro or article",
        "zh-hans": "使用了正确的快捷回复或文章",
        "zh-hant": "使用了正確的快捷回覆或文章",
        "ko": "알맞은 매크로나 도움말을 사용함",
        "ja": "適切な定型文や記事を使った",
    },
}


def create_defaults(apps, schema_editor):
    SurveyPolicy = apps.get_model("tickets", "SurveyPolicy")
    SurveyPolicy.objects.get_or_create(channel="")
    ReviewCriterion = apps.get_model("tickets", "ReviewCriterion")
    for order, (key, labels) in enumerate(CRITERIA.items()):
        for language, label in labels.items():
            ReviewCriterion.objects.get_or_create(
                key=key, language=language, defaults={"label": label, "order": order}
            )


class Migration(migrations.Migration):
    dependencies = [("tickets", "0013_surveys_and_reviews")]
    operations = [migrations.RunPython(create_defaults, migrations.RunPython.noop)]
