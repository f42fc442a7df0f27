#!/bin/sh
# Installs the WARC tests' npm package (tests/warc/package.json: warcio, an
# independent WARC reader and writer) into tests/warc/node_modules,
# git-ignored. Called by scripts/deps; quick when it is there already.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v npm >/dev/null 2>&1; then
	echo "tests/warc/install.sh: npm is missing (scripts/deps installs Debian's)" >&2
	exit 1
fi
if [ -d "$here/node_modules/warcio" ] && [ "$here/node_modules/.package-lock.json" -nt "$here/package-lock.json" ]; then
	exit 0
fi
cd "$here"
npm ci --no-audit --no-fund --loglevel=error
