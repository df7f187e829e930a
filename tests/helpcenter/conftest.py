import pytest

from helpcenter.demo import load_demo_articles
from helpcenter.models import Article, Category, Section
from helpcenter.search import engine, kept
from helpcenter.services import article_create


@pytest.fixture(autouse=True)
def _forget_the_kept_index():
    """A process keeps community statistics for minutes: not from one test to the next."""
    engine._index.clear()
    kept.forget()


@pytest.fixture
def demo_articles(db) -> None:
    load_demo_articles()


@pytest.fixture
def section(db) -> Section:
    category = Category.objects.create(slug="wallet", name_en="Wallet", name_zh_hans="钱包")
    return Section.objects.create(
        category=category, slug="basics", name_en="Basics", name_zh_hans="基础"
    )


def make_article(section: Section, slug: str, **fields) -> Article:
    defaults = {
        "title_en": "Cold storage of customer funds",
        "body_en": "We keep most customer funds in cold storage wallets.",
        "status": Article.Status.PUBLISHED,
    }
    return article_create(section=section, slug=slug, by=None, **(defaults | fields))
