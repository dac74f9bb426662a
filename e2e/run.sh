#!/bin/sh
# Browser test of the HTML counterexample charts (make e2e; not part of
# make test). It renders the alpha deadlock and the lost-edge hang, opens
# each page in headless Chromium (installing Debian's chromium if it is
# missing), checks that the page's script selected the step the URL's
# #step=N asks for and filled in the state panel, and saves screenshots
# to docs/img/ for the README.
set -eu
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
	echo "e2e: installing chromium" >&2
	sudo=""
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get update -q >/dev/null
	$sudo apt-get install -y -q chromium >/dev/null
fi

GO=${GO:-go}
out=$(mktemp -d)
profile=$(mktemp -d)
trap 'rm -rf "$out" "$profile"' EXIT
$GO build -o "$out/ipicheck" ./cmd/ipicheck

# check exits 1 for a counterexample.
gen() {
	code=0
	"$out/ipicheck" check -q "$1" --html "$out/$2.html" --svg "$out/$2.svg" >/dev/null || code=$?
	[ "$code" = 1 ] || { echo "e2e: ipicheck check $1 exited $code, want 1" >&2; exit 1; }
}
gen alpha_sync_ipi deadlock
gen alpha_lost_edge hang

chrome() {
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--disable-sync --no-first-run --user-data-dir="$profile" "$@" 2>/dev/null
}

fail=0
# dom PAGE STEP WANT: the page at #step=STEP, after its script ran,
# contains WANT.
dom() {
	chrome --dump-dom "file://$out/$1.html#step=$2" >"$out/dom.html"
	if ! grep -q "$3" "$out/dom.html"; then
		echo "e2e: FAIL $1.html#step=$2: no $3 in the DOM" >&2
		fail=1
	else
		echo "e2e: ok   $1.html#step=$2: $3"
	fi
}
dom deadlock 6 'class="step sel" id="step-6"'
dom deadlock 6 '<h2>After step 6 (CPU0)</h2>'
dom deadlock 0 '<h2>Initial state</h2>'
dom hang 7 'class="step sel" id="step-7"'
dom hang 7 'in the repeating part'
dom hang 8 'IRQs enabled'

# shot NAME PAGE STEP
shot() {
	rm -f "docs/img/$1.png"
	chrome --window-size=1400,1000 --screenshot="docs/img/$1.png" "file://$out/$2.html#step=$3" >/dev/null
	if [ -s "docs/img/$1.png" ]; then
		echo "e2e: ok   docs/img/$1.png"
	else
		echo "e2e: FAIL no screenshot docs/img/$1.png" >&2
		fail=1
	fi
}
shot msc-deadlock deadlock 12
shot msc-deadlock-step6 deadlock 6
shot msc-hang hang 7
exit $fail
