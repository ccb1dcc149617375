"""Browser: hostile run addresses render nothing live; a second browser cannot control someone's run;
Start is disabled at once; a cancelled run reports only the batches it did."""

import re
from urllib.parse import parse_qs, quote, urlparse

import pytest
from playwright.sync_api import expect

from tests.support.server import nav as _nav
from tests.support.server import open_page, wait_idle

HOSTILE = ("[click here to log in](https://evil.example/login)", "![x](https://evil.example/track.png)")


@pytest.mark.parametrize("address", HOSTILE, ids=["link", "image"])
def test_a_hostile_job_address_renders_no_link_and_fetches_nothing(page, address):
    outside = []
    page.on("request", lambda r: urlparse(r.url).hostname == "evil.example" and outside.append(r.url))
    open_page(page)  # the router first (see test_train.py)
    page.goto(f"{page.app_url}/train?job={quote(address)}")
    wait_idle(page)
    expect(page.get_by_text("This address does not name a training run")).to_be_visible()
    page.wait_for_timeout(500)
    assert page.locator("a[href*='evil.example'], img[src*='evil.example']").count() == 0
    assert "evil.example" not in page.content()
    assert outside == []


def test_a_second_browser_cannot_cancel_or_take_the_owners_run(page, chromium):
    open_page(page)
    _nav(page, "Train")
    page.get_by_text("60,000", exact=True).click()  # long enough to still run while the other browser looks
    wait_idle(page)
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_role("button", name="Start training")).to_be_disabled(timeout=10_000)
    expect(page.get_by_text(re.compile(r"Whole run: \d+ / 2,532 batches"))).to_be_visible(timeout=60_000)
    query = parse_qs(urlparse(page.url).query)
    job_id = query["job"][0]
    assert re.fullmatch(r"[0-9a-f]{12}", job_id) and re.fullmatch(r"[0-9a-f]{32}", query["key"][0])

    other = chromium.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    try:
        other.set_default_timeout(30_000)
        other.goto(f"{page.app_url}/train?job={job_id}")  # the public address: the run id only
        wait_idle(other)
        expect(other.get_by_text("You are looking at someone else's training run")).to_be_visible()
        expect(other.get_by_text(re.compile(r"Whole run: \d+ / 2,532 batches"))).to_be_visible(timeout=30_000)
        expect(other.get_by_role("button", name="Cancel")).to_be_disabled()
        expect(other.get_by_text("No runs yet in this session")).to_be_visible()
        assert "key=" not in other.url
    finally:
        other.context.close()

    page.reload()  # the owner's own tab: a new session that keeps control through its address
    wait_idle(page)
    cancel = page.get_by_role("button", name="Cancel")
    expect(cancel).to_be_enabled(timeout=30_000)
    cancel.click()
    done = page.get_by_text(re.compile(r"Cancelled after 0 full epoch\(s\) and [\d,]+ batches in all"))
    expect(done).to_be_visible(timeout=60_000)
    n = int(re.search(r"and ([\d,]+) batches", done.inner_text()).group(1).replace(",", ""))
    assert 0 < n < 844  # what was done, not the whole epoch
    expect(page.get_by_text(f"Whole run: {n:,} / 2,532 batches")).to_be_visible()
    expect(page.get_by_role("button", name="Score it on the 10,000 test images")).to_be_visible()
