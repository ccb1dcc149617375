"""The teacher's tables (cnn_core.store.views): class runs, leaderboard, learners, queue, CSV; both databases."""

import csv
import io

import numpy as np
import pytest
from sqlalchemy import update

from cnn_core import jobs
from cnn_core.architecture import Architecture, ConvBlock, DenseLayer
from cnn_core.formulas import layer_table
from cnn_core.store import drawings, learners, runs, views
from cnn_core.store.tables import Run
from tests.support.jobs import TINY

WIDER = Architecture(conv_blocks=(ConvBlock(8, 3),), dense_layers=(DenseLayer(8),))


def test_class_runs_newest_first_with_their_numbers(kit, store):
    room = kit.room()
    (_, ada), (_, bob) = kit.learner("Ada", room), kit.learner("Bob", room)
    a1 = kit.run(ada, accuracy=0.91)
    b1 = kit.run(bob, arch=WIDER, accuracy=0.95)
    a2 = kit.job(ada, epochs=3, learning_rate=0.01, optimizer="sgd")
    runs.insert(store, a2)
    kit.run(kit.learner("Eve")[1])  # another class: not listed
    rows = views.class_runs(store, room.id)
    assert [r["id"] for r in rows] == [a2.id, b1.id, a1.id]
    first = rows[-1]
    assert {k: first[k] for k in ("nickname", "run", "state", "progress", "test accuracy", "weights")} == {
        "nickname": "Ada",
        "run": 1,
        "state": jobs.DONE,
        "progress": 1.0,
        "test accuracy": 0.91,
        "weights": layer_table(TINY).total_params,
    }
    assert (first["batch"], first["epochs"], first["images"], first["optimizer"]) == (32, 2, 300, "adam")
    assert first["val accuracy"] == a1.history[-1]["val_accuracy"]
    assert first["seconds"] == round(a1.finished - a1.started, 1)
    assert rows[1]["weights"] == layer_table(WIDER).total_params
    queued = rows[0]
    assert (queued["run"], queued["state"], queued["progress"], queued["test accuracy"]) == (2, jobs.QUEUED, 0.0, None)
    assert (queued["optimizer"], queued["learning rate"], queued["seconds"]) == ("sgd", 0.01, None)
    assert set(views.RUN_COLUMNS) <= set(first)


def test_progress_of_a_run_half_way(kit, store):
    room = kit.room()
    _, token = kit.learner("Ada", room)
    job = kit.job(token, epochs=2)
    runs.insert(store, job)
    with store.session() as s:  # its worker wrote: 9 batches an epoch, epoch 1 done -> 9 of 18
        s.execute(update(Run).where(Run.id == job.id).values(steps_per_epoch=9, last_epoch=2, last_batch=0))
    assert views.class_runs(store, room.id)[0]["progress"] == 0.5
    with store.session() as s:
        s.execute(update(Run).where(Run.id == job.id).values(last_epoch=1, last_batch=3))
    assert views.class_runs(store, room.id)[0]["progress"] == round(3 / 18, 3)


def test_leaderboard_best_first_ties_to_fewer_weights(kit, store):
    room = kit.room()
    tokens = [kit.learner(n, room)[1] for n in ("Ada", "Bob", "Cy", "Di")]
    wide = kit.run(tokens[0], arch=WIDER, accuracy=0.95)
    small = kit.run(tokens[1], arch=TINY, accuracy=0.95)
    best = kit.run(tokens[2], arch=WIDER, accuracy=0.97)
    low = kit.run(tokens[3], accuracy=0.5)
    unscored = kit.job(tokens[3])
    runs.insert(store, unscored)
    rows = views.class_runs(store, room.id)
    board = views.leaderboard(rows)
    assert [r["id"] for r in board] == [best.id, small.id, wide.id, low.id]
    assert [r["id"] for r in views.leaderboard(rows, top=2)] == [best.id, small.id]
    # equal accuracy and weights: the earlier run first
    again = kit.run(kit.learner("Zed", room)[1], arch=TINY, accuracy=0.95)
    board = views.leaderboard(views.class_runs(store, room.id))
    assert [r["id"] for r in board][1:3] == [small.id, again.id]


def test_learners_table_counts_runs_and_drawings(kit, store):
    room = kit.room()
    (ada, ada_t), (bob, _), (cy, cy_t) = (kit.learner(n, room) for n in ("Ada", "Bob", "Cy"))
    kit.run(ada_t)
    kit.run(ada_t)
    kit.run(cy_t)
    for _ in range(3):
        drawings.submit(store, bob, np.zeros((28, 28)), 1, [])
    drawings.submit(store, ada, np.zeros((28, 28)), 2, [])
    kit.learner("Eve")  # another class
    table = views.learners_table(store, room.id)
    assert [(r["nickname"], r["runs"], r["drawings"]) for r in table] == [("Ada", 2, 1), ("Bob", 0, 3), ("Cy", 1, 0)]
    assert [r["learner_id"] for r in table] == [ada.id, bob.id, cy.id]


def test_queue_lists_every_active_run_oldest_first(kit, store):
    room = kit.room()
    (_, ada), (_, bob) = kit.learner("Ada", room), kit.learner("Bob", room)
    alone = learners.new_token()
    waiting = [kit.job(t) for t in (ada, alone, bob)]
    for job in waiting:
        runs.insert(store, job)
    kit.run(kit.learner("Cy", room)[1])  # finished: not in the queue
    runs.request_cancel(store, waiting[2].id)  # cancelled before it started: gone from the queue
    q = views.queue(store)
    assert [r["id"] for r in q] == [waiting[0].id, waiting[1].id]
    assert [(r["nickname"], r["class"]) for r in q] == [("Ada", room.code), ("(alone)", "-")]


@pytest.mark.parametrize("evil", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"])
def test_csv_never_lets_a_cell_run_as_a_formula(evil):
    row = {c: None for c in views.RUN_COLUMNS} | {"nickname": evil, "run": 1, "test accuracy": 0.97, "weights": -5}
    text = views.runs_csv([row]).decode()
    back = list(csv.DictReader(io.StringIO(text)))
    assert list(back[0]) == list(views.RUN_COLUMNS)
    assert back[0]["nickname"] == "'" + evil
    assert (back[0]["run"], back[0]["test accuracy"], back[0]["weights"]) == ("1", "0.97", "-5")  # numbers stay numbers


def test_csv_of_a_real_class(kit, store):
    room = kit.room()
    _, token = kit.learner("-Ada", room)  # a nickname may start with '-'
    job = kit.run(token)
    _, token = kit.learner("Bob O'Neil", room)
    kit.run(token)
    back = list(csv.DictReader(io.StringIO(views.runs_csv(views.class_runs(store, room.id)).decode())))
    assert [r["nickname"] for r in back] == ["Bob O'Neil", "'-Ada"]
    assert back[1]["id"] == job.id and float(back[1]["test accuracy"]) == job.test_accuracy
    assert "learner_id" not in back[0] and "created" not in back[0]
