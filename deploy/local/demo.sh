#!/usr/bin/env bash
# A small shop's month on the RUNNING local stack (deploy/local/up.sh), in two or three minutes,
# through the five services' public HTTP APIs only: an admin sets up a rule, a campaign and one
# reward of each kind (coupon codes imported as CSV); members enrol (referrals, locale, e-mail) and
# buy over the past --days days (promotional lines, the campaign); some orders are refunded; members
# pay with points at checkout (one payment cancelled), redeem every kind of reward (one redemption
# cancelled, a voucher used), try a lottery with fewer tickets than tries; two admins decide an
# adjustment (maker-checker); a few lapsed members' year-old points expire (after their reminder,
# deploy/local/services.env). It ends with the ledger's verify, a summary and the dashboard's URL.
#
#   deploy/local/demo.sh [--members N] [--days D] [--seed S] [--run-id ID] [--help for every option]
#
# Defaults: 200 members over 30 days, a new seed each run (printed: the same --seed, --members and
# --days give the same month); every id starts with a fresh run id (demo-<UTC time>), so running it
# again adds another month's worth beside the first. Any answer that is neither 2xx nor an expected
# business refusal (OUT_OF_STOCK in the lottery rush, say) stops it with the problem body (exit 1);
# a month that ran but not as its plan expected (a reward kind not redeemed, points that did not
# expire in time) ends with WARNING lines and exit 3. A progress bar on a terminal, plain lines
# otherwise.
#
# The driver is the bench module's io.pointsplatform.bench.demo.Demo, built here when its jar is
# missing or older than its sources (./mvnw -q package -DskipTests -pl bench -am); tokens are signed
# with the stack's key (<run dir>/keys/jwt-private.pem), as token.sh does.
# Env: the ports and run directory of lib.sh (POINTS_*_PORT, POINTS_RUN_DIR), POINTS_DASHBOARD_PORT
# (8086), POINTS_JWT_ISSUER, POINTS_JWT_AUDIENCE, DEMO_HEAP (256m).
set -euo pipefail
POINTS_SCRIPT=demo.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

for arg in "$@"; do
  case "$arg" in
    -h|--help) help=true ;;
  esac
done

# shellcheck source=jdk.sh
. "$POINTS_LOCAL/jdk.sh"

jar="$POINTS_ROOT/bench/target/bench-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -d "$POINTS_ROOT/bench/target/lib" ] \
    || [ -n "$(find "$POINTS_ROOT/bench/src/main" "$POINTS_ROOT/bench/pom.xml" -newer "$jar" -print -quit)" ]; then
  points_log "building the demo's driver (./mvnw -q package -DskipTests -pl bench -am)"
  (cd "$POINTS_ROOT" && ./mvnw -B -q -ntp package -DskipTests -pl bench -am </dev/null) \
    || points_die "the build failed (see above)"
fi

if [ "${help:-false}" != true ]; then
  for svc in "${POINTS_SERVICES[@]}"; do
    status="$(points_http_status "${POINTS_PORT[$svc]}" /q/health/ready)"
    [ "$status" = 200 ] || points_die "$svc is not ready on port ${POINTS_PORT[$svc]} (status $status): start the stack first, deploy/local/up.sh"
  done
  [ -s "$POINTS_JWT_PRIVATE_KEY_FILE" ] || points_die "no $POINTS_JWT_PRIVATE_KEY_FILE: is this the run directory up.sh used (POINTS_RUN_DIR)?"
fi

progress=plain
[ -t 1 ] && progress=bar
exec java "-Xmx${DEMO_HEAP:-256m}" -XX:TieredStopAtLevel=1 -Dslf4j.internal.verbosity=ERROR -cp "$jar:$POINTS_ROOT/bench/target/lib/*" \
  io.pointsplatform.bench.demo.Demo \
  --earning "http://localhost:${POINTS_PORT[earning-service]}" --ledger "http://localhost:${POINTS_PORT[ledger-service]}" \
  --catalog "http://localhost:${POINTS_PORT[catalog-service]}" --redemption "http://localhost:${POINTS_PORT[redemption-service]}" \
  --notification "http://localhost:${POINTS_PORT[notification-service]}" \
  --dashboard "http://localhost:${POINTS_DASHBOARD_PORT:-8086}" \
  --private-key "$POINTS_JWT_PRIVATE_KEY_FILE" --issuer "${POINTS_JWT_ISSUER:-points-local}" \
  --audience "${POINTS_JWT_AUDIENCE:-points-platform}" --progress "$progress" "$@"
