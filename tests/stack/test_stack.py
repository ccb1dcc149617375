"""The stack in real browsers, through a real HAProxy on loopback: two app processes, one PostgreSQL,
a Dask scheduler and two workers.

One class, in order (the tests share the module's stack and the class they build):
1. a teacher opens a class; two learners in separate browser contexts are routed to different
   replicas (HAProxy's cookie says which), join the class and train at the same time on the two Dask
   workers; a teacher page on each replica shows both runs' progress, the database shows the two
   runs overlapped, and both learners cancel them (stopped after a batch, weights kept);
2. PostgreSQL restarts: a page loaded meanwhile says "Reconnecting" in plain words (never a stack
   trace) and comes back by itself; nothing already written is lost;
3. the Dask worker training a learner's run is killed (worker and nanny, SIGKILL, as a machine losing
   power): his Train page says in plain words that the machine training it stopped, within the stated
   time; he restarts it with one click and the other worker trains it (he cancels it part way);
4. one replica is stopped: HAProxy's health check takes it out, and its learner's next page load reaches
   the other replica and finds there who she is, her class, her run (its model answers her drawing) and
   the drawing she sent before.
"""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from cnn_core.store import learners
from cnn_core.store.migrate import open_store
from cnn_core.store.tables import Learner, Run
from tests.stack.conftest import TEACHER_KEY
from tests.support.class_flow import create_class, draw, join, new_page, send, teacher_opens
from tests.support.server import wait_idle
from tests.support.stack import COOKIE
from tests.support.train_page import choose_run

OPEN_PAGES: list = []  # every page a test opened: screenshots on failure (conftest)
CLASS: dict = {}  # what test 1 built, for the later tests


def replica_of(page) -> str:
    """The replica HAProxy pinned this browser context to: its sticky cookie's value (app1, app2)."""
    values = [c["value"] for c in page.context.cookies() if c["name"] == COOKIE]
    assert len(values) == 1, f"expected one {COOKIE} cookie, got {page.context.cookies()}"
    return values[0]


def table_rows(frame) -> list[dict[str, str]]:
    """A st.dataframe's rows as {column: text}, read from the table the grid keeps for screen readers."""
    cells = frame.evaluate("el => [...el.querySelectorAll('tr')].map(tr => [...tr.children].map(c => c.textContent))")
    if not cells:
        return []
    return [dict(zip(cells[0], row, strict=False)) for row in cells[1:]]


def _runs(stack, code: str, nickname: str | None = None) -> list[Run]:
    """The class's runs in the database, oldest first (only `nickname`'s if given)."""
    from sqlalchemy import select

    store = open_store(stack.db_url, migrate=False)
    try:
        room = learners.find_class(store, code)
        query = select(Run).join(Learner, Run.learner_id == Learner.id).where(Run.class_id == room.id)
        if nickname:
            query = query.where(Learner.nickname == nickname)
        with store.session() as s:
            return list(s.scalars(query.order_by(Run.created)))
    finally:
        store.dispose()


def _open(browser, url: str):
    ctx, page = new_page(browser, url)
    OPEN_PAGES.append(page)
    return page


def test_two_learners_on_two_replicas_train_at_once_and_each_replica_teacher_sees_both(stack, chromium):
    url = stack.url
    teacher = _open(chromium, url)
    teacher_opens(teacher, url, TEACHER_KEY)
    code = create_class(teacher)
    ada, bob = _open(chromium, url), _open(chromium, url)
    join(ada, url, code, "Ada")
    join(bob, url, code, "Bob")
    on = {"Ada": replica_of(ada), "Bob": replica_of(bob)}
    assert on["Ada"] != on["Bob"], f"both learners on one replica: {on}"  # round robin over new browsers

    for learner in (ada, bob):  # the default run (10,000 images, 3 epochs): long enough for teacher screens
        learner.get_by_role("button", name="Start training").click()  # refreshed every 3 s to see it part way
    for learner in (ada, bob):  # even where training is fast; they cancel it once the teachers have seen that
        wait_idle(learner)

    teacher2 = _open(chromium, url)  # a second teacher screen, on the other replica
    teacher_opens(teacher2, url, TEACHER_KEY)
    assert replica_of(teacher2) != replica_of(teacher)
    for t in (teacher, teacher2):
        expect(t.get_by_text("Runs (2)")).to_be_visible(timeout=30_000)

    # live progress on both teacher screens: each shows both runs part way
    seen: list[dict[str, set[float]]] = [{"Ada": set(), "Bob": set()}, {"Ada": set(), "Bob": set()}]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and not all(who for screen in seen for who in screen.values()):
        for i, t in enumerate((teacher, teacher2)):
            for row in table_rows(t.get_by_test_id("stDataFrame").nth(1)):
                if row.get("state") == "running" and 0 < float(row.get("progress") or 0) < 1:
                    seen[i][row["nickname"]].add(float(row["progress"]))
        time.sleep(0.5)
    for i in (0, 1):
        for who in ("Ada", "Bob"):
            assert seen[i][who], f"teacher screen {i + 1} never saw {who}'s run part way: {seen}"
    runs = _runs(stack, code)
    assert [r.state for r in runs] == ["running", "running"], [(r.state, r.message) for r in runs]
    assert runs[0].worker != runs[1].worker, [r.worker for r in runs]  # two trainers, one run each, at once
    assert all(r.worker.startswith("dask ") for r in runs), [r.worker for r in runs]  # on the Dask workers
    for learner in (ada, bob):  # no need to train 3 epochs: stopped after a batch, weights kept
        learner.get_by_role("button", name="Cancel").click()
    for learner in (ada, bob):
        expect(learner.get_by_text(re.compile(r"Cancelled after"))).to_be_visible(timeout=60_000)
    runs = _runs(stack, code)
    assert [r.state for r in runs] == ["cancelled", "cancelled"], [(r.state, r.message) for r in runs]
    assert runs[0].started < runs[1].finished and runs[1].started < runs[0].finished, "not trained at once"
    CLASS.update(code=code, ada=ada, bob=bob, teacher=teacher)


def _class() -> dict:
    assert CLASS, "this test continues the class the first test of the module builds, and it failed"
    return CLASS


def test_a_postgresql_restart_says_reconnecting_and_loses_nothing(stack, chromium):
    ada, teacher = _class()["ada"], CLASS["teacher"]
    before = [(r.id, r.state, r.test_accuracy) for r in _runs(stack, CLASS["code"])]
    stack.stop_postgres()
    try:
        ada.reload()  # a page load while the database is away
        wait_idle(ada)
        expect(ada.get_by_text("Reconnecting to the database")).to_be_visible()
        expect(teacher.get_by_text("Reconnecting to the database").first).to_be_visible(timeout=15_000)
        for page in (ada, teacher):
            assert "Traceback" not in page.content() and page.get_by_test_id("stException").count() == 0
    finally:
        stack.start_postgres()
    # both pages come back by themselves (Ada's retries every few seconds, the teacher's tables re-read)
    expect(ada.get_by_test_id("stSidebar").get_by_text("Ada")).to_be_visible(timeout=30_000)
    expect(ada.get_by_text(re.compile(r"Cancelled after"))).to_be_visible()
    expect(ada.get_by_text("Reconnecting to the database")).to_have_count(0)
    expect(teacher.get_by_text("Reconnecting to the database")).to_have_count(0, timeout=15_000)
    assert [(r.id, r.state, r.test_accuracy) for r in _runs(stack, CLASS["code"])] == before


def test_a_killed_worker_says_so_in_plain_words_and_the_restart_trains_on_the_other(stack, chromium):
    bob, code = _class()["bob"], CLASS["code"]
    bob.reload()  # a fresh page (PostgreSQL restarted under it)
    wait_idle(bob)
    choose_run(bob, "10,000", 1)  # long enough to be caught part way; its restart is as long
    bob.get_by_role("button", name="Start training").click()
    wait_idle(bob)
    run = _trained_part_way(stack, code, "Bob")
    assert run.worker.startswith("dask "), run.worker
    stack.dask.kill_worker(run.worker.removeprefix("dask "))
    t0 = time.monotonic()
    expect(bob.get_by_text("the machine training this run stopped").first).to_be_visible(timeout=60_000)
    print(f"a killed worker's run said so on the learner's page {time.monotonic() - t0:.1f} s after the kill")
    assert "Traceback" not in bob.content() and bob.get_by_test_id("stException").count() == 0
    stopped = _runs(stack, code, "Bob")[-1]
    assert (stopped.id, stopped.state, stopped.active) == (run.id, "interrupted", False)

    bob.get_by_role("button", name="Restart it").click()
    wait_idle(bob)
    again = _trained_part_way(stack, code, "Bob", not_this=run.id)
    assert (again.arch, again.recipe) == (run.arch, run.recipe)
    assert again.worker.startswith("dask ") and again.worker != run.worker, again.worker  # the other worker
    bob.get_by_role("button", name="Cancel").click()  # no need to wait for the end: it trains, on the other one
    expect(bob.get_by_text(re.compile(r"Cancelled after"))).to_be_visible(timeout=30_000)
    assert _runs(stack, code, "Bob")[-1].state == "cancelled"


def _trained_part_way(stack, code: str, nickname: str, not_this: str = "", timeout: float = 120) -> Run:
    """`nickname`'s newest run (other than `not_this`) once a worker has trained a batch of it (or
    whatever it is at the timeout)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        run = _runs(stack, code, nickname)[-1]
        if run.id != not_this and run.last_batch:
            break
        time.sleep(0.2)
    assert run.state == "running" and run.last_batch, (run.state, run.message)
    return run


def test_a_stopped_replica_sends_its_learner_to_the_other_with_everything(stack, chromium):
    ada = _class()["ada"]
    ada.goto(re.sub(r"/train\?", "/draw?", ada.url))  # her own address (her key), on the Draw page
    wait_idle(ada)
    draw(ada, "1")
    send(ada, "1")
    gone = replica_of(ada)
    stack.stop_app(int(gone.removeprefix("app")) - 1)
    stack.wait_states({gone: "DOWN"}, timeout=15)  # the health checks took it out

    ada.reload()  # her next page load
    wait_idle(ada)
    assert replica_of(ada) != gone
    expect(ada.get_by_test_id("stSidebar").get_by_text("Ada")).to_be_visible()  # who she is, her class
    draw(ada, "7")
    expect(ada.get_by_text(re.compile(r"Answered by: Run 1: adam"))).to_be_visible()  # her run, from the database
    send(ada, "7")

    teacher = _open(chromium, stack.url)  # lands on the surviving replica
    teacher_opens(teacher, stack.url, TEACHER_KEY)
    assert replica_of(teacher) != gone
    expect(teacher.get_by_text("Learners (2)")).to_be_visible()
    expect(teacher.get_by_role("button", name="Drawings as .npz (2)")).to_be_visible()  # the one sent before too
