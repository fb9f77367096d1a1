# Sourced by scripts/demo and scripts/test: make .venv (Python 3.11–3.13, the lowest found) and install
# graphsvc into it. GRAPHSVC_PYTHON=/path/to/python picks the interpreter; VENV=dir another venv.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
VENV=${VENV:-.venv}
PY=${GRAPHSVC_PYTHON:-$(command -v python3.11 || command -v python3.12 || command -v python3.13 || command -v python3)}
"$PY" -c 'import sys; assert (3, 11) <= sys.version_info[:2] <= (3, 13), "graphsvc needs Python 3.11, 3.12 or 3.13"'
[ -x "$VENV/bin/python" ] || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install --quiet --upgrade pip
"$VENV/bin/python" -m pip install --quiet -e ".${1:-}"
