#!/bin/sh
# Spillway's ALS beside Spark MLlib's (org.spillway.benchspark.AlsSideBySide; bench/README.md, "ALS").
# Builds bench-spark in the optional profile -Pspark (downloads Spark 4.2.0, about 300 MB, on first use), then runs
# it in one JVM with the --add-opens flags Spark needs on JDK 17+. Options: --users 1e5 --items 1e4 --ratings 1e7
# --rank 20 --iterations 5 --reg 0.05 --threads 2 --memory 4g (Spillway's limit) --data DIR --engines spillway,spark.
# jdk.incubator.vector lets Spark's BLAS (dev.ludovic.netlib) use its vectorised Java BLAS when no native BLAS is installed.
# SPARK_BENCH_HEAP sets -Xmx (default 8g: Spark keeps the cached ratings and its blocks on the heap).
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/.mvn/find-jdk.sh"
"$ROOT/mvnw" -q -B -Pspark -DskipTests -pl bench-spark -am package -f "$ROOT/pom.xml"
CP="$ROOT/bench-spark/target/classes:$(cat "$ROOT/bench-spark/target/classpath.txt")"
OPENS=""
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS="$OPENS --add-opens=java.base/$p=ALL-UNNAMED"
done
exec "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED --add-modules=jdk.incubator.vector -XX:+UseParallelGC -Xmx"${SPARK_BENCH_HEAP:-8g}" $OPENS \
  -Djdk.reflect.useDirectMethodHandle=false -Dio.netty.tryReflectionSetAccessible=true \
  -cp "$CP" org.spillway.benchspark.AlsSideBySide "$@"
