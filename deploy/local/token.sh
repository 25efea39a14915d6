#!/usr/bin/env bash
# Prints a signed JWT (RS256) for the local stack, for people and tests:
#
#   deploy/local/token.sh ROLE [SUBJECT]    a token; ROLE: checkout member admin analyst service
#   deploy/local/token.sh --verify TOKEN    checks a token's signature (and expiry) against the
#                                           local public key, prints its header and claims
#   deploy/local/token.sh --self-check      makes a token for every role and verifies it
#
# The token is minted by smallrye-jwt-build (service-kit's TokenTool, run on the JDK >= 21), never
# assembled in the shell. Claims: iss (POINTS_JWT_ISSUER, default points-local), aud
# (POINTS_JWT_AUDIENCE, default points-platform), sub = SUBJECT (default ROLE-local; for a member,
# its member id), upn = SUBJECT, groups = [ROLE], iat, exp (iat + TOKEN_TTL_SECONDS, default 3600),
# jti (random). Signed with <run dir>/keys/jwt-private.pem (RSA 2048, PKCS#8), made here or by
# up.sh when missing, never committed; services verify with jwt-public.pem beside it. The first
# call builds service-kit and keeps its class path in <run dir>/token-tool.classpath.
# Env: POINTS_JWT_ISSUER, POINTS_JWT_AUDIENCE, TOKEN_TTL_SECONDS, POINTS_RUN_DIR.
set -euo pipefail
POINTS_SCRIPT=token.sh
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

ROLES=(checkout member admin analyst service)
ISSUER="${POINTS_JWT_ISSUER:-points-local}"
AUDIENCE="${POINTS_JWT_AUDIENCE:-points-platform}"
TTL="${TOKEN_TTL_SECONDS:-3600}"
CLASSPATH_FILE="$POINTS_RUN/token-tool.classpath"
TOOL_CLASSES="$POINTS_ROOT/service-kit/target/classes"
TOOL_CLASS="$TOOL_CLASSES/io/pointsplatform/kit/security/TokenTool.class"

b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
# Decodes base64url (no padding) from stdin to raw bytes.
b64url_decode() {
  local s
  s="$(tr -- '-_' '+/')"
  case $(( ${#s} % 4 )) in
    2) s+="==" ;;
    3) s+="=" ;;
    1) return 1 ;;
  esac
  printf '%s' "$s" | openssl base64 -d -A
}

# Builds service-kit (and points-events) and keeps its runtime class path, once, or again when
# service-kit's sources or poms are newer than what was built.
ensure_tool() {
  local stale=""
  if [ -s "$CLASSPATH_FILE" ] && [ -f "$TOOL_CLASS" ]; then
    stale="$(find "$POINTS_ROOT/pom.xml" "$POINTS_ROOT/service-kit/pom.xml" "$POINTS_ROOT/service-kit/src/main" \
      -newer "$CLASSPATH_FILE" -type f -print -quit 2>/dev/null)"
    [ -z "$stale" ] && return 0
  fi
  . "$POINTS_LOCAL/jdk.sh" >/dev/null
  mkdir -p "$POINTS_RUN"
  (cd "$POINTS_ROOT" && ./mvnw -B -q -ntp -pl service-kit -am compile dependency:build-classpath \
      -Dmdep.includeScope=runtime -Dmdep.outputFile="$CLASSPATH_FILE.tmp" </dev/null >"$POINTS_RUN/token-tool-build.log" 2>&1) \
    || { tail -n 30 "$POINTS_RUN/token-tool-build.log" >&2; points_die "could not build service-kit's TokenTool"; }
  mv -f "$CLASSPATH_FILE.tmp" "$CLASSPATH_FILE"
}

make_token() {
  local role="$1" subject="$2"
  ensure_tool
  . "$POINTS_LOCAL/jdk.sh" >/dev/null
  POINTS_JWT_PRIVATE_KEY_FILE="$POINTS_JWT_PRIVATE_KEY_FILE" POINTS_JWT_ISSUER="$ISSUER" \
    POINTS_JWT_AUDIENCE="$AUDIENCE" TOKEN_TTL_SECONDS="$TTL" \
    "$JAVA_HOME/bin/java" -Xshare:auto -XX:TieredStopAtLevel=1 \
      -cp "$TOOL_CLASSES:$(cat "$CLASSPATH_FILE")" io.pointsplatform.kit.security.TokenTool "$role" "$subject"
}

# Verifies TOKEN's RS256 signature with the public key and that it has not expired; prints the
# decoded header and payload. Returns non-zero on any failure.
verify_token() {
  local token="$1" header payload signature tmp rc=0 exp now
  IFS=. read -r header payload signature <<<"$token"
  if [ -z "$header" ] || [ -z "$payload" ] || [ -z "$signature" ] || [[ "$signature" == *.* ]]; then
    points_err "not a JWS compact token (three base64url parts)"
    return 1
  fi
  tmp="$(mktemp)"
  if ! printf '%s' "$signature" | b64url_decode >"$tmp"; then
    rm -f "$tmp"; points_err "bad signature encoding"; return 1
  fi
  if ! printf '%s.%s' "$header" "$payload" \
      | openssl dgst -sha256 -verify "$POINTS_JWT_PUBLIC_KEY_FILE" -signature "$tmp" >/dev/null 2>&1; then
    points_err "signature does NOT verify against $POINTS_JWT_PUBLIC_KEY_FILE"
    rc=1
  fi
  rm -f "$tmp"
  header="$(printf '%s' "$header" | b64url_decode)" || { points_err "bad header encoding"; return 1; }
  payload="$(printf '%s' "$payload" | b64url_decode)" || { points_err "bad payload encoding"; return 1; }
  [[ "$header" == *'"alg":"RS256"'* ]] || { points_err "alg is not RS256: $header"; rc=1; }
  exp="$(sed -n 's/.*"exp":\([0-9]*\).*/\1/p' <<<"$payload")"
  now="$(date +%s)"
  if [ -z "$exp" ] || [ "$exp" -le "$now" ]; then points_err "expired or no exp: $payload"; rc=1; fi
  printf 'header:  %s\npayload: %s\n' "$header" "$payload"
  [ "$rc" -eq 0 ] && echo "signature: valid (RS256, $POINTS_JWT_PUBLIC_KEY_FILE)"
  return "$rc"
}

self_check() {
  local role token out
  for role in "${ROLES[@]}"; do
    token="$(make_token "$role" "$role-local")"
    out="$(verify_token "$token")" || { points_err "self-check failed for $role"; return 1; }
    grep -q "\"groups\":\[\"$role\"\]" <<<"$out" || { points_err "no groups [$role] in: $out"; return 1; }
  done
  # A token whose payload was changed after signing must fail.
  token="$(make_token member m-1)"
  local h s forged
  IFS=. read -r h _ s <<<"$token"
  forged="$h.$(printf '%s' '{"iss":"points-local","sub":"m-2","groups":["admin"],"exp":9999999999}' | b64url).$s"
  if verify_token "$forged" >/dev/null 2>&1; then points_err "a forged token verified"; return 1; fi
  echo "token.sh self-check: ${#ROLES[@]} roles signed and verified, a forged token rejected"
}

usage_error() { points_usage "$0" >&2; exit 2; }

[ $# -ge 1 ] || usage_error
case "$1" in
  -h|--help) points_usage "$0"; exit 0 ;;
  --verify)
    [ $# -eq 2 ] || usage_error
    [ -s "$POINTS_JWT_PUBLIC_KEY_FILE" ] || points_die "no public key at $POINTS_JWT_PUBLIC_KEY_FILE"
    verify_token "$2"
    exit $?
    ;;
  --self-check)
    points_ensure_keys
    self_check
    exit $?
    ;;
  -*) points_die "unknown option: $1 (try --help)" ;;
esac

role="$1"
subject="${2:-$role-local}"
[ $# -le 2 ] || usage_error
valid=false
for r in "${ROLES[@]}"; do [ "$r" = "$role" ] && valid=true; done
[ "$valid" = true ] || points_die "unknown role '$role'; roles: ${ROLES[*]}"
[ -n "$subject" ] || points_die "SUBJECT must not be empty"
[[ "$TTL" =~ ^[1-9][0-9]*$ ]] || points_die "TOKEN_TTL_SECONDS must be a positive number of seconds"
command -v openssl >/dev/null 2>&1 || points_die "openssl is needed (apt-get install -y openssl)"
points_ensure_keys
make_token "$role" "$subject"
