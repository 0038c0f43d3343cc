#!/bin/sh
# Debian's chromium for the browser tests: Playwright cannot download its own browser here.
# Also the colour-emoji font, so screenshots show the ✅ and ❌ that learners see.
set -eu
CHROMIUM=/usr/bin/chromium
FONT=fonts-noto-color-emoji
has_font() { dpkg -s "$FONT" >/dev/null 2>&1; }
if [ "$(id -u)" -ne 0 ]; then
	[ -x "$CHROMIUM" ] && exit 0
	echo "The browser tests need $CHROMIUM, which is missing. Install it as root:" >&2
	echo "    sudo apt-get update && sudo apt-get install -y chromium $FONT" >&2
	echo "or run every other test with: make test-fast" >&2
	exit 1
fi
[ -x "$CHROMIUM" ] && has_font && exit 0
echo "Installing chromium and $FONT with apt-get for the browser tests (tests/browser)"
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
DEBIAN_FRONTEND=noninteractive apt-get install -y "$FONT" || echo "No $FONT: screenshots will show emoji as boxes."
