#!/usr/bin/env bash
# Sets the machine up and runs the whole test suite: every crate of the workspace,
# unit tests, integration/conformance tests and doc tests. CI runs exactly this.
#
# usage: scripts/test.sh [extra cargo test arguments]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/setup.sh
exec cargo test --workspace "$@"
