#!/usr/bin/env bash
# crosscheck.sh: check ipicheck's verdicts and state counts against Rumur.
#
# bench/murphi/*.m encode by hand, in Murphi, exactly the transition
# systems ipicheck builds from the pinned specs bench/murphi/*.ipi and
# from bench/scale.ipi, the benchmark protocol of scripts/bench.sh (one
# rule per ipicheck step, the same silent-step merging, the same interrupt
# entry and return, the same reset of dead locals). For every variant this
# script runs ipicheck on the .ipi and Rumur on the .m and prints
#
#   variant | ipicheck verdict, states | rumur verdict, states | trace | result
#
# States are the reachable states. ipicheck stops at the first deadlock or
# violation, so for those a second ipicheck run with --check safety
# explores everything; the count where the first run stopped is shown in
# parentheses. Rumur runs with --max-errors high, so it explores
# everything and still reports the errors. Trace compares the lengths of
# the shortest counterexamples (ipicheck's BFS, Rumur single-threaded BFS)
# for deadlocks and violations. Rumur runs without symmetry reduction
# (scale.m's CPUs are a scalarset), so its states are ipicheck's
# reachable states. Verdicts: Rumur's deadlock (with
# --deadlock-detection stuck; the sync model has a stuttering "done" rule
# for proper end states) is DEADLOCK, a failed invariant VIOLATION, a
# failed liveness property (AG EF finished) HANG.
#
# Result: MATCH when verdicts and state counts agree, MISMATCH when the
# verdicts differ, COUNTS when only the state counts or trace lengths do,
# TIMEOUT when Rumur ran out of time (not a failure), ERROR when a tool
# failed.
#
# Usage: scripts/crosscheck.sh [--quick] [--verdicts-only] [--timeout SECS]
#   --quick          2-CPU variants (and scale 3x1) only
#   --verdicts-only  COUNTS rows do not make the script fail
#   --timeout SECS   limit for each Rumur verifier run (default 120)
#
# Exit status: 0 all rows MATCH (or TIMEOUT); 1 a verdict MISMATCH, an
# ERROR, or (without --verdicts-only) a COUNTS row; 2 usage error.
#
# Needs Go; installs rumur (and a C compiler) with apt-get when missing.
# CC and CFLAGS override the C compiler and its flags for the verifiers.
set -euo pipefail

quick=0 verdicts_only=0 timeout=120
while [[ $# -gt 0 ]]; do
	case $1 in
	--quick) quick=1 ;;
	--verdicts-only) verdicts_only=1 ;;
	--timeout)
		[[ $# -ge 2 && $2 =~ ^[0-9]+$ ]] || { echo "crosscheck: --timeout needs seconds" >&2; exit 2; }
		timeout=$2
		shift
		;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	*) echo "crosscheck: unknown argument $1 (try --help)" >&2; exit 2 ;;
	esac
	shift
done

root=$(cd "$(dirname "$0")/.." && pwd)
murphi=$root/bench/murphi

# Each variant: the model, then the params as ipicheck's --set takes them.
variants=(
	"alpha_sync_ipi CPUS=2,IRQS_OFF=false"
	"alpha_sync_ipi CPUS=2,LOCK=none"
	"alpha_sync_ipi CPUS=2,LOCK=spin"
	"alpha_sync_ipi CPUS=2,LOCK=drain"
	"alpha_sync_ipi CPUS=2,IRQS_OFF=false,LOCK=spin"
	"alpha_sync_ipi CPUS=2,IRQS_OFF=false,LOCK=drain"
	"alpha_lost_edge CPUS=2,RESCUE=false"
	"alpha_lost_edge CPUS=2,RESCUE=true"
	"alpha_lost_edge CPUS=2,RESCUE=true,ALL_SEND=true,IRQS_OFF=true,LOCK=drain"
	"alpha_lost_edge CPUS=2,RESCUE=false,ALL_SEND=true,IRQS_OFF=true,LOCK=drain"
	"alpha_lost_edge CPUS=2,RESCUE=true,IRQS_OFF=true"
	"alpha_sync_ipi CPUS=3,IRQS_OFF=false"
	"alpha_sync_ipi CPUS=3,LOCK=none"
	"alpha_sync_ipi CPUS=3,LOCK=spin"
	"alpha_sync_ipi CPUS=3,LOCK=drain"
	"alpha_lost_edge CPUS=3,RESCUE=false"
	"alpha_lost_edge CPUS=3,RESCUE=true"
	"alpha_lost_edge CPUS=3,RESCUE=true,ALL_SEND=true,IRQS_OFF=true,LOCK=drain"
	"scale CPUS=2,ROUNDS=1"
	"scale CPUS=3,ROUNDS=1"
	"scale CPUS=2,ROUNDS=2"
	"scale CPUS=3,ROUNDS=2"
	"scale CPUS=4,ROUNDS=1"
)

# spec_of MODEL: the spec a Murphi model encodes.
spec_of() {
	if [[ $1 == scale ]]; then echo "$root/bench/scale.ipi"; else echo "$murphi/$1.ipi"; fi
}

# --- tools ------------------------------------------------------------

as_root() {
	if [[ $(id -u) == 0 ]]; then "$@"; else sudo "$@"; fi
}

apt_install() {
	echo "crosscheck: installing $* with apt-get" >&2
	as_root apt-get install -y "$@" >&2 || { as_root apt-get update >&2 && as_root apt-get install -y "$@" >&2; }
}

command -v rumur >/dev/null || apt_install rumur
CC=${CC:-cc}
command -v "$CC" >/dev/null || { apt_install gcc && CC=gcc; }
command -v rumur >/dev/null || { echo "crosscheck: rumur is not installed" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/crosscheck.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "crosscheck: building ipicheck" >&2
(cd "$root" && go build -o "$work/ipicheck" ./cmd/ipicheck)
ipicheck=$work/ipicheck

# -mcx16 lets Rumur's verifier use a double-word compare-and-swap on
# x86-64 without libatomic.
ccflags=(-std=c11)
if echo 'int main(void) { return 0; }' | "$CC" -x c -mcx16 -o /dev/null - 2>/dev/null; then
	ccflags+=(-mcx16)
fi

# --- ipicheck ----------------------------------------------------------

# json_field FILE KEY: a top-level string field of ipicheck's JSON result.
json_field() { sed -n "s/^  \"$2\": \"\([^\"]*\)\".*/\1/p" "$1" | head -n1; }
# json_states FILE: stats.states.
json_states() { sed -n 's/^    "states": \([0-9][0-9]*\).*/\1/p' "$1" | head -n1; }
# json_trace_len FILE: the number of steps in the trace array.
json_trace_len() {
	awk '/^  "trace": \[/ { in_ = 1; next } in_ && /^  \]/ { in_ = 0 } in_ && /^      "n": / { n++ } END { print n + 0 }' "$1"
}

# run_ipicheck SPEC SETS: sets iv (verdict), is (reachable states),
# istop (states when the search stopped), itrace (counterexample steps).
run_ipicheck() {
	local spec=$1 sets=$2 out=$work/ipicheck.json code
	iv= is= istop= itrace=
	set +e
	"$ipicheck" check --quiet --format json "$spec" --set "$sets" >"$out" 2>"$work/ipicheck.err"
	code=$?
	set -e
	if [[ $code != 0 && $code != 1 ]]; then
		iv=ERROR
		sed 's/^/    ipicheck: /' "$work/ipicheck.err" "$out" | head -n 20 >&2
		return
	fi
	iv=$(json_field "$out" verdict)
	istop=$(json_states "$out")
	is=$istop
	case $iv in
	DEADLOCK | VIOLATION)
		itrace=$(json_trace_len "$out")
		# The search stopped at the counterexample: count every state.
		"$ipicheck" check --quiet --format json --check safety "$spec" --set "$sets" >"$out" 2>/dev/null || true
		if [[ $(json_field "$out" verdict) == VERIFIED ]]; then
			is=$(json_states "$out")
		else
			is="?"
		fi
		;;
	esac
	[[ -n $iv && -n $is ]] || iv=ERROR
}

# --- rumur -------------------------------------------------------------

# murphi_value VALUE: an ipicheck --set value as the .m files spell it.
murphi_value() {
	case $1 in
	none | spin | drain) echo "LOCK_${1^^}" ;;
	*) echo "$1" ;;
	esac
}

# run_rumur MODEL SETS CPUS: sets rv, rs, rtrace as run_ipicheck does.
run_rumur() {
	local model=$1 sets=$2 cpus=$3 m=$work/model.m kv k v
	rv= rs= rtrace=
	cp "$murphi/$model.m" "$m"
	IFS=, read -ra kv <<<"$sets"
	for s in "${kv[@]}"; do
		k=${s%%=*} v=$(murphi_value "${s#*=}")
		if ! grep -q "^  $k: [^;]*; *-- @param" "$m"; then
			rv=ERROR
			echo "    rumur: $model.m has no @param $k" >&2
			return
		fi
		sed -i "s/^\(  $k: \)[^;]*;\( *-- @param\)/\1$v;\2/" "$m"
	done
	# Small models compile faster than they run: optimise only at 3 CPUs.
	local opt=(-O0)
	[[ $cpus -le 2 ]] || opt=(-O2)
	# shellcheck disable=SC2206
	[[ -z ${CFLAGS:-} ]] || opt=($CFLAGS)
	if ! rumur --quiet --deadlock-detection stuck --threads 1 --max-errors 1000000 \
		--symmetry-reduction off --pack-state off --colour off -o "$work/model.c" "$m" 2>"$work/rumur.err"; then
		rv=ERROR
		sed 's/^/    rumur: /' "$work/rumur.err" | head -n 20 >&2
		return
	fi
	if ! "$CC" "${ccflags[@]}" "${opt[@]}" -o "$work/verifier" "$work/model.c" -lpthread 2>"$work/cc.err" &&
		! "$CC" "${ccflags[@]}" "${opt[@]}" -o "$work/verifier" "$work/model.c" -lpthread -latomic 2>"$work/cc.err"; then
		rv=ERROR
		sed 's/^/    cc: /' "$work/cc.err" | head -n 20 >&2
		return
	fi
	local out=$work/rumur.out code
	set +e
	timeout "$timeout" "$work/verifier" >"$out" 2>&1
	code=$?
	set -e
	if [[ $code == 124 ]]; then
		rv=TIMEOUT
		return
	fi
	rs=$(sed -n 's/^[[:space:]]*\([0-9][0-9]*\) states, [0-9]* rules fired.*/\1/p' "$out" | tail -n1)
	# The first error reported: BFS order, so the shortest counterexample.
	local first
	first=$(awk '/The following is the error trace for the error:/ { want = 1; next }
		want && NF { sub(/^[ \t]+/, ""); print; exit }' "$out")
	if grep -q '^[[:space:]]*No error found' "$out"; then
		rv=VERIFIED
	elif [[ $first == deadlock ]]; then
		rv=DEADLOCK
	elif [[ $first == invariant* || $first == assertion* ]]; then
		rv=VIOLATION
	elif grep -q '^[[:space:]]*liveness property .* violated' "$out"; then
		rv=HANG
	else
		rv=ERROR
		sed 's/^/    rumur: /' "$out" | tail -n 20 >&2
		return
	fi
	if [[ $rv == DEADLOCK || $rv == VIOLATION ]]; then
		rtrace=$(awk '/The following is the error trace for the error:/ { in_ = 1 } in_ && /^Rule / { n++ } in_ && /End of the error trace/ { print n + 0; exit }' "$out")
	fi
	[[ -n $rs ]] || rv=ERROR
}

# --- the table ---------------------------------------------------------

fmt='%-80s  %-9s %-16s  %-9s %-9s  %-7s  %s\n'
printf "$fmt" VARIANT IPICHECK STATES RUMUR STATES TRACE RESULT
fails=0 rows=0
for v in "${variants[@]}"; do
	read -r model sets <<<"$v"
	cpus=$(sed -n 's/.*CPUS=\([0-9]*\).*/\1/p' <<<"$sets")
	[[ $quick == 0 || $cpus -le 2 || $sets == CPUS=3,ROUNDS=1 ]] || continue
	run_ipicheck "$(spec_of "$model")" "$sets"
	run_rumur "$model" "$sets" "$cpus"
	istates=$is
	[[ -z $istop || $istop == "$is" ]] || istates="$is ($istop)"
	trace=-
	[[ -z $itrace && -z $rtrace ]] || trace="$itrace/$rtrace"
	if [[ $iv == ERROR || $rv == ERROR ]]; then
		result=ERROR
		fails=$((fails + 1))
	elif [[ $rv == TIMEOUT ]]; then
		result=TIMEOUT
	elif [[ $iv != "$rv" ]]; then
		result=MISMATCH
		fails=$((fails + 1))
	elif [[ $is != "$rs" || $itrace != "$rtrace" ]]; then
		result=COUNTS
		[[ $verdicts_only == 1 ]] || fails=$((fails + 1))
	else
		result=MATCH
	fi
	rows=$((rows + 1))
	printf "$fmt" "$model ${sets//,/ }" "${iv:--}" "${istates:--}" "${rv:--}" "${rs:--}" "$trace" "$result"
done

if [[ $fails -gt 0 ]]; then
	echo "crosscheck: $fails of $rows variants did not match" >&2
	exit 1
fi
echo "crosscheck: all $rows variants match (or timed out)" >&2
