"""Demo help-center content from `helpcenter/data/articles.json` (idempotent)."""

import json
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from helpcenter.models import Article, Category, Section
from helpcenter.search.index import reindex_articles
from helpcenter.services import article_create, article_set_questions
from helpcenter.text import field_name

DATA = Path(__file__).resolve().parent / "data" / "articles.json"

# key: (en, zh-hans, zh-hant, ko, ja)
NAMES: dict[str, tuple[str, str, str, str, str]] = {
    "kyc": ("Identity verification", "身份认证", "身分驗證", "본인인증", "本人確認"),
    "deposit_withdrawal": (
        "Deposits & withdrawals",
        "充币与提币",
        "充幣與提幣",
        "입출금",
        "入出金",
    ),
    "fees": ("Fees", "手续费", "手續費", "수수료", "手数料"),
    "trading": ("Trading", "交易", "交易", "거래", "取引"),
    "password_reset": (
        "Password & login",
        "密码与登录",
        "密碼與登入",
        "비밀번호 및 로그인",
        "パスワードとログイン",
    ),
    "two_factor": ("Two-factor authentication", "双重验证", "雙重驗證", "2단계 인증", "二段階認証"),
    "account_recovery": ("Account recovery", "账户找回", "帳戶找回", "계정 복구", "アカウント復旧"),
    "security_incident": (
        "Account security",
        "账户安全",
        "帳戶安全",
        "계정 보안",
        "アカウントのセキュリティ",
    ),
    "scam_report": ("Scams & fraud", "诈骗与欺诈", "詐騙與欺詐", "사기 및 피싱", "詐欺・不正"),
    "compliance": (
        "Compliance & tax",
        "合规与税务",
        "合規與稅務",
        "규정 준수 및 세금",
        "コンプライアンスと税金",
    ),
    "technical": ("App & API", "App 与 API", "App 與 API", "앱 및 API", "アプリとAPI"),
    "general": (
        "Support & account",
        "客服与账户",
        "客服與帳戶",
        "고객지원 및 계정",
        "サポートとアカウント",
    ),
    "Agent Playbooks": (
        "Agent playbooks",
        "客服手册",
        "客服手冊",
        "상담원 플레이북",
        "オペレーター手順書",
    ),
}
LANGUAGE_ORDER = ("en", "zh-hans", "zh-hant", "ko", "ja")


def _names(key: str, fallback: str) -> dict[str, str]:
    names = NAMES.get(key, (fallback,) * 5)
    return {
        field_name("name", lang): name for lang, name in zip(LANGUAGE_ORDER, names, strict=True)
    }


def _section_key(category: str, section: str) -> str:
    keys = {"Agent Playbooks": "Agent Playbooks"}
    return keys.get(section, category)


def load_demo_articles(stdout=None) -> int:
    """Create the categories, sections and articles that are missing; returns how many new."""
    items = json.loads(DATA.read_text(encoding="utf-8"))
    created = 0
    with transaction.atomic():
        for position, item in enumerate(items):
            existing = Article.objects.filter(slug=item["slug"]).first()
            if existing is not None:
                _add_missing_questions(existing, item.get("questions", {}))
                continue
            section = _section(item["category"], item["section"], position)
            questions = item.get("questions", {})
            article_create(
                section=section,
                slug=item["slug"],
                by=None,
                questions=questions,
                index=False,
                **_article_fields(item),
            )
            created += 1
        if created:
            # One rebuild rather than 44 incremental updates of the term counts: ~6 s → ~1 s.
            reindex_articles()
    if stdout is not None:
        stdout.write(f"Help center: {created} demo articles added.\n")
    return created


def _add_missing_questions(article: Article, questions: dict[str, list[str]]) -> None:
    """A demo article loaded before it had questions gets them (languages without any)."""
    have = set(article.questions.values_list("language", flat=True))
    missing = {language: texts for language, texts in questions.items() if language not in have}
    if missing:
        article_set_questions(article=article, questions=missing)


def _section(category_key: str, section_name: str, position: int) -> Section:
    category, _ = Category.objects.get_or_create(
        slug=slugify(category_key.replace("_", "-")),
        defaults={"position": position, "name": NAMES[category_key][0], **_names(category_key, "")},
    )
    section, _ = Section.objects.get_or_create(
        category=category,
        slug=slugify(section_name),
        defaults={
            "position": position,
            "name": section_name,
            **_names(_section_key(category_key, section_name), section_name),
        },
    )
    return section


def _article_fields(item: dict) -> dict:
    fields = {
        "tags": item["tags"],
        "status": Article.Status.PUBLISHED,
        "audience": Article.Audience.INTERNAL if item["internal"] else Article.Audience.PUBLIC,
        "last_reviewed": timezone.now().date(),
    }
    for language, text in item["translations"].items():
        fields[field_name("title", language)] = text["title"]
        fields[field_name("body", language)] = text["body"]
    return fields
