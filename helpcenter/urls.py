from django.urls import path

from helpcenter import community, verification, views

app_name = "helpcenter"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search_page, name="search"),
    path("articles/<slug:slug>/", views.article_detail, name="article"),
    path("articles/<slug:slug>/feedback/", views.article_feedback, name="feedback"),
    path("verify/", verification.verify_page, name="verify"),
    path("verify/report/", verification.verify_report, name="verify_report"),
    path("community/", community.topic_list, name="community"),
    path("community/new/", community.topic_new, name="topic_new"),
    path("community/<int:pk>/", community.topic_detail, name="topic"),
    path("community/<int:pk>/reply/", community.topic_reply, name="topic_reply"),
    path(
        "community/<int:pk>/clear-answer/", community.topic_clear_answer, name="topic_clear_answer"
    ),
    path("community/<int:pk>/lock/", community.topic_lock, name="topic_lock"),
    path("community/<int:pk>/unlock/", community.topic_unlock, name="topic_unlock"),
    path("community/posts/<int:pk>/hide/", community.post_hide, name="post_hide"),
    path("community/posts/<int:pk>/accept/", community.post_accept, name="post_accept"),
    path("<slug:category>/", views.category_detail, name="category"),
    path("<slug:category>/<slug:section>/", views.section_detail, name="section"),
]
