# Sourced by ./ferry, ./test.sh and .ci/run: exports JAVA_HOME pointing at a JDK 21 or newer.
# Prefers $JAVA_HOME when it is new enough, else the newest JDK under /usr/lib/jvm.
ferry_java_major() {
  "$1/bin/java" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print (v[1] == "1" ? v[2] : v[1]); exit}'
}
ferry_find_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && [ "$(ferry_java_major "$JAVA_HOME")" -ge 21 ] 2>/dev/null; then
    return 0
  fi
  local best="" best_major=0 d m
  for d in /usr/lib/jvm/*/; do
    d=${d%/}
    [ -x "$d/bin/javac" ] || continue
    m=$(ferry_java_major "$d") || continue
    if [ -n "$m" ] && [ "$m" -ge 21 ] && [ "$m" -gt "$best_major" ]; then best=$d; best_major=$m; fi
  done
  if [ -z "$best" ]; then
    echo "ferry: no JDK 21+ found (looked at \$JAVA_HOME and /usr/lib/jvm/*); install one, e.g. Temurin 21 or 25" >&2
    return 1
  fi
  export JAVA_HOME=$best
}
ferry_find_java
