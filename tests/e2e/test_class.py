"""Class mode in real browsers, on the embedded defaults (SQLite, training in the app's own queue): a
teacher opens a class, two learners join, one trains, the other sends three labelled drawings; the
teacher sees it all; the server restarts; everything is still there and the learner's finished run
still answers on the Draw page. (Two learners training at once: tests/stack; measuring networks on
the class's drawings: tests/pages/test_page_teacher.py.)"""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import expect

from tests.support.class_flow import create_class, draw, join, new_page, send, teacher_opens
from tests.support.server import AppServer, wait_idle
from tests.support.train_page import choose_short_run

KEY = "e2e-teacher-key-4821"
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _train_short_run(page) -> None:
    choose_short_run(page)  # 2,000 images, 1 epoch
    page.get_by_role("button", name="Start training").click()
    wait_idle(page)


def test_a_class_trains_draws_and_survives_a_restart(chromium, tmp_path):
    env = {"CNN_EXPLAINER_DB": f"sqlite:///{tmp_path / 'class.sqlite3'}", "CNN_EXPLAINER_TEACHER_KEY": KEY}
    server = AppServer(env=env, log_dir=tmp_path).start()
    contexts = []
    try:
        tctx, teacher = new_page(chromium, server.url)
        contexts.append(tctx)
        teacher_opens(teacher, server.url, KEY)
        code = create_class(teacher)
        expect(teacher.get_by_text(f"{server.url}/?class={code}").first).to_be_visible()  # the join link
        qr = teacher.get_by_test_id("stImage").filter(has_text="QR code of the join link")
        expect(qr.locator("img")).to_be_visible()

        actx, ada = new_page(chromium, server.url)
        bctx, bob = new_page(chromium, server.url)
        contexts += [actx, bctx]
        join(ada, server.url, code, "Ada")
        join(bob, server.url, code, "Bob")
        _train_short_run(ada)

        bob.goto(re.sub(r"/train\?", "/draw?", bob.url))  # Bob's own address (his key), on the Draw page
        wait_idle(bob)
        for digit in ("1", "7", "4"):
            draw(bob, digit)
            send(bob, digit)
            bob.get_by_role("button", name="Clear", exact=True).click()
            wait_idle(bob)
        expect(ada.get_by_text(re.compile(r"Run 1: .* finished in"))).to_be_visible(timeout=240_000)

        # the teacher's page refreshes by itself: both learners, the run, the leaderboard, the drawings
        expect(teacher.get_by_text("Learners (2)")).to_be_visible(timeout=30_000)
        expect(teacher.get_by_text("Runs (1)")).to_be_visible(timeout=30_000)
        expect(teacher.get_by_text("Leaderboard").first).to_be_visible()
        teacher.reload()
        wait_idle(teacher)
        teacher_opens(teacher, server.url, KEY)  # a reload is a new session: the key is asked again
        expect(teacher.get_by_role("button", name="Drawings as .npz (3)")).to_be_visible(timeout=30_000)
        ada_address = ada.url
    except Exception:
        for i, ctx in enumerate(contexts):  # what each browser showed, for the failure report
            ctx.pages[0].screenshot(path=str(ARTIFACTS / f"class-{i}.png"), full_page=True)
        raise
    finally:
        for ctx in contexts:
            ctx.close()
        server.stop()

    again = AppServer(env=env, log_dir=tmp_path)
    again.port, again.url = server.port, server.url  # the same server, restarted
    again.start()
    try:
        tctx, teacher = new_page(chromium, again.url)
        teacher_opens(teacher, again.url, KEY)
        expect(teacher.get_by_text("Runs (1)")).to_be_visible(timeout=30_000)
        expect(teacher.get_by_text("Learners (2)")).to_be_visible()
        expect(teacher.get_by_role("button", name="Drawings as .npz (3)")).to_be_visible()
        tctx.close()

        actx, ada = new_page(chromium, again.url)
        ada.goto(re.sub(r"/train\?", "/draw?", ada_address))  # Ada comes back with her own address
        wait_idle(ada)
        expect(ada.get_by_test_id("stSidebar").get_by_text("Ada")).to_be_visible()
        draw(ada, "1")
        expect(ada.get_by_text(re.compile(r"Answered by: Run 1: adam"))).to_be_visible()  # her own run answers
        actx.close()
    except Exception:
        ada.screenshot(path=str(ARTIFACTS / "class-after-restart.png"), full_page=True)
        raise
    finally:
        again.stop()
