"""Browser: train a small run, leave the page and come back while it runs, then Evaluate uses the new model."""

import re

from playwright.sync_api import expect

from tests.support.server import nav as _nav
from tests.support.server import open_page, wait_idle
from tests.support.train_page import choose_short_run


def test_train_switch_pages_and_evaluate(page):
    open_page(page)  # the router first: a server whose first request is /train would run app_pages/ as legacy pages
    _nav(page, "Train")
    choose_short_run(page)
    expect(page.get_by_text("weight updates per epoch, 29 in 1 epoch(s)")).to_be_visible()
    page.get_by_role("button", name="Start training").click()
    expect(page.get_by_text(re.compile(r"Whole run: \d+ / 29 batches"))).to_be_visible(timeout=60_000)
    page.screenshot(path="/tmp/w5/train-running.png", full_page=True)

    _nav(page, "Data")  # leave while it trains
    page.wait_for_timeout(500)
    _nav(page, "Train")
    # back on Train: either still running (progress) or already finished; it must finish
    expect(page.get_by_text(re.compile(r"Run \d+: .* finished in"))).to_be_visible(timeout=120_000)
    expect(page.get_by_text("Learned kernels of the first layer (Q35)")).to_be_visible()
    page.screenshot(path="/tmp/w5/train-done.png", full_page=True)

    page.reload()  # a reload is a new session: the job comes back through the address
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"Run \d+: .* finished in"))).to_be_visible(timeout=30_000)

    _nav(page, "Evaluate")
    expect(page.get_by_text(re.compile(r"Active model: Run \d+: adam"))).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Prediction array shape")).to_be_visible()
    page.screenshot(path="/tmp/w5/evaluate.png", full_page=True)


def test_evaluate_click_a_confusion_cell(page):
    """Clicking a cell of the confusion matrix shows that cell's test images."""
    open_page(page)
    _nav(page, "Evaluate")
    expect(page.get_by_text("Prediction array shape")).to_be_visible(timeout=90_000)
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="predicted digit")
    chart.scroll_into_view_if_needed()
    page.wait_for_timeout(500)
    box = chart.locator(".nsewdrag").first.bounding_box()
    # cell (true 4, predicted 9): columns 0-9 left to right, rows 0-9 top to bottom
    page.mouse.click(box["x"] + box["width"] * 0.95, box["y"] + box["height"] * 0.45)
    wait_idle(page)
    expect(page.get_by_text(re.compile(r"test images of a true 4 predicted as 9"))).to_be_visible(timeout=30_000)
