#!/usr/bin/env bash
# bench.sh: time ipicheck, Rumur and SPIN side by side on bench/scale.ipi.
#
# For each size CPUSxROUNDS the script runs, each under a time limit:
#
#   ipicheck  reductions off, --workers 1 and --workers 2; and with the
#             reductions its check command offers (--symmetry, --por:
#             whichever `ipicheck check --help` lists), default workers;
#   Rumur     bench/murphi/scale.m with --symmetry-reduction off (the exact
#             encoding: its state count must equal ipicheck's without
#             reductions, a mismatch is flagged) and heuristic (its best
#             here: as small as exhaustive and faster);
#   SPIN      bench/promela/scale.pml: the safety and deadlock run with
#             partial-order reduction, plus the hang run (never claim, weak
#             fairness); SPIN's time is the sum of the two.
#
# and prints one markdown table: a row per size, a column per tool
# configuration (wall seconds, states, states/s, peak RSS), and the ratio
# of each peer's verifier time to ipicheck's best time in the same run.
# Rumur and SPIN generate C that must be compiled; their compile times
# are shown apart and are not in the ratios.
#
# Then, for the sizes where one worker takes a second or more, a second
# table compares one worker with two over rounds of alternated runs, and
# with two one-worker runs at once: what this machine gains from its
# second core on two independent jobs, the most two workers could gain.
#
# Usage: scripts/bench.sh [--sizes LIST] [--quick] [--timeout SECS] [--write FILE]
#   --sizes LIST    comma-separated CPUSxROUNDS (default 2x1,3x1,4x1,5x1,3x2,3x3)
#   --quick         the sizes 2x1,3x1 (CI-like)
#   --timeout SECS  limit for each run (default 120); a run that hits it
#                   shows as "> SECS s"
#   --write FILE    also rewrite FILE (docs/performance.md) with the table,
#                   the date, the machine and notes
#
# Exit status: 0 done; 1 a tool failed, a verdict is not VERIFIED, or
# Rumur's exact count differs from ipicheck's; 2 usage error.
#
# Needs Go; installs spin, rumur and gcc with apt-get when missing.
# CC overrides the C compiler.
set -euo pipefail
export LC_ALL=C # EPOCHREALTIME and awk with a decimal point

sizes=2x1,3x1,4x1,5x1,3x2,3x3 timeout=120 write=
while [[ $# -gt 0 ]]; do
	case $1 in
	--sizes)
		[[ $# -ge 2 && $2 =~ ^[0-9]+x[0-9]+(,[0-9]+x[0-9]+)*$ ]] || { echo "bench: --sizes needs a list like 2x1,3x2" >&2; exit 2; }
		sizes=$2
		shift
		;;
	--quick) sizes=2x1,3x1 ;;
	--timeout)
		[[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || { echo "bench: --timeout needs seconds" >&2; exit 2; }
		timeout=$2
		shift
		;;
	--write)
		[[ $# -ge 2 ]] || { echo "bench: --write needs a file" >&2; exit 2; }
		write=$2
		shift
		;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) echo "bench: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done
IFS=, read -ra size_list <<<"$sizes"
for s in "${size_list[@]}"; do
	c=${s%x*} r=${s#*x}
	if ((c < 2 || c > 6 || r < 1 || r > 4)); then
		echo "bench: size $s: CPUS must be 2..6 (SPIN's model) and ROUNDS 1..4 (the spec)" >&2
		exit 2
	fi
done

root=$(cd "$(dirname "$0")/.." && pwd)
spec=$root/bench/scale.ipi
murphi=$root/bench/murphi/scale.m
promela=$root/bench/promela/scale.pml

# --- tools ------------------------------------------------------------

as_root() {
	if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	echo "bench: installing $* with apt-get" >&2
	as_root apt-get install -y "$@" >&2 || { as_root apt-get update >&2 && as_root apt-get install -y "$@" >&2; }
}

command -v rumur >/dev/null || apt_install rumur
command -v spin >/dev/null || apt_install spin
CC=${CC:-cc}
command -v "$CC" >/dev/null || { apt_install gcc && CC=gcc; }
[[ -x /usr/bin/time ]] || apt_install time
for t in rumur spin "$CC" go; do
	command -v "$t" >/dev/null || { echo "bench: $t is not installed" >&2; exit 1; }
done

echo "bench: building bin/ipicheck" >&2
(cd "$root" && CGO_ENABLED=0 go build -o bin/ipicheck ./cmd/ipicheck) # as make build
ipicheck=$root/bin/ipicheck

reductions=()
help=$("$ipicheck" check --help 2>&1)
for f in --symmetry --por; do
	if grep -q -- "^ *$f " <<<"$help"; then
		reductions+=("$f")
	else
		echo "bench: note: ipicheck check has no $f flag yet; the reduced run goes without it" >&2
	fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

ccflags=(-std=c11 -O2 -w)
if echo 'int main(void) { return 0; }' | "$CC" -x c -mcx16 -o /dev/null - 2>/dev/null; then
	ccflags+=(-mcx16) # Rumur's double-word compare-and-swap without libatomic
fi

# --- measuring -----------------------------------------------------------

# measure OUT CMD...: runs CMD under the time limit with its output in
# OUT; sets secs (wall, to the millisecond), rss (KiB), code (124 on
# timeout). GNU time gives wall time in hundredths of a second, too
# coarse for the small sizes, so the wall time is taken from bash's
# microsecond clock around the run (EPOCHREALTIME: no fork of date in
# the timed span; LC_ALL=C for its decimal point); and a run shorter than a second is
# repeated (5 runs in all) and the least time kept, as the noise of a
# shared machine only ever adds time. The wrappers' own start-up, measured
# once the same way (launch), is taken off.
measure() {
	local out=$1
	shift
	local best="" t0 t1 wall r peak=0 i
	for i in 1 2 3 4 5; do
		set +e
		t0=$EPOCHREALTIME
		/usr/bin/time -f '%e %M' -o "$work/time" timeout "$timeout" "$@" >"$out" 2>&1
		code=$?
		t1=$EPOCHREALTIME
		set -e
		read -r _ r < <(tail -n1 "$work/time")
		[[ $r =~ ^[0-9]+$ ]] || r=0
		((r > peak)) && peak=$r
		wall=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
		if [[ -z $best ]] || awk -v w="$wall" -v b="$best" 'BEGIN { exit !(w < b) }'; then
			best=$wall
		fi
		((code != 124)) || break
		awk -v w="$wall" 'BEGIN { exit !(w < 1) }' || break
	done
	# Less the wrappers' own start-up, the same for every tool.
	secs=$(awk -v b="$best" -v l="${launch:-0}" 'BEGIN { s = b - l; printf "%.3f", s < 0.001 ? 0.001 : s }')
	rss=$peak
}

# The time measure takes to run true: the wrappers' start-up, taken off
# every time it measures.
measure "$work/launch.out" true
launch=$secs
launch_ms=$(awk -v l="$launch" 'BEGIN { printf "%.0f", 1000 * l }')
echo "bench: launching the timing wrappers takes $launch_ms ms, taken off every time" >&2

# compile_time CMD...: runs a compiler step, adds its wall time to ctime.
compile_time() {
	local t0 t1
	t0=$(date +%s.%N)
	if ! "$@" >"$work/cc.out" 2>&1; then
		sed 's/^/    /' "$work/cc.out" | head -n 20 >&2
		return 1
	fi
	t1=$(date +%s.%N)
	ctime=$(awk -v a="$t0" -v b="$t1" -v c="${ctime:-0}" 'BEGIN { printf "%.2f", c + b - a }')
}

fails=0
fail() {
	echo "bench: $*" >&2
	fails=$((fails + 1))
}

# A result: R_verdict, R_states, R_secs, R_rss (KiB), R_cc (compile s).
declare -A R

# result KEY VERDICT STATES SECS RSS [CC]
result() {
	R[$1.verdict]=$2 R[$1.states]=$3 R[$1.secs]=$4 R[$1.rss]=$5 R[$1.cc]=${6:-}
}

run_ipicheck() { # KEY CPUS ROUNDS FLAGS...
	local key=$1 cpus=$2 rounds=$3
	shift 3
	local out=$work/ipicheck.json
	measure "$out" "$ipicheck" check --quiet --format json "$spec" --set "CPUS=$cpus,ROUNDS=$rounds" "$@"
	if [[ $code == 124 ]]; then
		result "$key" TIMEOUT "" "$secs" "$rss"
		return
	fi
	local v n
	v=$(sed -n 's/^  "verdict": "\([A-Z]*\)".*/\1/p' "$out" | head -n1)
	n=$(sed -n 's/^    "states": \([0-9]*\).*/\1/p' "$out" | head -n1)
	if [[ -z $v || -z $n ]]; then
		fail "ipicheck $* at ${cpus}x$rounds failed (exit $code):"
		head -n 20 "$out" >&2
		v=ERROR
	fi
	result "$key" "$v" "$n" "$secs" "$rss"
}

# murphi_model CPUS ROUNDS FILE: scale.m with the params set.
murphi_model() {
	sed -e "s/^\(  CPUS: \)[0-9]*;\( *-- @param\)/\1$1;\2/" \
		-e "s/^\(  ROUNDS: \)[0-9]*;\( *-- @param\)/\1$2;\2/" "$murphi" >"$3"
	grep -q "^  CPUS: $1; *-- @param" "$3" && grep -q "^  ROUNDS: $2; *-- @param" "$3" ||
		{ echo "bench: scale.m has no @param CPUS or ROUNDS" >&2; exit 1; }
}

run_rumur() { # KEY CPUS ROUNDS SYMMETRY
	local key=$1 cpus=$2 rounds=$3 sym=$4 d=$work/rumur-$4
	mkdir -p "$d"
	murphi_model "$cpus" "$rounds" "$d/model.m"
	ctime=0
	if ! compile_time rumur --quiet --deadlock-detection stuck --symmetry-reduction "$sym" \
		--colour off -o "$d/model.c" "$d/model.m" ||
		! compile_time "$CC" "${ccflags[@]}" -o "$d/verifier" "$d/model.c" -lpthread; then
		fail "rumur ($sym) at ${cpus}x$rounds: generating or compiling the verifier failed"
		result "$key" ERROR "" 0 0
		return
	fi
	measure "$d/out" "$d/verifier"
	if [[ $code == 124 ]]; then
		result "$key" TIMEOUT "" "$secs" "$rss" "$ctime"
		return
	fi
	local v n
	n=$(sed -n 's/^[[:space:]]*\([0-9][0-9]*\) states, [0-9]* rules fired.*/\1/p' "$d/out" | tail -n1)
	if grep -q '^[[:space:]]*No error found' "$d/out"; then
		v=VERIFIED
	elif grep -q '^[[:space:]]*liveness property .* violated' "$d/out"; then
		v=HANG
	elif grep -q 'deadlock' "$d/out"; then
		v=DEADLOCK
	elif grep -q -i 'assertion\|invariant' "$d/out"; then
		v=VIOLATION
	else
		fail "rumur ($sym) at ${cpus}x$rounds: cannot tell its verdict (exit $code):"
		tail -n 20 "$d/out" >&2
		v=ERROR
	fi
	result "$key" "$v" "$n" "$secs" "$rss" "$ctime"
}

# spin_errors OUT: sets sv (verdict of one pan run) and sn (states stored).
spin_errors() {
	sn=$(sed -n 's/^ *\([0-9][0-9]*\) states, stored.*/\1/p' "$1" | tail -n1)
	if grep -q 'max search depth too small' "$1"; then
		sv=INCOMPLETE
	elif grep -q 'errors: 0' "$1"; then
		sv=VERIFIED
	elif grep -q 'acceptance cycle' "$1"; then
		sv=HANG
	elif grep -q 'invalid end state' "$1"; then
		sv=DEADLOCK
	elif grep -q 'assertion violated' "$1"; then
		sv=VIOLATION
	else
		sv=ERROR
	fi
}

run_spin() { # KEY CPUS ROUNDS
	local key=$1 cpus=$2 rounds=$3 d=$work/spin
	mkdir -p "$d"
	ctime=0
	# -m: the depth of pan's DFS stack; -w: 2^24 hash slots (SPIN's
	# default, 2^18, is too small for millions of states).
	local pan=(-m1000000 -w24)
	if ! compile_time env -C "$d" spin -DCPUS="$cpus" -DROUNDS="$rounds" -a "$promela" ||
		! compile_time "$CC" "${ccflags[@]}" -DSAFETY -DNOCLAIM -o "$d/pan_safety" "$d/pan.c" ||
		! compile_time "$CC" "${ccflags[@]}" -o "$d/pan_hang" "$d/pan.c"; then
		fail "spin at ${cpus}x$rounds: generating or compiling pan failed"
		result "$key" ERROR "" 0 0
		return
	fi
	local s1 r1 v1 n1 s2 r2 v2 n2
	measure "$d/safety.out" "$d/pan_safety" "${pan[@]}"
	if [[ $code == 124 ]]; then
		result "$key" TIMEOUT "" "$secs" "$rss" "$ctime"
		return
	fi
	spin_errors "$d/safety.out"
	s1=$secs r1=$rss v1=$sv n1=$sn
	measure "$d/hang.out" "$d/pan_hang" -a -f "${pan[@]}"
	if [[ $code == 124 ]]; then
		result "$key" TIMEOUT "$n1" "$(awk -v a="$s1" -v b="$secs" 'BEGIN { print a + b }')" "$((r1 > rss ? r1 : rss))" "$ctime"
		R[$key.note]="safety $v1 in $s1 s; hang run timed out"
		return
	fi
	spin_errors "$d/hang.out"
	s2=$secs r2=$rss v2=$sv n2=$sn
	local v=$v1
	[[ $v1 != VERIFIED ]] || v=$v2
	[[ $v != ERROR ]] || { fail "spin at ${cpus}x$rounds: cannot tell its verdict"; tail -n 20 "$d/safety.out" "$d/hang.out" >&2; }
	result "$key" "$v" "$n1" "$(awk -v a="$s1" -v b="$s2" 'BEGIN { print a + b }')" "$((r1 > r2 ? r1 : r2))" "$ctime"
	R[$key.note]="safety $s1 s, $n1 states; hang $s2 s, $n2 states"
}

# --- formatting ------------------------------------------------------------

# human N: 1234567 -> 1.23M
human() {
	awk -v n="$1" 'BEGIN {
		if (n >= 1e6) printf "%.2fM", n / 1e6
		else if (n >= 1e4) printf "%.1fk", n / 1e3
		else printf "%d", n }'
}

# cell KEY: the table cell of a result.
cell() {
	local k=$1 v=${R[$1.verdict]} n=${R[$1.states]} s=${R[$1.secs]} m=${R[$1.rss]} c=${R[$1.cc]:-}
	local out
	case $v in
	TIMEOUT) out="> $timeout s" ;;
	ERROR) out="error" ;;
	*)
		out="$s s, $(human "$n") states"
		if awk -v s="$s" 'BEGIN { exit !(s > 0) }'; then
			out+=", $(human "$(awk -v n="$n" -v s="$s" 'BEGIN { printf "%d", n / s }')")/s"
		fi
		out+=", $(awk -v m="$m" 'BEGIN { printf "%.0f", m / 1024 }') MiB"
		[[ $v == VERIFIED ]] || out+=", **$v**"
		;;
	esac
	[[ -z $c ]] || out+=" (cc $c s)"
	echo "$out"
}

# ratio KEY BEST: the peer's time over ipicheck's best.
ratio() {
	local v=${R[$1.verdict]} s=${R[$1.secs]} b=$2
	if [[ $v == TIMEOUT ]]; then
		awk -v t="$timeout" -v b="$b" 'BEGIN { if (b > 0) printf "> %.1f", t / b; else print "-" }'
	elif [[ $v == ERROR ]]; then
		echo -
	else
		awk -v s="$s" -v b="$b" 'BEGIN { if (b > 0) printf "%.1f", s / b; else print "-" }'
	fi
}

red_name="ipicheck ${reductions[*]:-(no reductions yet)}"
table=$work/table.md
{
	echo "| size | ipicheck, 1 worker | ipicheck, 2 workers | $red_name | Rumur, symmetry off | Rumur, symmetry heuristic | SPIN, safety + hang | Rumur off / best | Rumur sym / best | SPIN / best |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$table"
notes=$work/notes.md
: >"$notes"

for s in "${size_list[@]}"; do
	c=${s%x*} r=${s#*x}
	echo "bench: $s: ipicheck" >&2
	run_ipicheck "$s.w1" "$c" "$r" --workers 1
	run_ipicheck "$s.w2" "$c" "$r" --workers 2
	run_ipicheck "$s.red" "$c" "$r" "${reductions[@]}"
	echo "bench: $s: rumur" >&2
	run_rumur "$s.ro" "$c" "$r" off
	run_rumur "$s.rs" "$c" "$r" heuristic
	echo "bench: $s: spin" >&2
	run_spin "$s.sp" "$c" "$r"

	for k in w1 w2 red ro rs sp; do
		case ${R[$s.$k.verdict]} in
		VERIFIED | TIMEOUT) ;;
		*) fail "$s $k: verdict ${R[$s.$k.verdict]}, scale verifies" ;;
		esac
	done
	# The exact encoding: Rumur without symmetry must count ipicheck's states.
	if [[ ${R[$s.ro.verdict]} == VERIFIED && ${R[$s.w1.verdict]} == VERIFIED &&
		${R[$s.ro.states]} != "${R[$s.w1.states]}" ]]; then
		fail "STATE COUNT MISMATCH at $s: ipicheck ${R[$s.w1.states]}, Rumur (symmetry off) ${R[$s.ro.states]}"
		echo "- **$s: state count mismatch**: ipicheck ${R[$s.w1.states]}, Rumur without symmetry ${R[$s.ro.states]}." >>"$notes"
	fi
	[[ -z ${R[$s.sp.note]:-} ]] || echo "- $s SPIN: ${R[$s.sp.note]}." >>"$notes"

	# ipicheck's best: its reduced run when it finished, else the fastest.
	best=0
	for k in red w2 w1; do
		if [[ ${R[$s.$k.verdict]} == VERIFIED ]]; then
			best=${R[$s.$k.secs]}
			break
		fi
	done
	# A run of 0.00 s (below /usr/bin/time's resolution) gives no ratio.
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$s" \
		"$(cell "$s.w1")" "$(cell "$s.w2")" "$(cell "$s.red")" \
		"$(cell "$s.ro")" "$(cell "$s.rs")" "$(cell "$s.sp")" \
		"$(ratio "$s.ro" "$best")" "$(ratio "$s.rs" "$best")" "$(ratio "$s.sp" "$best")" >>"$table"
done

cat "$table"
[[ ! -s $notes ]] || { echo; cat "$notes"; }

# --- two workers ---------------------------------------------------------

# A single run of seconds says little about a ratio of two on a shared
# machine, whose noise comes and goes for seconds at a time. So for each
# size where one worker takes a second or more, rounds of three runs,
# alternated: one worker, two workers, and the pair (two one-worker runs
# started at once, timed until both end). The least time of each is
# kept, as measure keeps it (the median is shown too). The ceiling,
# twice one worker's time over the pair's, is how much faster this
# machine runs two independent checks than one: the most two workers
# could gain on it, whatever the search does.
par_rounds=5

# timed CMD...: the wall seconds of CMD, which must succeed.
timed() {
	local t0 t1
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || return 1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }'
}

# both CMD...: runs two copies of CMD at once, and fails if either does.
both() {
	local a b
	"$@" >/dev/null 2>&1 &
	a=$!
	"$@" >/dev/null 2>&1 &
	b=$!
	wait "$a" && wait "$b"
}

# least and median of their arguments.
least() { printf '%s\n' "$@" | sort -g | head -n1; }
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

partable=$work/parallel.md
for s in "${size_list[@]}"; do
	[[ ${R[$s.w1.verdict]} == VERIFIED && ${R[$s.w2.verdict]} == VERIFIED ]] || continue
	awk -v t="${R[$s.w1.secs]}" 'BEGIN { exit !(t >= 1) }' || continue
	c=${s%x*} r=${s#*x}
	run=(timeout "$timeout" "$ipicheck" check --quiet "$spec" --set "CPUS=$c,ROUNDS=$r")
	echo "bench: $s: one worker, two workers, two one-worker runs at once, $par_rounds rounds" >&2
	t1=() t2=() tp=()
	for _ in $(seq "$par_rounds"); do
		if ! a=$(timed "${run[@]}" --workers 1) || ! b=$(timed "${run[@]}" --workers 2) ||
			! p=$(timed both "${run[@]}" --workers 1); then
			fail "$s: a run of the two-worker comparison failed or timed out"
			continue 2
		fi
		t1+=("$a") t2+=("$b") tp+=("$p")
	done
	l1=$(least "${t1[@]}") l2=$(least "${t2[@]}") lp=$(least "${tp[@]}")
	m1=$(median "${t1[@]}") m2=$(median "${t2[@]}") mp=$(median "${tp[@]}")
	if [[ ! -s $partable ]]; then
		echo "| size | 1 worker | 2 workers | speed-up | two 1-worker runs at once | ceiling |" >"$partable"
		echo "|---|---|---|---|---|---|" >>"$partable"
	fi
	printf '| %s | %s s (%s) | %s s (%s) | %s (%s) | %s s (%s) | %s (%s) |\n' "$s" \
		"$l1" "$m1" "$l2" "$m2" \
		"$(awk -v a="$l1" -v b="$l2" 'BEGIN { printf "%.2f", a / b }')" \
		"$(awk -v a="$m1" -v b="$m2" 'BEGIN { printf "%.2f", a / b }')" \
		"$lp" "$mp" \
		"$(awk -v a="$l1" -v b="$lp" 'BEGIN { printf "%.2f", 2 * a / b }')" \
		"$(awk -v a="$m1" -v b="$mp" 'BEGIN { printf "%.2f", 2 * a / b }')" >>"$partable"
done
[[ ! -s $partable ]] || { echo; cat "$partable"; }

# --- docs/performance.md -------------------------------------------------

if [[ -n $write ]]; then
	cpu_model=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)
	ram=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
	rumur_v=$(rumur --version 2>&1 | head -n1)
	spin_v=$(spin -V 2>&1 | head -n1)
	cc_v=$("$CC" --version 2>&1 | head -n1)
	go_v=$(go version)
	ipi_v=$(cd "$root" && git describe --tags --always --dirty 2>/dev/null || echo unknown)
	{
		cat <<EOF
# Performance: ipicheck, Rumur and SPIN on the scale protocol

This page compares ipicheck with two established explicit-state model
checkers, [Rumur](https://github.com/Smattr/rumur) (Murphi) and
[SPIN](https://spinroot.com) (Promela), on one protocol:
[bench/scale.ipi](../bench/scale.ipi), in which each of CPUS CPUs does
ROUNDS synchronous flushes to all others under the fixed Alpha IPI
protocol (trylock and drain on the IPI lock, IPI edges lost at IPL 7,
the RTC interrupt polling the mailbox). It verifies: no deadlock, no
failed assertion, no hang. Each tool checks all three properties.

The peers run hand-written encodings of the same protocol:
[bench/murphi/scale.m](../bench/murphi/scale.m) encodes exactly the
transition system ipicheck builds (one Murphi rule per ipicheck step),
so without symmetry reduction Rumur must find exactly ipicheck's number
of states (\`scripts/bench.sh\` flags a mismatch, and
\`scripts/crosscheck.sh\` and \`go test ./bench\` compare the transitions
too); [bench/promela/scale.pml](../bench/promela/scale.pml) is an
equivalent Promela model whose header explains how its two SPIN runs
relate to ipicheck's properties.

Reproduce with \`make bench\` (\`scripts/bench.sh --help\` for the sizes,
the time limit and \`--write\`, which regenerates this page).

Measured $(date -u '+%Y-%m-%d %H:%M UTC') with sizes ${sizes} and a limit of ${timeout} s per run.

Machine: $(nproc) CPUs ($cpu_model), $ram RAM. Tools: ipicheck $ipi_v
($go_v), $rumur_v, $spin_v, $cc_v.

EOF
		cat "$table"
		if [[ -s $notes ]]; then
			echo
			cat "$notes"
		fi
		if [[ -s $partable ]]; then
			cat <<EOF

One worker against two, without reductions, over $par_rounds rounds of
alternated runs (the least time of each, the median in parentheses):

EOF
			cat "$partable"
		fi
		cat <<EOF

What the columns mean:

- **size**: CPUS x ROUNDS (\`--set CPUS=..,ROUNDS=..\`).
- Each cell: wall-clock seconds of the run (to the millisecond; a run
  under a second is repeated five times and the least time kept; less
  the ${launch_ms} ms it takes to start the wrappers that time and limit
  it, \`/usr/bin/time\` and \`timeout\` around \`true\`, measured the same
  way; including ipicheck's hang check, Rumur's liveness check and both
  SPIN runs), the
  states the tool stored, states per second (stored states over wall
  time), and the peak resident memory. "> N s" is a run stopped at the
  time limit. A verdict other than VERIFIED would be shown in bold.
- **ipicheck, 1 worker / 2 workers**: \`ipicheck check\` without
  reductions, \`--workers 1\` and \`--workers 2\`: every reachable state
  of the spec.
- **$red_name**: ipicheck with the reductions its \`check\` command
  offers (detected from \`ipicheck check --help\`: \`--symmetry\`,
  \`--por\`), default workers. Its states are the classes it stores.
- **Rumur, symmetry off**: \`rumur --symmetry-reduction off\` on
  scale.m: the exact encoding, the same states as ipicheck without
  reductions. **symmetry heuristic**: Rumur's sorting-based symmetry
  reduction, its fastest; on this model it finds as few states as
  \`exhaustive\`. Rumur's verifier uses one thread per core (its
  default). "(cc N s)" is the time to generate and compile the verifier
  (rumur and \`$CC ${ccflags[*]}\`), not part of the run time.
- **SPIN, safety + hang**: pan with partial-order reduction (SPIN's
  default), compiled with \`-DSAFETY -DNOCLAIM\`: assertions and invalid
  end states (deadlocks); plus pan \`-a -f\`: the hang check, acceptance
  cycles of the never claim under weak fairness. The time and memory are
  the sum and the maximum of the two runs, the states those of the
  safety run (the notes give both). "(cc N s)" is \`spin -a\` and
  compiling pan twice.
- **ratios**: the peer's run time over ipicheck's best time for the same
  size in the same run (the reduced run; without reductions, the faster
  of the others). Compile times are not included. Above 1, ipicheck is
  faster. "> N" when the peer hit the time limit. At the smallest sizes
  the runs take milliseconds, and process start-up weighs in the ratios.
- **One worker against two** (sizes where one worker takes a second or
  more): each round runs \`--workers 1\`, \`--workers 2\`, and two
  \`--workers 1\` checks started at once, timed until both end. The
  noise of this shared machine comes and goes for seconds at a time, so
  a single pair of runs can give any ratio from 1.1 to 1.8; the least
  time of each over the rounds is the one least disturbed. **speed-up**
  is one worker's time over two workers'. **ceiling** is twice one
  worker's time over the pair's: how much faster the machine runs two
  independent checks than one, with no coordination at all, which bounds
  what two workers can gain here (the two cores share the caches, the
  memory bandwidth, and the host).

Where the time goes (CPU profiles: \`go test ./protocols -run '^\$' -bench
'Scale/4x1/workers=[12]\$' -benchtime 1x -cpuprofile ...\`, scale 4x1,
measured 2026-12-05):

- One worker, no reductions (4.4M states, 19M transitions, 4.5 to 5.7 s):
  the hang check takes 3% of the run. The breadth-first search records
  each state's successor ids as it goes (explore/edges.go, 22 bytes a
  state here), and notes the states where every CPU has finished; the
  hang check's reach pass (explore/reach.go) sweeps the recorded graph
  to show that every state can reach one of those, which proves there
  is no hang in 0.13 to 0.25 s, where Tarjan's algorithm over the same
  graph took 0.5 to 0.7 s (it still decides when the reach pass cannot).
  In the search, 31% of the time goes to the visited set's inserts: a
  166 MiB set (40 bytes a state with its table and parent links) probed
  at random. Each probe misses the caches twice, on the table and on
  the stored state; the search generates a state's successors, starts
  loading the table entries they hash to (a prefetch instruction,
  state/prefetch_*.s), then the states those name, and inserts them
  two states later (explore/batch.go), so the misses overlap each other
  and the next states' work: with the reach pass, that took the check
  from 7.6 s to 5 s (medians of alternated runs). Then 13%
  repacking successors (\`Layout.Repack\`), 8% unpacking states, 6%
  growing the hash table, 8% copying states into the arena and
  successor ids into the edge table (mostly the first touch of fresh
  memory, which this virtual machine makes slow: 64 MiB take 110 ms in
  huge pages, 230 ms in 4 KiB pages, so the large blocks ask for huge
  pages), and most of the rest the model's steps. Successor generation
  does not allocate.
- With \`--symmetry\` (195k classes, measured 2026-11-22): the canonical
  form takes about a third of the search (\`symmetry.apply\`,
  \`normalize\`, the sort of each class's CPUs); hash probes fall to
  13%, as the store is 20 times smaller.
- Two workers: see the second table, whose ceiling column measures what
  the machine itself allows. To number the new states as the sequential
  search does, the coordinator merges the workers' candidates in order:
  6.8M of them for 4.4M new states (successors not in the visited set
  when the worker looked, less those equal to an earlier candidate of
  the same chunk, which the worker finds itself). The merge inserts them
  into the table the workers read, publishing each entry with a release
  store (state/publish_*.s); that costs what the sequential search's
  inserts cost (0.8 to 1.1 s of CPU, with 0.3 s growing the table), on
  one goroutine while the other worker expands. What the parallel search
  adds: the workers' lookups of their successors (0.4 s of CPU), their
  candidates and candidate index (0.25 s), and the merge's prefetching
  (0.15 s). In two profiled pairs the two cores did 5.2 and 6.2 s of CPU
  work against one worker's 4.1 and 4.6 s; the rest of the difference is
  the same code running slower beside the other core (the pair column:
  two independent one-worker checks at once each run slower than one
  alone). Removed on 2026-12-05, after the first series of pairs that
  day (median 1.45): a staging table whose commit at each level's end
  wrote every new state's entry a second time, at random; the full
  barrier of \`atomic.StoreUint64\` (XCHG on amd64) on every insert,
  which waited for the entry's line, often in the other core's cache;
  and false sharing in three places (a field the workers read on every state
  beside those the merge writes on every state stored; each worker's
  candidate index, symmetry scratch and coverage on a cache line with
  the other worker's).
EOF
	} >"$write"
	echo "bench: wrote $write" >&2
fi

if [[ $fails -gt 0 ]]; then
	echo "bench: $fails problem(s), see above" >&2
	exit 1
fi
