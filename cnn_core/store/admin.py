"""The admin command line: the Teacher page's tasks from a terminal, through the same store functions.

    python -m cnn_core.store.admin classes                      # every class: code, name, counts, open/closed
    python -m cnn_core.store.admin runs [--class CODE]          # runs of one class, or of every class
    python -m cnn_core.store.admin export-runs CODE out.csv
    python -m cnn_core.store.admin export-drawings CODE out.npz
    python -m cnn_core.store.admin delete-learner CODE NICKNAME [--yes]
    python -m cnn_core.store.admin close CODE
    python -m cnn_core.store.admin teacher-key                  # where the key is kept, and the key

The database is $CNN_EXPLAINER_DB (default: SQLite in the app's cache folder), as for the app.
Exit status: 0 done, 1 refused (unknown class or learner, a database fault), 2 bad arguments.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from cnn_core import jobs
from cnn_core.store import drawings, learners, runs, views
from cnn_core.store.db import StoreError
from cnn_core.store.migrate import open_store
from cnn_core.teacher_key import teacher_key

ACTIVE = (jobs.QUEUED, jobs.RUNNING)
RUN_COLUMNS = ("class", "nickname", "run", "state", "progress", "test accuracy", "optimizer", "learning rate", "id")


class Refused(Exception):
    """What was asked cannot be done; str(e) says why."""


def printable(value) -> str:
    """A cell for the terminal: control characters (escape sequences in a class name) become '?'."""
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4f}"
    return "".join(c if c.isprintable() else "?" for c in str(value))


def table(rows: list[dict], columns: tuple[str, ...] | list[str]) -> str:
    """Rows as aligned text columns under a header."""
    cells = [[printable(r.get(c)) for c in columns] for r in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True))]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)) for row in cells]
    return "\n".join(line.rstrip() for line in lines)


def _room(store, code: str):
    room = learners.find_class(store, code)
    if room is None:
        raise Refused(
            f"No class has the code {printable(code)!r}. List them with: python -m cnn_core.store.admin classes"
        )
    return room


def cmd_classes(store, args) -> str:
    rows = []
    for room in learners.classes(store):
        people = views.learners_table(store, room.id)
        rows.append(
            {
                "code": room.code,
                "name": room.name,
                "learners": len(people),
                "runs": sum(p["runs"] for p in people),
                "drawings": sum(p["drawings"] for p in people),
                "state": "open"
                if room.closed is None
                else "closed " + time.strftime("%Y-%m-%d", time.localtime(room.closed)),
                "created": time.strftime("%Y-%m-%d %H:%M", time.localtime(room.created)),
            }
        )
    if not rows:
        return "No classes yet. Open one on the Teacher page."
    return table(rows, ("code", "name", "learners", "runs", "drawings", "state", "created"))


def cmd_runs(store, args) -> str:
    rooms = [_room(store, args.class_code)] if args.class_code else learners.classes(store)
    rows = [{**r, "class": room.code} for room in rooms for r in views.class_runs(store, room.id)]
    return table(rows, RUN_COLUMNS) if rows else "No runs."


def cmd_export_runs(store, args) -> str:
    room = _room(store, args.code)
    rows = views.class_runs(store, room.id)
    Path(args.out).write_bytes(views.runs_csv(rows))
    return f"Wrote {len(rows)} runs of class {room.code} to {args.out}"


def cmd_export_drawings(store, args) -> str:
    room = _room(store, args.code)
    images, labels, meta = drawings.of_class(store, room.id)
    Path(args.out).write_bytes(drawings.export_npz(images, labels, meta))
    return f"Wrote {len(labels)} drawings of class {room.code} to {args.out} (x: uint8 (n, 28, 28), y, nickname, id)"


def cmd_delete_learner(store, args) -> str:
    room = _room(store, args.code)
    key = args.nickname.strip().casefold()
    who = next((m for m in learners.members(store, room.id) if (m.nickname or "").casefold() == key), None)
    if who is None:
        raise Refused(f"Class {room.code} has no learner called {printable(args.nickname)!r}.")
    active = [r["id"] for r in views.class_runs(store, room.id) if r["learner_id"] == who.id and r["state"] in ACTIVE]
    if active:  # deleted while training, the run would still try to write its progress: stop it first
        for rid in active:
            runs.request_cancel(store, rid)
        raise Refused(
            f"{printable(who.nickname)} has a run queued or training; it was asked to stop. "
            "Run this again in a few seconds, once it has stopped."
        )
    n = next(p for p in views.learners_table(store, room.id) if p["learner_id"] == who.id)
    what = f"{printable(who.nickname)} of class {room.code} ({n['runs']} runs, {n['drawings']} drawings)"
    if not args.yes:
        answer = input(f"Delete {what} for good? Type yes: ")
        if answer.strip().lower() != "yes":
            raise Refused("Nothing was deleted.")
    learners.delete_learner(store, who.id)
    return f"Deleted {what}."


def cmd_close(store, args) -> str:
    room = _room(store, args.code)
    if room.closed is not None:
        return f"Class {room.code} was already closed."
    learners.close_class(store, room.id)
    return f"Closed class {room.code}: nobody can join it any more; everything it kept stays readable."


def cmd_teacher_key(store, args) -> str:
    key, where = teacher_key()
    return f"The teacher key (from {where}): {key}"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m cnn_core.store.admin", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("classes", help="list every class").set_defaults(run=cmd_classes)
    r = sub.add_parser("runs", help="list runs (of one class with --class)")
    r.add_argument("--class", dest="class_code", metavar="CODE")
    r.set_defaults(run=cmd_runs)
    for name, fn, ext in (("export-runs", cmd_export_runs, "csv"), ("export-drawings", cmd_export_drawings, "npz")):
        e = sub.add_parser(name, help=f"write a class's {name.split('-')[1]} to a .{ext} file")
        e.add_argument("code")
        e.add_argument("out", metavar=f"OUT.{ext}")
        e.set_defaults(run=fn)
    d = sub.add_parser("delete-learner", help="delete a learner with every run, model and drawing")
    d.add_argument("code")
    d.add_argument("nickname")
    d.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    d.set_defaults(run=cmd_delete_learner)
    c = sub.add_parser("close", help="close a class: nobody can join it any more")
    c.add_argument("code")
    c.set_defaults(run=cmd_close)
    sub.add_parser("teacher-key", help="print where the teacher key is kept, and the key").set_defaults(
        run=cmd_teacher_key
    )
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    store = None
    try:
        store = None if args.command == "teacher-key" else open_store()
        print(args.run(store, args))
    except (Refused, StoreError) as e:
        print(str(e), file=sys.stderr)
        return 1
    except OSError as e:  # the output file cannot be written
        print(f"Could not write {e.filename}: {e.strerror}.", file=sys.stderr)
        return 1
    finally:
        if store is not None:
            store.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
