#!/bin/sh
# Debian's chromium for the browser tests: Playwright cannot download its own browser here.
set -eu
CHROMIUM=/usr/bin/chromium
[ -x "$CHROMIUM" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "The browser tests need $CHROMIUM, which is missing. Install it as root:" >&2
	echo "    sudo apt-get update && sudo apt-get install -y chromium" >&2
	echo "or run every other test with: make test-fast" >&2
	exit 1
fi
echo "Installing chromium with apt-get for the browser tests (tests/browser)"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
