"""Browser: a guided experiment on the Train page, from the pick to the comparison, then a reload."""

import re

from playwright.sync_api import expect

from cnn_core.experiments import EXPERIMENTS
from tests.support.server import nav, open_page, wait_idle

EXP = EXPERIMENTS["pooling"]
DONE = re.compile(r"done \(Run \d+, \d+ s\): (\d+\.\d)% validation accuracy")


def _section(page):
    return page.get_by_test_id("stExpander").filter(has_text="Guided experiments")


def test_pooling_experiment_runs_both_variants_and_compares_them(page):
    open_page(page)  # the router first (see test_train.py)
    nav(page, "Train")
    section = _section(page)
    section.get_by_text("Guided experiments").first.click()  # open the expander
    section.get_by_role("combobox", name="Experiment").click()
    page.get_by_role("option", name=EXP.title, exact=True).click()
    wait_idle(page)
    expect(section.get_by_text(EXP.tests)).to_be_visible()
    expect(section.get_by_text(f"{EXP.variants[0].name}: not trained yet")).to_be_visible()

    section.get_by_role("button", name="Start this experiment").click()
    wait_idle(page)
    # the first variant's settings are in the form above (the small preset, 2,000 images, 5 epochs)
    first = EXP.variants[0].recipe
    expect(page.get_by_role("combobox", name="Network")).to_have_value("preset: small")
    held = f"{first.train_size:,} images with {first.validation_split:.0%} held back for validation, in batches of "
    expect(page.get_by_text(f"{held}{first.batch_size}:")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Whole run: \d+ / \d+ batches")).first).to_be_visible(timeout=60_000)

    # the second variant starts by itself when the first has finished; then the chart and the sentence
    section = _section(page)
    result = section.get_by_text(re.compile(r"^Result: After \d+ epochs"))
    expect(result).to_be_visible(timeout=180_000)
    wait_idle(page)
    status = [section.get_by_text(re.compile(rf"{v.name}: done")).inner_text() for v in EXP.variants]
    accuracies = [DONE.search(s).group(1) for s in status]
    sentence = result.inner_text()
    for v, acc in zip(EXP.variants, accuracies, strict=True):
        assert f"{v.name} reached {acc}% validation accuracy" in sentence, (sentence, status)
    # the experiment's chart (the improved preset's recorded run has its own below it)
    chart = section.get_by_test_id("stPlotlyChart").filter(has_text="Validation accuracy per epoch")
    expect(chart).to_be_visible()
    expect(section.get_by_text(re.compile("One line per variant"))).to_be_visible()
    chart.screenshot(path="/tmp/w5/experiment-chart.png")
    # the second variant's network (average pooling, not a preset) is the one in the form now
    expect(page.get_by_role("combobox", name="Network")).to_have_value("edited on the Architecture page")
    page.screenshot(path="/tmp/w5/experiment-done.png", full_page=True)

    page.reload()  # a new session: the experiment's state comes back from the learner's runs
    wait_idle(page)
    expect(_section(page).get_by_text(re.compile(r"^Result: After \d+ epochs"))).to_be_visible(timeout=30_000)
    assert _section(page).get_by_text(re.compile(r"^Result: ")).inner_text() == sentence
