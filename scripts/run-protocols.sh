#!/usr/bin/env bash
# run-protocols.sh BIN DIR VARIANT...
#
# Checks every protocol DIR/*.ipi with BIN (ipicheck) for each VARIANT
# declared for it, and compares the verdict and the exit code with the
# expectation. A VARIANT is PROTOCOL:NAME=VALUE,...:EXPECTED with EXPECTED
# one of verified, deadlock, violation, hang, incomplete. A protocol with no
# variant is checked with its defaults and accepted with any verdict.
# Exits 1 if any verdict is not the expected one.
set -euo pipefail

bin=$1 dir=$2
shift 2

declare -A code_of=([verified]=0 [deadlock]=1 [violation]=1 [hang]=1 [incomplete]=3)

fail=0 n=0
check() {
	local proto=$1 sets=$2 want=$3
	local args=() kv out code verdict stats
	IFS=, read -ra kv <<<"$sets"
	for s in "${kv[@]}"; do
		[[ -n $s ]] && args+=(--set "$s")
	done
	set +e
	out=$("$bin" check --quiet "$dir/$proto.ipi" "${args[@]}" 2>&1)
	code=$?
	set -e
	verdict=$(head -n1 <<<"$out" | awk '{print $1}')
	stats=$(grep -E '^  [0-9]+ states' <<<"$out" | tail -n1 | sed 's/^  //' || true)
	local status=ok
	if [[ $want == any ]]; then
		[[ $code == 0 || $code == 1 || $code == 3 ]] || status=FAIL
	elif [[ ${verdict,,} != "$want" || $code != "${code_of[$want]}" ]]; then
		status=FAIL
	fi
	n=$((n + 1))
	local what="$proto ${sets//,/ }" note=""
	[[ $status == ok ]] || note="  (want $want, got exit $code)"
	printf '%-4s  %-10s  %-56s  %s%s\n' "$status" "${verdict:-?}" "$what" "$stats" "$note"
	if [[ $status != ok ]]; then
		fail=$((fail + 1))
		sed 's/^/        /' <<<"$out" | head -n 40
	fi
}

for file in "$dir"/*.ipi; do
	proto=$(basename "$file" .ipi)
	found=0
	for v in "$@"; do
		IFS=: read -r p sets want <<<"$v"
		if [[ $p == "$proto" ]]; then
			found=1
			if [[ -z ${code_of[$want]+x} ]]; then
				echo "run-protocols: $v: expected verdict must be one of ${!code_of[*]}" >&2
				exit 2
			fi
			check "$proto" "$sets" "$want"
		fi
	done
	if [[ $found == 0 ]]; then
		check "$proto" "" any
	fi
done
for v in "$@"; do
	p=${v%%:*}
	if [[ ! -f $dir/$p.ipi ]]; then
		echo "run-protocols: variant $v: no $dir/$p.ipi" >&2
		fail=$((fail + 1))
	fi
done

if [[ $fail -gt 0 ]]; then
	echo "$fail of $n checks did not give the expected verdict" >&2
	exit 1
fi
echo "all $n checks gave the expected verdict"
