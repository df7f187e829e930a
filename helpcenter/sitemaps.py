"""`/sitemap.xml`: the help-center home, categories and public articles in every language."""

from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.urls import path, reverse

from helpcenter.models import Article, Category


class HelpcenterStaticSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True
    changefreq = "daily"

    def items(self) -> list[str]:
        return ["helpcenter:home"]

    def location(self, item: str) -> str:
        return reverse(item)


class CategorySitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Category.objects.order_by("position", "slug")


class ArticleSitemap(Sitemap):
    i18n = True
    alternates = True
    x_default = True

    def items(self):
        return Article.objects.published().filter(audience=Article.Audience.PUBLIC).order_by("pk")

    def lastmod(self, article: Article):
        return article.updated_at


SITEMAPS = {
    "help": HelpcenterStaticSitemap,
    "categories": CategorySitemap,
    "articles": ArticleSitemap,
}

urlpatterns = [
    path("", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
