#!/usr/bin/env bash
# The ledger's whole-ledger operations from the command line, against a running ledger-service:
#
#   deploy/local/ledger-admin.sh verify     replay points.ledger independently; report mismatches
#   deploy/local/ledger-admin.sh rebuild    rebuild every account from offset 0 and swap it in
#
# Prints the service's JSON report. Exit code: 0 when verify finds no mismatch (or the rebuild
# succeeded), 1 otherwise. Calls with an admin token from token.sh (subject ADMIN_SUBJECT,
# default ops-cli). Env: LEDGER_URL (http://localhost:8082), ADMIN_SUBJECT.
set -euo pipefail
url="${LEDGER_URL:-http://localhost:8082}"
case "${1:-}" in verify|rebuild) ;; *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;; esac
token="$("$(dirname "${BASH_SOURCE[0]}")/token.sh" admin "${ADMIN_SUBJECT:-ops-cli}")"
auth=(-H "Authorization: Bearer $token")
case "${1:-}" in
  verify) report="$(curl -sS --fail-with-body --max-time 1800 "${auth[@]}" "$url/api/v1/admin/verify")" || { echo "$report" >&2; exit 1; }
          echo "$report"
          grep -q '"mismatchCount":0,' <<<"$report" ;;
  rebuild) report="$(curl -sS --fail-with-body --max-time 1800 "${auth[@]}" -X POST "$url/api/v1/admin/rebuild")" || { echo "$report" >&2; exit 1; }
           echo "$report" ;;
esac
