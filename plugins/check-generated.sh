#!/bin/sh
# check-generated.sh regenerates the plugin protocol code and fails when the committed
# code differs. It needs Debian's protoc (apt-get install -y protobuf-compiler); without
# it the check is skipped with a notice, so it is safe to run everywhere.
set -eu
cd "$(dirname "$0")/.."
if ! command -v protoc >/dev/null 2>&1; then
	echo "check-generated: protoc not installed; skipping (apt-get install -y protobuf-compiler)"
	exit 0
fi
export GOTOOLCHAIN=local
go generate ./plugins/...
if ! git diff --exit-code -- plugins >/dev/null || [ -n "$(git ls-files --others --exclude-standard -- plugins)" ]; then
	echo "check-generated: generated plugin code is stale; run 'go generate ./plugins/...' and commit:" >&2
	git status --short -- plugins >&2
	exit 1
fi
echo "check-generated: generated plugin code is up to date"
