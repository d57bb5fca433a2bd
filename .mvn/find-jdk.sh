# Sourced (POSIX sh) by ./mvnw and ./spillway: makes JAVA_HOME point at a JDK 25 or newer.
# Order: an existing JAVA_HOME that is already >= 25, then `java` on the PATH, then the usual
# install folders (/usr/lib/jvm, /usr/java, /opt, ~/.sdkman, ~/.jdks). Exits with one sentence
# naming what to install when none is found.
spillway_java_major() {
  # prints the major version of the JDK whose home is $1, or nothing
  [ -x "$1/bin/javac" ] || return 0
  _v=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release" 2>/dev/null)
  printf '%s' "$_v"
}
spillway_find_jdk() {
  if [ -n "${JAVA_HOME-}" ]; then
    _m=$(spillway_java_major "$JAVA_HOME")
    if [ -n "$_m" ] && [ "$_m" -ge 25 ]; then return 0; fi
  fi
  if command -v javac >/dev/null 2>&1; then
    _h=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    _m=$(spillway_java_major "$_h")
    if [ -n "$_m" ] && [ "$_m" -ge 25 ]; then JAVA_HOME=$_h; export JAVA_HOME; return 0; fi
  fi
  _best=""; _bestm=0; _noglob=""
  case $- in *f*) _noglob=1; set +f ;; esac   # mvnw runs with `set -f`; the search needs globs
  for _h in /usr/lib/jvm/* /usr/java/* /opt/java/* /opt/jdk* /opt/*jdk* "$HOME"/.sdkman/candidates/java/* "$HOME"/.jdks/*; do
    [ -d "$_h" ] || continue
    _m=$(spillway_java_major "$_h")
    if [ -n "$_m" ] && [ "$_m" -ge 25 ] && [ "$_m" -gt "$_bestm" ]; then _best=$_h; _bestm=$_m; fi
    # prefer the LTS 25 over newer non-LTS builds when both exist
    if [ "$_m" = 25 ]; then _best=$_h; _bestm=25; break; fi
  done
  if [ -n "$_noglob" ]; then set -f; fi
  if [ -n "$_best" ]; then JAVA_HOME=$_best; export JAVA_HOME; return 0; fi
  echo "Spillway needs a JDK 25 or newer and found none: install one (for example Temurin 25 under /usr/lib/jvm) or set JAVA_HOME to it." >&2
  exit 1
}
spillway_find_jdk
