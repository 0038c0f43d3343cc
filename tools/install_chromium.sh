#!/bin/sh
# Debian's chromium for the browser tests: Playwright cannot download its own browser here.
# Also the colour-emoji font, so screenshots show the ✅ and ❌ that learners see.
# Prints one line when it installs, nothing when all is in place, and a reason when it cannot run;
# apt-get's own output goes to a log that is shown only when it fails.
set -eu
CHROMIUM=${CHROMIUM:-/usr/bin/chromium} # the browser tests launch this path
FONT=fonts-noto-color-emoji
LOG=${BROWSER_DEPS_LOG:-build/browser-deps.log}
has_font() { dpkg -s "$FONT" >/dev/null 2>&1; }

[ -x "$CHROMIUM" ] && has_font && exit 0
if [ "$(id -u)" -ne 0 ]; then
	[ -x "$CHROMIUM" ] && exit 0 # the font only changes how emoji look in screenshots
	echo "browser-deps: the browser tests need $CHROMIUM. Install it as root:" \
		"sudo apt-get install -y chromium $FONT (or run the other tests: make test-fast)" >&2
	exit 1
fi
if ! command -v apt-get >/dev/null 2>&1; then
	echo "browser-deps: no apt-get on this system; install Chromium at $CHROMIUM yourself (or run: make test-fast)" >&2
	exit 1
fi
mkdir -p "$(dirname "$LOG")"
printf 'browser-deps: installing chromium and %s with apt-get (log: %s) ... ' "$FONT" "$LOG"
export DEBIAN_FRONTEND=noninteractive
if ! { apt-get update && apt-get install -y chromium; } >"$LOG" 2>&1; then
	echo "failed"
	tail -n 5 "$LOG" >&2
	echo "browser-deps: apt-get could not install chromium (offline?); see $LOG, or run: make test-fast" >&2
	exit 1
fi
if apt-get install -y "$FONT" >>"$LOG" 2>&1; then
	echo "done"
else
	echo "done (no $FONT: screenshots show emoji as boxes)"
fi
