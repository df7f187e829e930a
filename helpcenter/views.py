from django.http import HttpRequest, HttpResponse


def home(request: HttpRequest) -> HttpResponse:
    return HttpResponse("")


search_page = article_detail = article_feedback = category_detail = section_detail = home
