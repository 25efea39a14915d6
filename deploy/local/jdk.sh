#!/usr/bin/env bash
# Prints the home of a JDK >= 21: $JAVA_HOME if it is one, else the newest under /usr/lib/jvm.
# The machine's default java is 17; the project targets 21 and runs on Temurin 25.
# Source it (". deploy/local/jdk.sh") to export JAVA_HOME and PATH, or run it to print the home.
_points_java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n 1
}
_points_find_jdk() {
  local candidate major best="" best_major=0
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/*; do
    if [ -z "$candidate" ] || [ ! -x "$candidate/bin/javac" ]; then continue; fi
    major=$(_points_java_major "$candidate")
    if [ -z "$major" ] || [ "$major" -lt 21 ]; then continue; fi
    if [ "$candidate" = "${JAVA_HOME:-}" ]; then echo "$candidate"; return 0; fi
    if [ "$major" -gt "$best_major" ]; then best="$candidate"; best_major=$major; fi
  done
  [ -n "$best" ] || return 1
  echo "$best"
}
if ! _points_home=$(_points_find_jdk); then
  echo "jdk.sh: no JDK >= 21 found (set JAVA_HOME, or install one under /usr/lib/jvm)" >&2
  # shellcheck disable=SC2317
  return 1 2>/dev/null || exit 1
fi
export JAVA_HOME="$_points_home"
case ":$PATH:" in
  ":$JAVA_HOME/bin:"*) ;;   # already first: sourcing twice does not grow PATH
  *) export PATH="$JAVA_HOME/bin:$PATH" ;;
esac
# Run directly (not sourced): print the home.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then echo "$JAVA_HOME"; fi
