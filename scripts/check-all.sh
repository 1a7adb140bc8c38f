#!/usr/bin/env bash
# Every test and check of lorafota, exactly as CI runs them (.ci/run calls this script).
# Installs what it needs on a fresh machine; safe to re-run.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

if ! command -v cargo >/dev/null; then
  echo "check-all: cargo not found; install Rust (rustup) first" >&2
  exit 2
fi

step "test tools (curl, jq, a Python venv with requests)"
missing=()
for tool in curl jq python3; do command -v "$tool" >/dev/null || missing+=("$tool"); done
# Debian's python3 makes venvs only with python3-venv (ensurepip) installed.
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then missing+=(python3-venv); fi
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "check-all: please install ${missing[*]} (the gateway tests run MultiTech's curl and Python examples)" >&2
    exit 2
  fi
fi
VENV="${LORAFOTA_VENV:-$PWD/.venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
"$VENV/bin/python" -m pip install -q --disable-pip-version-check requests \
  maturin pytest hypothesis mypy pandas pandas-stubs types-tqdm nbclient nbformat ipykernel matplotlib tqdm
export LORAFOTA_PYTHON="$VENV/bin/python"

step "format"
cargo fmt --all -- --check

step "generated regional tables are up to date"
if command -v python3 >/dev/null; then
  python3 scripts/gen_region_tables.py --check
else
  echo "check-all: python3 not found; skipping the regional-table freshness check" >&2
fi

step "clippy (workspace, all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "lorafota-core builds no_std (alloc only)"
cargo build -p lorafota-core --no-default-features --locked
cargo clippy -p lorafota-core --no-default-features --locked -- -D warnings

step "tests (unit, integration, doctests)"
# lorafota-py is a Python extension module: pytest tests it below, through the built package.
cargo test --workspace --exclude lorafota-py --locked

step "Python package: pip install . into the venv (maturin builds crates/lorafota-py)"
"$VENV/bin/python" -m pip install -q --disable-pip-version-check --force-reinstall --no-deps .

step "Python: stubs match the native module (mypy.stubtest), the package type-checks (mypy --strict)"
# Run from the venv folder, where no lorafota/ source folder is on sys.path: stubtest must see
# the installed package.
(cd "$VENV" && "$VENV/bin/python" -m mypy.stubtest lorafota._lorafota)
"$VENV/bin/python" -m mypy --strict python/lorafota

step "Python tests (pytest: vectors, properties, gateway client and emulator, notebook)"
"$VENV/bin/python" -m pytest -q python/tests

echo
echo "check-all: all checks passed"
