"""Every page opens in a real browser without an exception element and with its main content."""

import pytest

from tests.support.server import open_page

# url path -> a text that proves the page's main content rendered
PAGES = {
    "": "How a convolutional network reads handwritten digits",
    "data": "The data: 70,000 handwritten digits",
    "kernels": "Kernels",
    "architecture": "Architecture",
    "train": "Train",
    "evaluate": "Evaluate",
    "draw": "Draw",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_page_opens_cleanly(page, path):
    open_page(page, path)
    page.get_by_role("heading", name=PAGES[path]).first.wait_for(timeout=60_000)
    assert page.locator("[data-testid='stException']").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 1


def test_data_page_index_changes_the_matrix(page):
    open_page(page, "data")
    box = page.get_by_label("Image index in the train set")
    box.fill("0")
    box.press("Enter")
    page.get_by_text("train #0: label 5").wait_for()
    assert page.locator("[data-testid='stException']").count() == 0


def test_home_links_lead_to_pages(page):
    open_page(page)
    page.get_by_role("link", name="1. Data: the digits as numbers").click()
    page.get_by_role("heading", name="The data: 70,000 handwritten digits").wait_for()


def test_a_deep_link_on_a_fresh_server_gets_the_app_navigation(chromium):
    """A teacher's link straight to a page, before anyone opened the app, still runs through app.py."""
    from tests.support.server import AppServer, wait_idle

    with AppServer() as server:
        pg = chromium.new_page()
        pg.goto(f"{server.url}/kernels")
        wait_idle(pg, 60_000)
        nav = pg.locator("[data-testid='stSidebarNav']").inner_text()
        pg.close()
    assert "Learn" in nav and "Play" in nav  # the sections of app.py, not a bare file list
    assert "app" not in nav.split()


def test_a_two_segment_address_first_on_a_fresh_server_says_page_not_found(chromium):
    """Before anyone opened a page, a mistyped two-segment address still reaches the app."""
    from tests.support.server import AppServer

    with AppServer() as server:
        pg = chromium.new_page()
        pg.goto(f"{server.url}/train/extra")
        dialog = pg.get_by_role("dialog")
        dialog.wait_for(timeout=60_000)
        text = dialog.inner_text()
        pg.locator("[data-testid='stSidebarNav']").wait_for()
        pg.close()
    assert "Page not found" in text


@pytest.mark.parametrize("path", ["train/extra", "kernels/a/b?x=1"])
def test_an_unknown_two_segment_address_says_page_not_found_like_one_segment(page, path):
    open_page(page, "")  # app.py has run once in this server (see ui/runtime.redirect_nested_paths)
    for p in ("nosuchpage", path):
        page.goto(f"{page.app_url}/{p}")
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=30_000)
        assert "Page not found" in dialog.inner_text()
        page.locator("[data-testid='stSidebarNav']").wait_for()  # the app is there, not a blank page
