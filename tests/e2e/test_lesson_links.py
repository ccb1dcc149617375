"""Lesson links in a real browser: settings on Kernels and Architecture survive a reload; a copied link
opens the same view in a fresh browser, without the learner's identity; a lock flag disables its control."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import expect

from tests.support.server import open_page, wait_idle

TOTAL = "[data-testid='stMetricValue']"


def _query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _wait_query(page, **want: str) -> None:
    """Wait until the address holds these parameters (the app writes it after each change)."""
    checks = " && ".join(f"p.get({k!r}) === {v!r}" for k, v in want.items())
    page.wait_for_function(f"() => {{ const p = new URLSearchParams(location.search); return {checks}; }}")


def _kernels(page, query: str = "") -> None:
    open_page(page, "")  # a fresh server resolves page addresses once app.py has run
    open_page(page, f"kernels{query}")
    page.get_by_text("Output of ", exact=False).first.wait_for()


def _choose(page, label: str, option: str) -> None:
    page.get_by_role("combobox", name=label).click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def _formula(page) -> str:
    return page.locator("[data-testid='stMarkdownContainer']", has_text="Output size").first.inner_text()


def _change_kernels(page) -> None:
    _choose(page, "Kernel", "Sobel x")
    _choose(page, "Border (padding)", "Reflect")
    stride = page.get_by_label("Stride (1-4)")
    stride.fill("3")
    stride.press("Enter")
    wait_idle(page)
    page.get_by_text("Flip the kernel (true convolution)").click()
    wait_idle(page)
    _wait_query(page, kernel="sobel-x", padding="reflect", stride="3", flip="1")


def _kernels_view_is_the_changed_one(page) -> None:
    expect(page.get_by_role("combobox", name="Kernel")).to_have_value("Sobel x")  # drawn a moment after the run
    expect(page.get_by_role("combobox", name="Border (padding)")).to_have_value("Reflect")
    expect(page.get_by_label("Stride (1-4)")).to_have_value("3")
    expect(page.get_by_label("Flip the kernel (true convolution)")).to_be_checked()
    assert "floor((28 - 3 + 2) / 3) + 1 = 10" in _formula(page)
    assert "Sobel x" in page.get_by_text("Output of ", exact=False).first.inner_text()


def test_kernels_settings_survive_a_reload(page):
    _kernels(page)
    _change_kernels(page)
    page.reload()
    wait_idle(page)
    page.get_by_text("Output of ", exact=False).first.wait_for()
    _kernels_view_is_the_changed_one(page)
    assert page.locator("[data-testid='stException']").count() == 0


def test_architecture_network_survives_a_reload(page):
    open_page(page, "")
    open_page(page, "architecture")
    page.get_by_role("heading", name="Layer by layer").wait_for(timeout=60_000)
    wait_idle(page)
    for label, nth, value in (("Filters", 0, "16"), ("Kernel size", 1, "5"), ("Hidden dense layers", 0, "1")):
        box = page.get_by_label(label).nth(nth)
        box.fill(value)
        box.press("Enter")
        wait_idle(page)
    _wait_query(page, net="c16k3-p2,c64k5-p2,c64k3/d64")
    total = page.locator(TOTAL).first.inner_text()
    assert total != "95,082"
    page.reload()
    wait_idle(page)
    page.get_by_role("heading", name="Layer by layer").wait_for(timeout=60_000)
    expect(page.locator(TOTAL).first).to_have_text(total)
    expect(page.get_by_label("Filters").first).to_have_value("16")  # the box shows its default for a moment
    expect(page.get_by_label("Kernel size").nth(1)).to_have_value("5")
    expect(page.get_by_label("Hidden dense layers")).to_have_value("1")


def _copied_link(page) -> str:
    page.get_by_role("button", name="Copy link to this view").click()
    code = page.locator("[data-testid='stPopoverBody'] [data-testid='stCode'], [data-testid='stPopoverBody'] code")
    code.first.wait_for()
    link = code.first.inner_text().strip()
    page.keyboard.press("Escape")
    return link


def test_a_copied_link_opens_the_same_view_but_not_the_same_learner(page, chromium, app_server):
    from cnn_core.store import learners
    from cnn_core.store.migrate import open_store

    store = open_store()  # the database the test server uses (tests/conftest.py sets it)
    try:
        room = learners.create_class(store, "Lesson links class")
        _, token = learners.join(store, room.code, "Ada")
    finally:
        store.dispose()
    _kernels(page, f"?key={token}")
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Ada")).to_be_visible()
    _change_kernels(page)
    assert _query(page)["key"] == token  # the learner's own tab keeps who they are
    link = _copied_link(page)
    assert token not in link and "key=" not in link and "class=" not in link
    assert link.startswith(app_server.url) and "/kernels?" in link

    ctx = chromium.new_context(viewport={"width": 1400, "height": 1000})
    try:
        other = ctx.new_page()
        other.set_default_timeout(30_000)
        other.goto(link)
        wait_idle(other)
        other.get_by_text("Output of ", exact=False).first.wait_for()
        _kernels_view_is_the_changed_one(other)
        assert "key" not in _query(other)
        assert other.get_by_test_id("stSidebar").get_by_text("Ada").count() == 0
    finally:
        ctx.close()


def test_a_lock_flag_disables_its_controls_until_unlocked(page):
    _kernels(page, "?kernel=sobel-y&stride=2&lock=kernel,stride")
    kernel, stride = page.get_by_role("combobox", name="Kernel"), page.get_by_label("Stride (1-4)")
    expect(kernel).to_have_value("Sobel y")
    expect(stride).to_have_value("2")
    expect(kernel).to_be_disabled()
    expect(stride).to_be_disabled()
    expect(page.get_by_role("combobox", name="Border (padding)")).to_be_enabled()
    expect(page.get_by_text("Some settings are fixed by the lesson", exact=False)).to_be_visible()
    page.get_by_role("button", name="Unlock").click()
    wait_idle(page)
    expect(kernel).to_be_enabled()
    expect(stride).to_be_enabled()
    assert "lock" not in _query(page)


def test_back_button_goes_back_one_change(page):
    _kernels(page)
    stride = page.get_by_label("Stride (1-4)")
    for value in ("2", "3"):
        stride.fill(value)
        stride.press("Enter")
        wait_idle(page)
        _wait_query(page, stride=value)
    page.go_back()
    _wait_query(page, stride="2")
    wait_idle(page)
    expect(page.get_by_label("Stride (1-4)")).to_have_value("2")
    page.get_by_text("floor((28 - 3 + 0) / 2) + 1 = 13").first.wait_for()


def test_a_pushed_lesson_is_offered_and_opened_without_losing_the_learner(page):
    from cnn_core.store import learners, lessons
    from cnn_core.store.migrate import open_store

    store = open_store()
    try:
        room = learners.create_class(store, "Pushed lessons")
        _, token = learners.join(store, room.code, "Grace")
        open_page(page, "")
        open_page(page, f"data?key={token}")
        sidebar = page.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Grace")).to_be_visible()
        lesson = lessons.save(store, room.id, "Sobel y, stride 2", "kernels?kernel=sobel-y&stride=2&lock=stride")
        lessons.push(store, lesson.lesson.id)
    finally:
        store.dispose()
    expect(sidebar.get_by_text("Your teacher shared:")).to_be_visible(timeout=30_000)  # checked every 10 s
    assert "/data" in page.url  # offered, not moved
    sidebar.get_by_role("button", name="Open it").click()
    page.get_by_text("Output of ", exact=False).first.wait_for()
    wait_idle(page)
    assert "/kernels" in page.url and _query(page)["key"] == token
    expect(page.get_by_role("combobox", name="Kernel")).to_have_value("Sobel y")
    expect(page.get_by_label("Stride (1-4)")).to_have_value("2")
    expect(page.get_by_label("Stride (1-4)")).to_be_disabled()
    expect(sidebar.get_by_text("Grace")).to_be_visible()
    assert sidebar.get_by_text("Your teacher shared:").count() == 0
