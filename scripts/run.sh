#!/usr/bin/env bash
# Set up (first time only) and start the app on http://localhost:8501
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m ui.serve "$@"  # = streamlit run app.py, patched from the first request (ui/serve.py)
