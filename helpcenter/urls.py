from django.urls import path

from helpcenter import views

app_name = "helpcenter"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/feedback/", views.article_feedback, name="feedback"),
    path("<slug:category>/", views.category_detail, name="category"),
    path("<slug:category>/<slug:section>/", views.section_detail, name="section"),
]
