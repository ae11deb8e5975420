from newsdesk.ingest.urls import normalize_url, same_site


def test_tracking_parameters_and_fragments_are_dropped_and_the_rest_kept_in_order():
    url = "HTTPS://News.Example.COM:443/a/b?id=7&utm_source=x&fbclid=abc&page=2&gclid=1#comments"
    assert normalize_url(url) == "https://news.example.com/a/b?id=7&page=2"


def test_non_default_port_and_empty_path_are_normalized():
    assert normalize_url("http://127.0.0.2:8100") == "http://127.0.0.2:8100/"
    assert normalize_url("http://example.com:80/x") == "http://example.com/x"


def test_same_site_ignores_www_but_not_other_hosts():
    assert same_site("https://www.example.com/a", "https://example.com/b")
    assert not same_site("https://example.com/a", "https://example.org/a")
