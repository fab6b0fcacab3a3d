from django.test import RequestFactory

from core.http import attachment_response, client_ip


def request_from(remote="10.0.0.9", forwarded=None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **headers)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from(forwarded="1.2.3.4")) == "10.0.0.9"


def test_one_trusted_proxy_takes_the_rightmost_entry(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client forged the first entry; the proxy appended the real one.
    assert client_ip(request_from(forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from()) == "10.0.0.9"


def test_two_trusted_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from(forwarded="6.6.6.6, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_attachment_keeps_chinese_file_names():
    response = attachment_response(b"x", filename="花名册.xlsx", content_type="text/plain")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E8%8A%B1%E5%90%8D%E5%86%8C.xlsx" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
