"""Browser steps of class mode (teacher, join, draw, send), shared by the stack tests and benchmarks."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.support.server import wait_idle
from tests.support.strokes import draw_sync, place

METRIC = "[data-testid='stMetricValue']"
CLASS_CODE = re.compile(r"^[A-Z2-9]{6}$")


def new_page(browser, url: str, timeout: float = 60_000):
    """A fresh browser context (its own cookies, so HAProxy may send it to another replica) and its page."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = ctx.new_page()
    page.set_default_timeout(timeout)
    page.app_url = url
    return ctx, page


def teacher_opens(page, url: str, key: str) -> None:
    page.goto(f"{url}/teacher")
    wait_idle(page)
    page.get_by_label("Teacher key").fill(key)
    page.get_by_role("button", name="Open the Teacher page").click()
    wait_idle(page)


def create_class(page) -> str:
    """On an unlocked Teacher page: create a class; returns its code."""
    page.get_by_role("button", name="Create the class").click()
    wait_idle(page)
    return page.get_by_role("heading", name=CLASS_CODE).inner_text().strip()


def join(page, url: str, code: str, nickname: str, path: str = "train") -> None:
    page.goto(f"{url}/{path}?class={code}")
    wait_idle(page)
    page.get_by_role("textbox", name="Your nickname").fill(nickname)
    page.get_by_role("button", name="Join the class").click()
    wait_idle(page)
    expect(page.get_by_test_id("stSidebar").get_by_text(nickname)).to_be_visible()


def draw(page, digit: str) -> None:
    """Draw `digit` with the mouse on the Draw page's canvas and wait for the prediction."""
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for()
    page.wait_for_timeout(500)  # the fresh canvas attaches its mouse handlers
    box = canvas.bounding_box()
    draw_sync(page, place(digit, (box["x"] + 60, box["y"] + 40, box["width"] * 0.45, box["height"] * 0.7)))
    expect(page.locator(METRIC).first).to_be_visible(timeout=60_000)
    wait_idle(page)


def send(page, digit: str) -> None:
    """Send the drawing on the canvas as `digit` to the class's test set."""
    page.get_by_test_id("stSelectbox").filter(has_text="The digit you meant").click()
    page.keyboard.type(digit)  # type to filter the list, Enter takes the match
    page.keyboard.press("Enter")
    wait_idle(page)
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text(f"Sent as a {digit}", exact=False)).to_be_visible(timeout=30_000)
