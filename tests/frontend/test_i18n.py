"""Language: the switch, the html lang attribute, and that every template string can be
translated."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "frontend" / "templates"


def test_language_switch_sets_chinese(trainee_client):
    response = trainee_client.post(
        "/i18n/setlang/", {"language": "zh-hans"}, headers={"Referer": "http://testserver/"}
    )
    assert response.status_code == 302
    text = trainee_client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in text
    assert re.search(r'value="zh-hans" lang="zh-hans"\s+aria-pressed="true"', text)
    assert re.search(r'value="en" lang="en"\s+aria-pressed="false"', text)


def test_switch_returns_to_the_page_it_came_from(client):
    response = client.post(
        "/i18n/setlang/",
        {"language": "zh-hans"},
        headers={"Referer": "http://testserver/accounts/login/?next=/audit/"},
    )
    assert response["Location"] == "http://testserver/accounts/login/?next=/audit/"


def test_browser_language_is_honoured(client):
    text = client.get(reverse("login"), headers={"Accept-Language": "zh-CN,zh;q=0.9"}).content
    assert b'<html lang="zh-hans">' in text


def test_login_page_offers_the_switch(client):
    text = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in text
    assert 'action="/i18n/setlang/"' in text
    assert "简体中文" in text


# Text a reader sees, left after removing template tags, comments, variables and markup.
_STRIP = [
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
    re.compile(r"\{%\s*blocktranslate.*?\{%\s*endblocktranslate\s*%\}", re.S),
    re.compile(r"\{#.*?#\}", re.S),
    re.compile(r"\{%\s*block main_class\s*%\}.*?\{%\s*endblock\s*%\}", re.S),  # a CSS class
    re.compile(r"\{%.*?%\}", re.S),
    re.compile(r"\{\{.*?\}\}", re.S),
    re.compile(r"<(script|style)\b.*?</\1>", re.S),
    re.compile(r"<[^>]*>", re.S),
]
# Punctuation and symbols that need no translation.
_NEUTRAL = re.compile(r"^[\s·—–:;,.()“”\"'|/*«»‹›-]*$")
_ATTRIBUTE_TEXT = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_template_text_goes_through_translation(template):
    source = template.read_text()
    for value in _ATTRIBUTE_TEXT.findall(source):
        assert "{%" in value or "{{" in value, f"untranslated attribute text {value!r}"
    text = source
    for pattern in _STRIP:
        text = pattern.sub(" ", text)
    leftovers = [line.strip() for line in text.splitlines() if not _NEUTRAL.match(line)]
    assert leftovers == [], f"text outside translate tags in {template.name}: {leftovers}"
