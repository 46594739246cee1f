#!/usr/bin/env bash
# Runs every test of the repository: installs the Debian packages the tests need (when run as root),
# builds in Release, runs all xunit suites, then the benchmark budget gate, and ends with one line
# "N passed, M failed" counted from the real results (xunit's TRX files and the gate's checks).
set -uo pipefail
cd "$(dirname "$0")/.."

packages=$(grep -vE '^\s*(#|$)' tests/debian-packages.txt 2>/dev/null | tr '\n' ' ')
if [ -n "${packages// }" ]; then
  if [ "$(id -u)" = 0 ]; then
    missing=$(for p in $packages; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
    if [ -n "$missing" ]; then
      echo "installing Debian packages the tests need: $missing"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
    fi
  else
    echo "not root: not installing $packages (tests that need them will fail, not skip)"
  fi
fi

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
# Everything the tests write to a temporary directory (theirs, and dotnet test's own scratch) lands
# here and goes with it; kept short, as Unix socket paths must fit in 108 bytes. Only for the tests:
# build servers outlive the run and must not inherit a directory that is about to go.
scratch="$results/t"
mkdir -p "$scratch"
passed=0
failed=0
skipped=0

if ! dotnet build -c Release Hairpin.sln -nologo -v quiet; then
  echo "build failed"
  echo "0 passed, 1 failed"
  exit 1
fi

TMPDIR="$scratch" dotnet test Hairpin.sln -c Release --no-build -nologo --logger "trx" --results-directory "$results"
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  passed=$((passed + $(sed -E 's/.* passed="([0-9]+)".*/\1/' <<<"$counters")))
  failed=$((failed + $(sed -E 's/.* failed="([0-9]+)".*/\1/' <<<"$counters")))
  total=$(sed -E 's/.* total="([0-9]+)".*/\1/' <<<"$counters")
  executed=$(sed -E 's/.* executed="([0-9]+)".*/\1/' <<<"$counters")
  skipped=$((skipped + total - executed))
done
if [ "$passed" -eq 0 ] && [ "$failed" -eq 0 ]; then
  echo "no test results were produced"
  failed=1
fi

echo
echo "benchmark budget gate (bench/budget.json):"
gate_output=$(dotnet bench/bin/Release/net10.0/Hairpin.Benchmarks.dll --gate 2>&1)
gate_status=$?
echo "$gate_output" | grep -vE '^\s*$' | tail -n 60
# The rows that failed again, last, so a shortened log still names them.
grep -E '  FAIL$' <<<"$gate_output" | sed 's/^/budget failure: /'
gate_line=$(grep -E '^budget: [0-9]+ passed, [0-9]+ failed$' <<<"$gate_output" | tail -n 1)
if [ -n "$gate_line" ]; then
  passed=$((passed + $(sed -E 's/budget: ([0-9]+) passed.*/\1/' <<<"$gate_line")))
  failed=$((failed + $(sed -E 's/.* ([0-9]+) failed/\1/' <<<"$gate_line")))
elif [ "$gate_status" -ne 0 ] || [ -z "$gate_line" ]; then
  echo "the budget gate did not report (exit $gate_status)"
  failed=$((failed + 1))
fi

# A test must remove what it made: anything of ours left in its TMPDIR is a failure (dotnet test's own
# anonymous scratch directories are not ours and go with $results).
left=$(find "$scratch" -mindepth 1 -maxdepth 1 \( -name 'hp-*' -o -name 'hairpin*' -o -name 'hpvm*' -o -name 'dvs-*' \) -printf '%f ' 2>/dev/null)
if [ -n "$left" ]; then
  echo "the tests left behind in TMPDIR: $left"
  failed=$((failed + 1))
fi

# A skipped test is a failure to fix, not a pass.
failed=$((failed + skipped))
echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
