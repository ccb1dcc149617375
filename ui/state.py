"""Names of the st.session_state keys that pages share (one learner's state)."""

ARCHITECTURE = "architecture"  # cnn_core.architecture.Architecture edited on the Architecture page
DRAWN_DIGIT = "drawn_digit"  # (28, 28) float32 in [0, 1]: the last digit the Draw page read
RUNS = "runs"  # {"key", "at", "runs": {id: Job}}: this learner's runs as last read (ui.models.runs)
ACTIVE_RUN = "active_run"  # id of the run whose model Evaluate and Draw use; None = shipped model
JOB_ID = "train_job_id"  # the training job this session started
DRAW_TEST_IMAGE = "draw_test_image"  # a test-set index sent from Evaluate to the Draw page
OWNER_KEY = "owner_key"  # this learner's secret key: the runs it submitted are theirs to control (ui.ownership)
LEARNER = "learner"  # (owner key, cnn_core.store.tables.Learner) of this session, once it is in the store
