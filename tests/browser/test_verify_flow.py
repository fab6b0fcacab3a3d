"""Public verification on a phone, in a real browser: an anonymous visitor opens the address
a certificate's QR code carries and sees its state and the masked holder; then looks a
certificate up by number with a wrong name and is told nothing matches, and with the right
name sees it."""

import pytest

from certificates.services import certificate_issue
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.browser


def test_anonymous_visitor_verifies_on_a_phone(live_server, phone_page, artifacts_dir):
    from playwright.sync_api import expect

    holder = make_holder(name="张大伟", national_id="110101199003071234")
    certificate_type = make_type(category="Electrical work", operation_item="Low-voltage")
    theory, practical = qualify(holder, certificate_type)
    certificate = certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )
    page = phone_page

    # The QR code's address: no login, the state and the masked holder.
    response = page.goto(f"{live_server.url}/verify/{certificate.token}/")
    assert response.status == 200
    assert "/accounts/login/" not in page.url
    verdict = page.locator(".verdict")
    expect(verdict.get_by_role("heading", level=1)).to_have_text("Valid")
    expect(verdict).to_contain_text("This certificate is valid.")
    expect(page.locator("dl.fields")).to_contain_text("张*伟")
    expect(page.locator("dl.fields")).to_contain_text(certificate.number)
    expect(page.locator("body")).not_to_contain_text("张大伟")
    expect(page.locator("body")).not_to_contain_text("110101199003071234")
    # Nothing of the signed-in site: no navigation, no account links.
    expect(page.get_by_role("navigation")).to_have_count(0)
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)
    # Fits the phone: nothing scrolls sideways.
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    page.screenshot(path=str(artifacts_dir / "verify-valid-phone.png"), full_page=True)

    # The lookup form with the right number and a wrong name: not found, nothing revealed.
    page.get_by_role("link", name="Check another certificate").click()
    page.get_by_label("Certificate number").fill(certificate.number)
    page.get_by_label("Holder's full name").fill("张小伟")
    page.get_by_role("button", name="Check").click()
    expect(page.get_by_role("alert")).to_have_text("No certificate matches this number and name.")
    expect(page.locator("body")).not_to_contain_text("张*伟")
    expect(page.locator("body")).not_to_contain_text("Electrical work")
    page.screenshot(path=str(artifacts_dir / "verify-not-found-phone.png"), full_page=True)

    # The right name shows the certificate.
    page.get_by_label("Holder's full name").fill("张大伟")
    page.get_by_role("button", name="Check").click()
    expect(page.locator(".verdict h1")).to_have_text("Valid")
    expect(page.locator("dl.fields")).to_contain_text("张*伟")

    # The page switches to Chinese and stays on the certificate.
    page.goto(f"{live_server.url}/verify/{certificate.token}/")
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("dl.fields")).to_contain_text(certificate.number)
