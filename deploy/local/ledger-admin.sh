#!/usr/bin/env bash
# The ledger's whole-ledger operations from the command line, against a running ledger-service:
#
#   deploy/local/ledger-admin.sh verify     replay points.ledger independently; report mismatches
#   deploy/local/ledger-admin.sh rebuild    rebuild every account from offset 0 and swap it in
#
# Prints the service's JSON report. Exit code: 0 when verify finds no mismatch (or the rebuild
# succeeded), 1 otherwise. Env: LEDGER_URL (http://localhost:8082).
set -euo pipefail
url="${LEDGER_URL:-http://localhost:8082}"
case "${1:-}" in
  verify) report="$(curl -sS --fail-with-body --max-time 1800 "$url/api/v1/admin/verify")" || { echo "$report" >&2; exit 1; }
          echo "$report"
          grep -q '"mismatchCount":0,' <<<"$report" ;;
  rebuild) report="$(curl -sS --fail-with-body --max-time 1800 -X POST "$url/api/v1/admin/rebuild")" || { echo "$report" >&2; exit 1; }
           echo "$report" ;;
  *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
