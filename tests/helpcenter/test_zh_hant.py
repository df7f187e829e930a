"""Traditional Chinese the way Taiwan writes it: the converted articles, the phrase table, the
quotation marks, the post-edited demo articles and the admin's view of which is which."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client
from django.utils import translation
from django.utils.html import escape

from helpcenter.models import Article
from helpcenter.search import search
from helpcenter.text import article_text
from helpcenter.zh_hant import phrases, to_traditional
from tests.helpcenter.conftest import make_article

ARTICLE = "/zh-hant/help/articles/{slug}/"
CONVERTED = (
    "This article was converted automatically from Simplified Chinese; "
    "a reviewed Traditional Chinese version is not available yet."
)
# What OpenCC alone left in the demo articles, found by a reviewer fluent in Taiwanese
# exchange Chinese: wrong senses (登出 "log out" for closing an account, 稽核 "audit",
# 型別 "data type", 程式碼 "program code", 上鍊, 隻), mainland wording, 賬, and “” quotes.
NEVER_IN_TAIWAN_TEXT = [
    "登出帳戶",
    "登出賬戶",
    "稽核",
    "型別",
    "程式碼",
    "上鍊",
    "隻",
    "郵箱",
    "谷歌",
    "渠道",
    "搞定",
    "賬",
    "許可權",
    "數字貨幣",
    "髮卡",
    "聯系",
    "“",
    "”",
    "‘",
    "’",
]
POST_EDITED = {
    "general-account-deletion-data-export": "關閉帳戶與下載個人資料",
    "scam-phishing-impersonation": "謹防釣魚詐騙與假冒客服：如何查證官方管道",
    "kyc-verification-levels-limits": "認證等級與額度說明",
}


def notice(language: str) -> str:
    """The converted notice as the reader sees it (the lead's translations change over time)."""
    with translation.override(language):
        return escape(translation.gettext(CONVERTED))


def test_no_converted_demo_article_keeps_a_known_wrong_phrase(demo_articles):
    converted = {}
    for article in Article.objects.all():
        text = article_text(article, "zh-hant")
        if text.converted:
            converted[article.slug] = f"{text.title}\n{text.body}"
    found = {
        (slug, phrase)
        for slug, text in converted.items()
        for phrase in NEVER_IN_TAIWAN_TEXT
        if phrase in text
    }
    assert len(converted) == 44 - len(POST_EDITED)
    assert found == set()


@pytest.mark.parametrize(
    ("simplified", "taiwan"),
    [
        ("也可以注销账户。", "也可以關閉帳戶。"),
        (
            "登录后进入 **个人中心 → 安全设置 → 注销账户**。",
            "登入後進入 **個人中心 → 安全設定 → 關閉帳戶**。",
        ),
        ("身份认证一直显示审核中", "身分驗證一直顯示審核中"),
        ("选择证件类型", "選擇證件類型"),
        ("设置专属代码。", "設定專屬代碼。"),
        ("也就是只需投入", "也就是只需投入"),
        ("买入限价单只会以你的价格成交", "買入限價單只會以您的價格成交"),
        ("已上链广播", "已上鏈廣播"),
        ("页面上链接的API文档", "頁面上連結的API文件"),
        ("检查邮箱垃圾箱", "檢查信箱的垃圾郵件匣"),
        ("输入谷歌验证码", "輸入雙重驗證碼"),
        ("结果会通过邮件通知你", "結果會透過電子郵件通知您"),
        ("认证通过后即可交易", "認證通過後即可交易"),  # 通过 meaning "passed" stays
        ("如何核实官方渠道", "如何核實官方管道"),
        ("10分钟内就能搞定。", "10分鐘內就能完成。"),
        ("账户、账号与转账", "帳戶、帳號與轉帳"),
        ("法币充值/提现", "法幣入金/法幣出金"),
        ("打开相机权限", "開啟相機權限"),
    ],
)
def test_the_phrase_table_corrects_what_opencc_gets_wrong(simplified, taiwan):
    assert to_traditional(simplified) == taiwan


def test_every_phrase_row_is_complete_and_said_once():
    rows = phrases()
    assert len(rows) > 200
    assert all(row.wrong and row.right and row.note for row in rows)
    assert len({row.wrong for row in rows}) == len(rows)


def test_no_phrase_row_writes_what_it_should_correct():
    """(Quotation marks are left to the punctuation step after the table.)"""
    rights = " ".join(row.right for row in phrases())
    words = [phrase for phrase in NEVER_IN_TAIWAN_TEXT if phrase not in "“”‘’"]
    assert [phrase for phrase in words if phrase in rights] == []


@pytest.mark.parametrize(
    ("simplified", "taiwan"),
    [
        ("余额视为“粉尘”。", "餘額視為「粉塵」。"),
        ("他说“不要点‘确认’按钮”。", "他說「不要點『確認』按鈕」。"),
        ("“To”显示的可能是合约地址", "「To」顯示的可能是合約地址"),
        ("记录中显示为“内部转", "紀錄中顯示為「內部轉"),  # a snippet cut inside the quotation
    ],
)
def test_quotation_marks_around_chinese_become_corner_brackets(simplified, taiwan):
    assert to_traditional(simplified) == taiwan


@pytest.mark.parametrize(
    "latin",
    [
        "Click “Save” to keep your changes.",
        "Don’t share the ‘recovery phrase’ with anyone.",
        "运行 `echo “密钥”` 查看",
        "打开 https://example.com/“路径” 查看",
    ],
)
def test_quotation_marks_in_latin_text_code_and_urls_stay(latin):
    converted = to_traditional(latin)
    assert [c for c in converted if c in "“”‘’"] == [c for c in latin if c in "“”‘’"]


def test_post_edited_articles_show_their_human_text_the_others_a_converted_one(
    client, demo_articles
):
    page = {slug: client.get(ARTICLE.format(slug=slug)).content.decode() for slug in POST_EDITED}
    assert {slug: f"<h1>{title}</h1>" in page[slug] for slug, title in POST_EDITED.items()} == {
        slug: True for slug in POST_EDITED
    }
    assert [slug for slug in POST_EDITED if notice("zh-hant") in page[slug]] == []
    converted = client.get(ARTICLE.format(slug="kyc-verification-under-review")).content.decode()
    assert "<h1>身分驗證一直顯示審核中怎麼辦？</h1>" in converted
    assert "顯示「審核中」" in converted
    assert notice("zh-hant") in converted


# A reader types what a converted article shows; the index holds its simplified text.
SAME_QUESTION = {
    "透過電子信箱找回帳戶": "通过邮箱找回账户",
    "客服管道與回應時間": "客服渠道与响应时间",
    "網路壅塞提幣延遲": "网络拥堵提币延迟",
    "檢舉詐騙帳戶": "举报诈骗账户",
    "進階認證額度": "高级认证额度",
    "加密貨幣報稅": "数字货币报税",
    "關閉帳戶": "注销账户",
}


def test_taiwan_wording_finds_the_same_article_as_the_simplified(demo_articles):
    reader = AnonymousUser()

    def best(query: str, language: str) -> str:
        return search(query, language=language, user=reader)[0].slug

    taiwan = {query: best(query, "zh-hant") for query in SAME_QUESTION}
    simplified = {query: best(same, "zh-hans") for query, same in SAME_QUESTION.items()}
    assert taiwan == simplified


def test_admin_list_tells_which_articles_zh_hant_text_is_converted(
    client, demo_articles, admin_user
):
    client.force_login(admin_user)
    html = client.get("/admin/helpcenter/article/", {"zh_hant": "converted"}).content.decode()
    assert html.count('<td class="field-zh_hant_source">converted</td>') == 41
    assert "kyc-verification-under-review" in html
    assert "scam-phishing-impersonation" not in html
    human = client.get("/admin/helpcenter/article/", {"zh_hant": "human"}).content.decode()
    assert human.count('<td class="field-zh_hant_source">human</td>') == 3


def test_filling_zh_hant_in_the_admin_replaces_the_conversion(client, section, admin_user):
    article = make_article(
        section, "cold-storage", title_zh_hans="冷钱包", body_zh_hans="大部分资产存放在冷钱包。"
    )
    client.force_login(admin_user)
    url = f"/admin/helpcenter/article/{article.pk}/change/"
    page = client.get(url)
    assert "Converted automatically from the Simplified Chinese text" in page.content.decode()

    data = admin_form_data(page) | {
        "title_zh_hant": "冷錢包",
        "body_zh_hant": "多數資產存放於冷錢包。",
    }
    assert client.post(url, data).status_code == 302

    html = client.get(ARTICLE.format(slug="cold-storage")).content.decode()
    assert "多數資產存放於冷錢包。" in html
    assert notice("zh-hant") not in html
    listing = client.get("/admin/helpcenter/article/").content.decode()
    assert '<td class="field-zh_hant_source">human</td>' in listing


def admin_form_data(page) -> dict:
    """What the browser would post back from an admin change page, unchanged."""
    forms = [page.context["adminform"].form]
    for inline in page.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {"_save": "Save"}
    for form in forms:
        for field in form:
            value = field.value()
            if value is not None:
                data[field.html_name] = value
    return data


def test_outsider_can_neither_see_the_flag_nor_replace_the_conversion(customer, section):
    article = make_article(section, "cold-storage", title_zh_hans="冷钱包")
    client = Client()
    client.force_login(customer)
    listing = client.get("/admin/helpcenter/article/", {"zh_hant": "converted"})
    change = client.post(
        f"/admin/helpcenter/article/{article.pk}/change/", {"title_zh_hant": "冷錢包"}
    )
    assert [listing.status_code, change.status_code] == [302, 302]
    assert article_text(Article.objects.get(pk=article.pk), "zh-hant").converted is True
