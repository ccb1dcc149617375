"""Browser steps on the Train page, shared by the browser tests and the benchmarks."""

from __future__ import annotations

from tests.support.server import wait_idle


def choose_run(page, images: str = "10,000", epochs: int = 3) -> None:
    """Set the Train page's form to `images` training images (as the page writes the number) and
    `epochs` epochs, from the page's defaults (10,000 images, 3 epochs)."""
    page.get_by_text(images, exact=True).click()  # training images
    wait_idle(page)
    slider = page.get_by_test_id("stSlider").filter(has_text="Epochs").get_by_role("slider")
    slider.focus()
    for _ in range(abs(epochs - 3)):
        slider.press("ArrowLeft" if epochs < 3 else "ArrowRight")
    wait_idle(page)


def choose_short_run(page) -> None:
    """The Train page's shortest run: 2,000 training images, 1 epoch."""
    choose_run(page, "2,000", 1)
