#!/usr/bin/env bash
# Install StreamLang into a fresh virtual environment (a real `pip install .`,
# not an editable one, so the tests see what users get) and run every check:
# lint, types, the test suite, the README's quick start in a fresh venv without
# extras (scripts/readme_install.sh), and the public conformance cases.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VENV:-.venv-test}"

python3 -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check '.[test]'

echo "== ruff"
"$VENV/bin/ruff" check streamlang tests bench
echo "== mypy"
"$VENV/bin/mypy" streamlang --ignore-missing-imports
echo "== pytest"
PATH="$PWD/$VENV/bin:$PATH" "$VENV/bin/python" -m pytest -q -p no:cacheprovider "$@"
echo "== the README's quick start, in a fresh venv without extras"
bash scripts/readme_install.sh
if [ -d ../shared/conformance ]; then
    echo "== conformance"
    "$VENV/bin/python" ../shared/conformance/run.py --sl "$PWD/$VENV/bin/sl"
fi
