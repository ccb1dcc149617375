"""Browser steps on the Train page, shared by the browser tests and the benchmarks."""

from __future__ import annotations

from tests.support.server import wait_idle


def choose_short_run(page) -> None:
    """Set the Train page's form to its shortest run: 2,000 training images, 1 epoch (from the default 3)."""
    page.get_by_text("2,000", exact=True).click()  # training images
    wait_idle(page)
    epochs = page.get_by_test_id("stSlider").filter(has_text="Epochs").get_by_role("slider")
    epochs.focus()
    for _ in range(2):
        epochs.press("ArrowLeft")  # 3 -> 1 epoch
    wait_idle(page)
