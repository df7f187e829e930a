"""The termbase: the UI catalogues use its words, CI reports a forbidden variant, and short
strings with a context read right in each place they are shown."""

from pathlib import Path

import polib
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import pgettext

from helpcenter.models import Announcement
from livechat import texts
from livechat.models import OfferOutcome
from support.roles import Role
from support.termbase import catalogue_violations, term, terms, violations
from tickets.forms import RemediationForm
from tickets.models import Status


def in_language(language: str, value) -> str:
    with translation.override(language):
        return str(value)


# --- The termbase and its check ----------------------------------------------------------------


def test_every_row_has_a_word_in_every_language():
    assert len(terms()) >= 35
    for row in terms():
        assert row.english, row.concept
        for language in ("zh-hans", "zh-hant", "ko", "ja"):
            assert row.word(language), (row.concept, language)


def test_the_real_catalogues_follow_the_termbase():
    assert catalogue_violations() == []


def test_check_translations_passes_on_the_real_catalogues(capsys):
    call_command("check_translations")
    assert "All catalogues complete." in capsys.readouterr().out


def _catalogue(root: Path, folder: str, entries: list[tuple[str, str]]) -> None:
    catalogue = polib.POFile(wrapwidth=0)
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8"}
    for msgid, msgstr in entries:
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
    path = root / folder / "LC_MESSAGES"
    path.mkdir(parents=True)
    catalogue.save(str(path / "django.po"))


def test_a_forbidden_variant_in_a_catalogue_is_reported(tmp_path):
    _catalogue(
        tmp_path,
        "zh_Hans",
        [
            ("My withdrawal is pending", "我的提现一直在处理中"),
            ("Withdraw the complaint", "撤回投诉"),  # withdraw: retract, another concept
            ("Fiat withdrawal", "法币提现"),  # allowed: a fiat cash-out
        ],
    )
    _catalogue(tmp_path, "zh_Hant", [("Your complaint", "您的申訴"), ("Your appeal", "您的申訴")])

    problems = catalogue_violations(tmp_path)

    assert len(problems) == 2
    assert "'My withdrawal is pending' writes '提现'" in problems[0]
    assert "'提币'" in problems[0]
    assert "'Your complaint' writes '申訴' for 'complaint'" in problems[1]


def test_check_translations_fails_on_a_forbidden_variant(settings, tmp_path):
    for folder in ("zh_Hans", "ko", "ja"):
        _catalogue(tmp_path, folder, [("Amount", "x")])
    _catalogue(tmp_path, "zh_Hant", [("Amount", "金額")])
    settings.LOCALE_PATHS = [tmp_path]

    with pytest.raises(CommandError, match="'Amount' writes '金額' for 'amount'"):
        call_command("check_translations")


def test_a_word_inside_a_longer_word_does_not_count():
    # 谷歌验证器 (the authenticator app) holds 谷歌验证, a forbidden name for 2FA.
    assert violations("请打开谷歌验证器", "zh-hans") == []
    assert violations("请输入谷歌验证码", "zh-hans") == [("two-factor authentication", "谷歌验证")]
    # 암호화폐 (cryptocurrency) holds 암호, a forbidden word for a password.
    assert violations("암호화폐 비밀번호", "ko", english="crypto password") == []
    assert violations("암호를 입력하세요", "ko", english="Enter your password") == [
        ("password", "암호")
    ]


def test_a_word_of_another_concept_counts_only_where_the_english_says_which():
    # Articles use 申訴 for an appeal, which the termbase accepts; a complaint is 客訴.
    assert violations("凍結帳戶申訴", "zh-hant") == []
    assert violations("您的申訴", "zh-hant", english="Your appeal") == []
    assert violations("您的申訴", "zh-hant", english="Your complaint") == [("complaint", "申訴")]


def test_a_common_word_counts_only_where_the_english_names_the_concept():
    assert violations("請提供法幣金額", "zh-hant") == []
    assert violations("金額", "zh-hant", english="Amount") == [("amount", "金額")]
    # A placeholder is a name, not the word: %(agent)s does not make 担当者 an agent.
    assert violations("担当者", "ja", english="%(agent)s's work") == []


def test_the_complaint_and_the_appeal_no_longer_share_a_word_in_traditional_chinese():
    complaint, appeal = term("complaint"), term("appeal")
    assert complaint.word("zh-hant") == "客訴"
    assert appeal.word("zh-hant") == "覆核申請"
    catalogue = polib.pofile(str(Path("locale/zh_Hant/LC_MESSAGES/django.po")))
    assert not [entry.msgid for entry in catalogue if "申訴" in entry.msgstr and not entry.obsolete]


# --- Short strings in their context ------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "ticket_open", "offer_open"),
    [
        ("ko", "진행 중", "수락 대기"),
        ("ja", "対応中", "応答待ち"),
        ("zh-hant", "處理中", "待接受"),
        ("zh-hans", "处理中", "待接受"),
        ("en", "Open", "Open"),
    ],
)
def test_open_is_a_ticket_status_or_a_chat_offer(language, ticket_open, offer_open):
    assert in_language(language, Status.OPEN.label) == ticket_open
    assert in_language(language, OfferOutcome.OPEN.label) == offer_open


@pytest.mark.parametrize(
    ("language", "amount"),
    [("zh-hant", "數量"), ("zh-hans", "数量"), ("ko", "수량"), ("ja", "数量")],
)
def test_amount_is_a_crypto_quantity(language, amount):
    with translation.override(language):
        assert str(RemediationForm().fields["amount"].label) == amount


@pytest.mark.parametrize(
    ("language", "supervisor", "administrator"),
    [
        ("ko", "슈퍼바이저", "관리자"),
        ("ja", "スーパーバイザー", "管理者"),
        ("zh-hans", "主管", "管理员"),
        ("zh-hant", "主管", "管理員"),
    ],
)
def test_supervisor_and_administrator_are_two_roles(language, supervisor, administrator):
    assert in_language(language, Role.SUPERVISOR.label) == supervisor
    assert in_language(language, Role.ADMIN.label) == administrator


@pytest.mark.parametrize(
    ("language", "you"), [("ko", "고객님"), ("ja", "お客様"), ("zh-hans", "您"), ("zh-hant", "您")]
)
def test_you_is_the_polite_customer(language, you):
    with translation.override(language):
        assert pgettext("message author: the customer reading it", "You") == you


def test_information_is_not_the_announcement_in_japanese():
    information = in_language("ja", Announcement.Severity.INFO.label)
    announcement = in_language("ja", Announcement._meta.verbose_name)
    assert (information, announcement) == ("情報", "お知らせ")


@pytest.mark.parametrize(
    ("language", "named", "nameless"),
    [
        (
            "en",
            "Mina from our support team has joined the chat.",
            "An agent has joined the chat.",
        ),
        ("zh-hans", "客服团队的Mina已加入会话。", "客服已加入会话。"),
        ("zh-hant", "客服人員 Mina 已加入對話。", "客服人員已加入對話。"),
        ("ko", "고객지원팀 Mina 님이 채팅에 참여했습니다.", "상담원이 채팅에 참여했습니다."),
        (
            "ja",
            "オペレーターの Mina がチャットに参加しました。",
            "オペレーターがチャットに参加しました。",
        ),
    ],
)
def test_an_agent_joining_reads_as_one_sentence_with_or_without_a_name(language, named, nameless):
    assert texts.joined(language, name="Mina") == named
    assert texts.joined(language, name="") == nameless
