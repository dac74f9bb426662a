#!/usr/bin/env bash
# protocols-readme.sh BIN DIR OUT
#
# Writes OUT (protocols/README.md): scripts/protocols-readme.md with its
# {{table}} line replaced by the table `BIN test --format markdown DIR`
# prints. On a spec error OUT is left as it was and the script fails; when
# some verdict is not the expected one, the table says so, and the script
# warns (make run is what fails then).
set -euo pipefail

bin=$1 dir=$2 out=$3
tmpl=$(dirname "$0")/protocols-readme.md

table=$(mktemp)
trap 'rm -f "$table" "$out.tmp"' EXIT
code=0
"$bin" test --quiet --format markdown "$dir" >"$table" || code=$?
case $code in
0 | 1 | 3) ;;
*)
	echo "protocols-readme: $bin test failed (exit $code); $out not written" >&2
	exit "$code"
	;;
esac
awk -v table="$table" '
	$0 == "{{table}}" { while ((getline line < table) > 0) print line; next }
	{ print }
' "$tmpl" >"$out.tmp"
mv "$out.tmp" "$out"
if [[ $code != 0 ]]; then
	echo "protocols-readme: wrote $out, but not every verdict is as expected (exit $code): see make run" >&2
fi
