from newsdesk.sanitize import clean_html, clean_text


def test_scripts_handlers_and_javascript_urls_are_removed_but_article_markup_kept():
    dirty = ('<p onclick="steal()">Hello <strong>world</strong></p><script>alert(1)</script>'
             '<a href="javascript:alert(1)">x</a><blockquote><p>Quote</p></blockquote>'
             '<iframe src="https://evil.example/"></iframe><img src="x" onerror="steal()">')
    clean = clean_html(dirty)
    assert "<p>Hello <strong>world</strong></p>" in clean
    assert "<blockquote><p>Quote</p></blockquote>" in clean
    for bad in ("script", "onclick", "javascript:", "iframe", "onerror"):
        assert bad not in clean


def test_links_cannot_leak_the_reader_or_pass_rank():
    assert 'rel="noopener noreferrer nofollow ugc"' in clean_html('<a href="https://example.com/">x</a>')


def test_clean_text_strips_tags_and_unescapes():
    assert clean_text("<b>Fish</b> &amp; chips <script>x</script>") == "Fish & chips"
