#!/usr/bin/env bash
# Makes sure a PostgreSQL server runs and is usable by the points platform:
#   - installs Debian's postgresql package where it is missing (as root, or through sudo),
#   - creates a cluster if none listens on POINTS_DB_PORT, starts it if it is down,
#   - waits until it accepts connections,
#   - creates the role POINTS_DB_USER (LOGIN, CREATEDB, password POINTS_DB_PASSWORD) if missing
#     (and keeps its password and rights as configured),
#   - creates the databases earning, ledger, catalog, redemption, notification and analytics owned
#     by it if missing,
#   - checks that the role logs in over TCP with its password.
# Idempotent. Silent when everything was already in place; one line per thing it had to do.
# When it starts a cluster itself, it adds "<version> <name>" to <run dir>/postgres.started, so that
# `down.sh --with-postgres` may stop that cluster again (down.sh leaves PostgreSQL alone otherwise).
#
# Env: POINTS_DB_HOST (127.0.0.1), POINTS_DB_PORT (5432), POINTS_DB_USER (points),
#      POINTS_DB_PASSWORD (points), POINTS_DB_WAIT_SECONDS (60), POINTS_RUN_DIR.
# With a POINTS_DB_HOST that is not this machine, only the last two steps are done (as the role).
set -euo pipefail
# runuser and the cluster tools may live in sbin, which a non-login PATH can lack.
export PATH="$PATH:/usr/sbin:/sbin"
POINTS_SCRIPT=postgres.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DB_HOST="${POINTS_DB_HOST:-127.0.0.1}"
DB_PORT="${POINTS_DB_PORT:-5432}"
DB_USER="${POINTS_DB_USER:-points}"
DB_PASSWORD="${POINTS_DB_PASSWORD:-points}"
WAIT_SECONDS="${POINTS_DB_WAIT_SECONDS:-60}"
# analytics: the analysts' own database (replay-cli writes it, the dashboard reads it; README "Analysts").
DATABASES=(earning ledger catalog redemption notification analytics)

case "${1:-}" in
  -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  "") ;;
  *) points_die "unknown argument: $1 (try --help)" ;;
esac

case "$DB_HOST" in
  127.0.0.1|localhost|::1) local_server=true ;;
  *) local_server=false ;;
esac

# Runs a command as root: directly, or through sudo.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"
  else points_die "need root (or sudo) to: $*"
  fi
}

# Runs a command as the postgres OS user (peer authentication on the local socket).
as_postgres() {
  if [ "$(id -un)" = postgres ]; then "$@"
  elif [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"
  elif command -v sudo >/dev/null 2>&1; then sudo -n -u postgres -- "$@"
  else points_die "need root, sudo or the postgres user to create the role and databases"
  fi
}

install_postgresql() {
  points_log "postgres.sh: installing Debian's postgresql package"
  local log
  log="$(mktemp)"
  if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q \
         && as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q postgresql; } >"$log" 2>&1; then
    points_tail "$log" 60
    rm -f "$log"
    points_die "could not install postgresql"
  fi
  rm -f "$log"
}

# Prints "version name status" of the cluster on DB_PORT, if any.
cluster_on_port() {
  pg_lsclusters -h 2>/dev/null | awk -v port="$DB_PORT" '$3 == port { print $1, $2, $4; exit }'
}

newest_installed_major() {
  local d best=""
  for d in /usr/lib/postgresql/*/bin/postgres; do
    [ -x "$d" ] || continue
    d="${d#/usr/lib/postgresql/}"; d="${d%%/*}"
    if [ -z "$best" ] || [ "$d" -gt "$best" ]; then best="$d"; fi
  done
  echo "$best"
}

ensure_local_cluster() {
  if ! command -v pg_lsclusters >/dev/null 2>&1 || [ -z "$(newest_installed_major)" ]; then
    install_postgresql
  fi
  local found version name status
  found="$(cluster_on_port)"
  if [ -z "$found" ]; then
    version="$(newest_installed_major)"
    [ -n "$version" ] || points_die "no PostgreSQL server binaries under /usr/lib/postgresql after install"
    # The usual name when this is the first cluster; a name of our own beside somebody else's.
    if [ -z "$(pg_lsclusters -h 2>/dev/null)" ]; then name=main; else name=points; fi
    points_log "postgres.sh: creating cluster $version/$name on port $DB_PORT"
    as_root pg_createcluster --port "$DB_PORT" "$version" "$name" >/dev/null
    found="$(cluster_on_port)"
    [ -n "$found" ] || points_die "pg_createcluster made no cluster on port $DB_PORT"
  fi
  read -r version name status <<<"$found"
  if [[ "$status" != online* ]]; then
    points_log "postgres.sh: starting cluster $version/$name (port $DB_PORT)"
    if ! as_root pg_ctlcluster "$version" "$name" start; then
      points_tail "/var/log/postgresql/postgresql-$version-$name.log" 30
      points_die "could not start cluster $version/$name"
    fi
    mkdir -p "$POINTS_RUN"
    if ! grep -qx "$version $name" "$POINTS_RUN/postgres.started" 2>/dev/null; then
      printf '%s %s\n' "$version" "$name" >>"$POINTS_RUN/postgres.started"
    fi
  fi
  CLUSTER_VERSION="$version"
  CLUSTER_NAME="$name"
}

# Whether the server on DB_HOST:DB_PORT accepts connections.
server_ready() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h "$DB_HOST" -p "$DB_PORT" -t 2 >/dev/null 2>&1
  else
    points_port_open "$DB_PORT"
  fi
}

wait_until_ready() {
  local deadline=$((SECONDS + WAIT_SECONDS))
  until server_ready; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      if [ "$local_server" = true ] && [ -n "${CLUSTER_VERSION:-}" ]; then
        points_tail "/var/log/postgresql/postgresql-$CLUSTER_VERSION-$CLUSTER_NAME.log" 30
      fi
      points_die "PostgreSQL on $DB_HOST:$DB_PORT does not accept connections after ${WAIT_SECONDS}s"
    fi
    sleep 0.5
  done
}

# Role and databases, as the superuser over the local socket (Debian's default socket directory;
# -p picks the cluster). psql variables go through format(%I/%L), so odd names or passwords are
# quoted properly. The role's password and rights are set again: we only get here when a login
# with the configured password failed, the role lacks CREATEDB, or a database is missing.
ensure_role_and_databases() {
  local out
  if ! out="$(cd / && as_postgres psql -X -q -v ON_ERROR_STOP=1 -At -p "$DB_PORT" -d postgres \
      -v user="$DB_USER" -v password="$DB_PASSWORD" -v databases="${DATABASES[*]}" 2>&1 <<'SQL'
SELECT CASE WHEN EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'user')
            THEN format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'password')
            ELSE format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'user', :'password') END \gexec
SELECT format('CREATE DATABASE %I OWNER %I', d, :'user')
  FROM unnest(string_to_array(:'databases', ' ')) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d) \gexec
SQL
)"; then
    printf '%s\n' "$out" >&2
    points_die "could not create role $DB_USER and its databases"
  fi
}

# psql as the role, over TCP with its password.
psql_as_role() {
  PGPASSWORD="$DB_PASSWORD" PGCONNECT_TIMEOUT=5 psql -X -q -At -w -h "$DB_HOST" -p "$DB_PORT" \
    -U "$DB_USER" "$@"
}

# Prints what is not as it should be (nothing when all is well): "login", "createdb", or the
# names of missing databases.
problems() {
  local state d
  if ! state="$(psql_as_role -d postgres -c \
      "SELECT 'createdb=' || rolcreatedb FROM pg_roles WHERE rolname = current_user
       UNION ALL SELECT datname FROM pg_database" 2>/dev/null)"; then
    echo login
    return 0
  fi
  grep -qx 'createdb=true' <<<"$state" || echo createdb
  for d in "${DATABASES[@]}"; do
    grep -qx "$d" <<<"$state" || echo "$d"
  done
}

# Turns problems' output into words.
describe() {
  local p out=""
  while read -r p; do
    case "$p" in
      login) out+="${out:+, }role missing or its password differs" ;;
      createdb) out+="${out:+, }role lacked CREATEDB" ;;
      *) out+="${out:+, }database $p missing" ;;
    esac
  done
  printf '%s' "$out"
}

if [ "$local_server" = true ]; then
  ensure_local_cluster
else
  command -v psql >/dev/null 2>&1 || points_die "psql is needed (apt-get install -y postgresql-client)"
fi
wait_until_ready

todo="$(problems)"
if [ -n "$todo" ]; then
  if [ "$local_server" = true ]; then
    ensure_role_and_databases
    points_log "postgres.sh: set up role $DB_USER and its databases ($(describe <<<"$todo"))"
  else
    if grep -qx login <<<"$todo"; then
      points_die "cannot log in as $DB_USER to $DB_HOST:$DB_PORT with its password"
    fi
    for d in "${DATABASES[@]}"; do
      grep -qx "$d" <<<"$todo" || continue
      psql_as_role -d postgres -v db="$d" <<<"SELECT format('CREATE DATABASE %I', :'db') \gexec" >/dev/null \
        || points_die "could not create database $d on $DB_HOST:$DB_PORT as $DB_USER"
      points_log "postgres.sh: created database $d on $DB_HOST:$DB_PORT"
    done
  fi
  todo="$(problems)"
  if [ -n "$todo" ]; then
    if grep -qx login <<<"$todo"; then
      points_err "role $DB_USER cannot log in to $DB_HOST:$DB_PORT over TCP with its password."
      points_die "check pg_hba.conf: a 'host all all 127.0.0.1/32 scram-sha-256' (or md5) line is needed"
    fi
    points_die "still not in place: $(describe <<<"$todo")"
  fi
fi
