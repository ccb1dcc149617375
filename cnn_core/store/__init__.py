"""The store: classes, learners, runs, drawings in a real database (SQLAlchemy 2; SQLite by default).

    from cnn_core.store.migrate import open_store
    store = open_store()                       # migrated to the newest schema (Alembic)
    learners.join(store, "AB3K9X", "Ada")      # -> (learner, private token)
    runs.load(store, run_id)                   # -> cnn_core.jobs.Job, whoever trained it

Modules: db (engine, faults), tables, migrate, learners, runs, sync (this process's training
queue -> the store), drawings, views (the teacher's tables), admin (command line).
"""
