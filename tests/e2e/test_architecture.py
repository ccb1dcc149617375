"""The Architecture page in a real browser: edit block 1 and see Keras' parameter total."""

from dataclasses import replace

from tests.support.server import open_page, wait_idle

TOTAL = "[data-testid='stMetricValue']"


def _go_to_architecture(page):
    # Open the app at its root first: a fresh server serves a deep link before app.py
    # has declared its navigation, and then shows the raw app_pages/ folder instead.
    open_page(page)
    page.get_by_role("link", name="Architecture", exact=True).first.click()
    page.get_by_role("heading", name="Layer by layer").wait_for(timeout=60_000)
    wait_idle(page)  # type only once the run is over, or the rerun may redraw the box under the keystrokes


def test_filters_of_block_1_change_total_to_keras_value(page):
    from cnn_core.architecture import SEED
    from cnn_core.nn.model import build_model

    edited = replace(SEED, conv_blocks=(replace(SEED.conv_blocks[0], filters=16), *SEED.conv_blocks[1:]))
    keras_total = f"{build_model(edited).count_params():,}"

    _go_to_architecture(page)
    assert page.locator(TOTAL).first.inner_text() == "95,082"
    box = page.get_by_label("Filters").first
    box.fill("16")
    box.press("Enter")
    page.wait_for_function(
        "([sel, want]) => document.querySelector(sel)?.innerText === want", arg=[TOTAL, keras_total], timeout=30_000
    )
    assert page.get_by_role("table").first.get_by_text("3×3×1×16 + 16 = 160").count() == 1

    page.get_by_role("button", name="Check with Keras").click()
    page.get_by_text("Keras agrees on every layer").wait_for(timeout=90_000)
    assert keras_total in page.get_by_text("Keras agrees on every layer").inner_text()
    assert page.locator("[data-testid='stException']").count() == 0


def test_broken_network_is_highlighted_not_crashed(page):
    _go_to_architecture(page)
    box = page.get_by_label("Kernel size").first
    box.fill("7")
    box.press("Enter")
    page.get_by_text("= 22").first.wait_for()  # 28 - 7 + 1
    wait_idle(page)
    k3 = page.get_by_label("Kernel size").nth(2)
    k3.fill("7")
    k3.press("Enter")
    page.get_by_text("conv3 cannot exist").wait_for()  # 28 -> 22 -> 11 -> 9 -> 4: no 7x7 fits in 4x4
    assert page.locator("[data-testid='stException']").count() == 0
