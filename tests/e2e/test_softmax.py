"""The softmax view in a real browser: draw a digit on the canvas, read the ten scores, exponentials and
probabilities, then pick another true digit and watch the loss change."""

import math

from playwright.sync_api import expect

from tests.support.numbers import LOSS
from tests.support.numbers import number as _number
from tests.support.server import open_page, wait_idle
from tests.support.strokes import draw_sync, place

METRIC = "[data-testid='stMetricValue']"
TABLE = "table[aria-label='softmax step by step']"


def _loss(page) -> tuple[int, float, float]:
    """(k, p_k, loss) from the one loss sentence the page shows (the picked digit's)."""
    shown = page.locator(".cnn-lines > p:visible")
    expect(shown).to_have_count(1)
    text = shown.inner_text()
    m = LOSS.search(text)
    assert m, text
    return int(m.group(1)), _number(m.group(2)), _number(m.group(3))


def test_softmax_and_the_loss_of_a_drawn_digit(page):
    open_page(page, "draw")
    canvas = page.locator("canvas.upper-canvas").first
    canvas.wait_for()
    page.wait_for_timeout(500)  # the canvas attaches its mouse handlers
    box = canvas.bounding_box()
    draw_sync(page, place("7", (box["x"] + 60, box["y"] + 40, 160, 200)))
    expect(page.locator(METRIC).first).to_have_text("7", timeout=30_000)
    wait_idle(page)

    rows = page.locator(f"{TABLE} tbody tr")
    expect(rows).to_have_count(10)
    cells = [[c.strip() for c in rows.nth(d).locator("td").all_inner_texts()] for d in range(10)]
    scores = [float(r[1]) for r in cells]
    exps = [_number(r[3]) for r in cells]
    probs = [_number(r[4]) for r in cells]
    assert max(range(10), key=scores.__getitem__) == 7 and cells[7][2] == "0.00" and exps[7] == 1
    assert all(0 < e <= 1 for e in exps) and math.isclose(sum(probs), 1, abs_tol=2e-3)
    for d in range(10):  # each exponential really is exp(score - max), each share its part of the sum
        assert math.isclose(exps[d], math.exp(scores[d] - scores[7]), rel_tol=0.02, abs_tol=1e-9), cells[d]
        assert math.isclose(probs[d], exps[d] / sum(exps), rel_tol=2e-3, abs_tol=1e-9), cells[d]
    expect(page.get_by_text("The sum of the exponentials:")).to_be_visible()
    expect(page.get_by_text("Why subtract the largest score")).to_be_visible()

    expect(page.locator("fieldset.cnn-w input[type=radio]").nth(7)).to_be_checked()  # starts on the prediction
    k, p, loss = _loss(page)
    assert k == 7 and loss < 1 and math.isclose(loss, -math.log(probs[7]), abs_tol=0.006)
    wrong = min(range(10), key=probs.__getitem__)  # the digit the model finds least likely
    page.locator("fieldset.cnn-w .cnn-pick label").nth(wrong).click()  # picked in the browser, no rerun
    expect(page.get_by_text(f"Cross-entropy loss if the true digit were {wrong}")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("Cross-entropy loss if the true digit were 7")).to_be_hidden()
    wait_idle(page)
    k2, p2, loss2 = _loss(page)
    assert k2 == wrong and loss2 > loss + 5
    bar = page.locator(".cnn-l > div").nth(wrong).locator("i")
    assert bar.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(228, 87, 46)"  # its bar is highlighted
    assert math.isclose(p2, probs[wrong], rel_tol=1e-3)
    assert math.isclose(loss2, -math.log(probs[wrong]), abs_tol=0.01)
    expect(page.locator(METRIC).first).to_have_text("7")  # the drawing and its prediction stay
    expect(page.locator("[data-testid='stException']")).to_have_count(0)
