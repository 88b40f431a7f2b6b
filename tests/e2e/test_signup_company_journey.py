"""A newcomer signs up, confirms the email, registers a company, uploads its logo and sees
the public profile, all in a real browser against the live server."""

import re
import shutil
import uuid

from django.core import mail
from django.urls import reverse
from PIL import Image
from stdnum.jp import cn as corporate_number

from partners.models import Membership, Organisation, Role

PASSWORD = "Kyousou-journey-2026!"
COMPANY_NAME = "さくら共創株式会社"
TOKYO = "13"
CHIYODA = "131016"
CONFIRM_LINK = re.compile(r"https?://\S+/accounts/confirm-email/\S+?/")


def _logo_png(path):
    Image.new("RGB", (96, 96), (220, 40, 60)).save(path, format="PNG")
    return path


def test_newcomer_registers_a_company_with_logo(
    page, traffic, live_server, transactional_db, reference_data, tmp_path
):
    # Imported here so that, without playwright, the browser fixture skips (or fails) first.
    from playwright.sync_api import expect

    # Unique per run: allauth's rate limits live in Redis and outlast the flushed database.
    email = f"hanako.{uuid.uuid4().hex[:8]}@example.jp"
    number = corporate_number.calc_check_digit("700110005901") + "700110005901"
    url = live_server.url

    # Sign up.
    page.goto(f"{url}{reverse('account_signup')}")
    signup = page.locator("form[method=post]:has([name=password2])")
    signup.locator("[name=email]").fill(email)
    signup.locator("[name=display_name]").fill("山田 花子")
    signup.locator("[name=password1]").fill(PASSWORD)
    signup.locator("[name=password2]").fill(PASSWORD)
    signup.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/accounts/confirm-email/$"))

    # Verify the address through the link in the email (locmem outbox, shared in-process).
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [email]
    link = CONFIRM_LINK.search(mail.outbox[0].body)
    assert link, mail.outbox[0].body
    page.goto(link.group(0))
    page.locator("form[method=post][action*='/confirm-email/'] button[type=submit]").click()

    # Logged in on confirmation: the dashboard greets the newcomer and offers registration.
    page.wait_for_url(f"{url}{reverse('partners:dashboard')}")
    expect(page.locator("h1")).to_contain_text("山田 花子")
    page.locator(f"main a[href='{reverse('partners:create')}']").click()
    page.locator("main a[href='?kind=company']").click()
    page.wait_for_url(re.compile(r"/organisations/new/\?kind=company$"))

    # Register the company; the municipality list is filled by htmx after the prefecture.
    form = page.locator("form[method=post]:has([name=corporate_number])")
    form.locator("[name=name]").fill(COMPANY_NAME)
    form.locator("[name=name_kana]").fill("サクラキョウソウ")
    form.locator("[name=corporate_number]").fill(number)
    form.locator("[name=legal_form]").select_option("kk")
    form.locator("[name=industry]").select_option("it")
    form.locator("[name=prefecture]").select_option(TOKYO)
    expect(form.locator(f"[name=location] option[value='{CHIYODA}']")).to_be_attached()
    form.locator("[name=location]").select_option(CHIYODA)
    form.locator("button[type=submit]:not([name])").click()

    page.wait_for_url(re.compile(r"/organisations/\d+/$"))
    organisation = Organisation.objects.get(corporate_number=number)
    assert page.url == f"{url}{organisation.get_absolute_url()}"
    assert organisation.kind == "company"
    assert organisation.location_id == CHIYODA
    assert Membership.objects.filter(
        organisation=organisation, user__email=email, role=Role.ADMIN
    ).exists()
    expect(page.locator("h1")).to_have_text(COMPANY_NAME)

    # Upload a logo from the profile's own link.
    page.locator(f"main a[href='{reverse('partners:logo', args=[organisation.pk])}']").click()
    upload = page.locator("form[enctype='multipart/form-data']")
    upload.locator("[name=logo]").set_input_files(_logo_png(tmp_path / "logo.png"))
    upload.locator("button[type=submit]").click()

    # The public profile shows the name and the (actually loaded) logo.
    page.wait_for_url(f"{url}{organisation.get_absolute_url()}")
    organisation.refresh_from_db()
    assert organisation.logo
    expect(page.locator("h1")).to_have_text(COMPANY_NAME)
    logo = page.locator(f"main img[src='{organisation.logo.url}']")
    expect(logo).to_be_visible()
    assert logo.evaluate("img => img.complete && img.naturalWidth > 0")

    screenshot = tmp_path / "profile.png"
    page.screenshot(path=screenshot, full_page=True)
    shutil.copyfile(screenshot, "/tmp/e2e-profile.png")  # for a human look, not asserted

    # The stylesheets came from the live server, nothing else was contacted, nothing broke.
    assert any(u.startswith(f"{url}/static/") and u.endswith(".css") for u in traffic.requests)
    assert traffic.foreign() == []
    assert traffic.errors == []
    assert traffic.failed == []
