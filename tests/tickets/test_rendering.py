"""Untrusted text stays inert: Markdown rendered by the library, then sanitised by nh3."""

from tickets.rendering import render_markdown


def test_markdown_is_rendered():
    assert render_markdown("**bold** and `code`") == (
        "<p><strong>bold</strong> and <code>code</code></p>"
    )


def test_scripts_handlers_and_javascript_links_are_removed():
    html = render_markdown(
        '<script>alert(1)</script><img src=x onerror="alert(2)"> [x](javascript:alert(3))'
    )
    assert "<script" not in html
    assert "onerror" not in html
    assert "javascript:" not in html


def test_links_get_safe_rel():
    html = render_markdown("[help](https://example.com/help)")
    assert 'href="https://example.com/help"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
