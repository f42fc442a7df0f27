#!/bin/sh
# CTest's site/browser: tests/site/run.js with the built stance.
# Usage: run.sh STANCE SOURCE_DIR ARTEFACTS_DIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if [ ! -d "$here/node_modules/puppeteer-core" ]; then
	echo "tests/site: puppeteer-core is not installed; scripts/deps installs it (tests/site/install.sh)" >&2
	exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
	echo "tests/site: /usr/bin/chromium is missing; scripts/deps installs Debian's chromium" >&2
	exit 1
fi
exec node "$here/run.js" "$@"
