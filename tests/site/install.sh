#!/bin/sh
# Installs the browser tests' npm packages (tests/site/package.json:
# puppeteer-core, which drives the system's Chromium and downloads no
# browser, and an Atom parser) into tests/site/node_modules, git-ignored.
# Called by scripts/deps; quick when they are there already.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v npm >/dev/null 2>&1; then
	echo "tests/site/install.sh: npm is missing (scripts/deps installs Debian's)" >&2
	exit 1
fi
if [ -d "$here/node_modules/puppeteer-core" ] && [ -d "$here/node_modules/@rowanmanning/feed-parser" ] &&
   [ "$here/node_modules/.package-lock.json" -nt "$here/package-lock.json" ]; then
	exit 0
fi
cd "$here"
PUPPETEER_SKIP_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
