#!/usr/bin/env bash
# Sets the machine up and runs the whole test suite: every crate of the workspace,
# unit tests and integration/conformance tests (there are no doc tests, and an empty
# doc-test run must not be the last word of the log). CI runs exactly this.
#
# usage: scripts/test.sh [extra cargo test arguments]
set -euo pipefail
exec bash "$(dirname "${BASH_SOURCE[0]}")/cargo.sh" test --workspace --tests "$@"
