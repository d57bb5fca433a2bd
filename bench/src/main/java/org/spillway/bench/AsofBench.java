package org.spillway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * {@code ./spillway bench asof}: an as-of join of {@code labels} label rows against {@code features} feature rows (the
 * issue's 1e7 against 1e8), Spillway's {@code joinAsof} beside DuckDB's {@code ASOF LEFT JOIN}, each within the same
 * memory limit and thread count, both reading the same Parquet files:
 * <pre>{@code
 * SELECT count(r.f1), sum(r.f1), sum(r.f2) FROM labels l ASOF LEFT JOIN features r
 *   ON l.user = r.user AND l.ts >= r.feature_ts
 * }</pre>
 * The data (generated once into {@code DIR/asof-*.parquet}): {@code labels(lid int64, user int64, ts timestamp)} and
 * {@code features(user int64, feature_ts timestamp, f1 float64, f2 int64)}, users uniform over {@code users} ids (a
 * tenth of the labels and features go to user 0, a skewed key), times spread over 30 days in microseconds (the features'
 * all distinct, so that no engine's choice among tied rows shows in the sums). Each
 * engine runs twice; the better run counts. The matched count and the sums must agree.
 */
public final class AsofBench {
    private static final long BASE_MICROS = 1_704_067_200_000_000L; // 2024-01-01T00:00Z
    private static final long SPAN_MICROS = 30L * 86_400_000_000L;

    private AsofBench() {
    }

    /** Labels or features, each row a function of its number. */
    record Gen(boolean features, long rows, long users, long seed) implements RowGenerator {
        @Override
        public Schema schema() {
            return features
                    ? Schema.of(new Field("user", DataType.INT64), new Field("feature_ts", DataType.TIMESTAMP),
                            new Field("f1", DataType.FLOAT64), new Field("f2", DataType.INT64))
                    : Schema.of(new Field("lid", DataType.INT64), new Field("user", DataType.INT64), new Field("ts", DataType.TIMESTAMP));
        }

        @Override
        public void fill(long fromRow, int count, List<VectorBuilder> builders) {
            RowGenerator.checkFill(this, fromRow, count, builders);
            for (long i = fromRow; i < fromRow + count; i++) {
                long h1 = mix(i * 2 + seed);
                long h2 = mix(i * 2 + 1 + seed);
                long user = Long.remainderUnsigned(h1, 10) == 0 ? 0 : Long.remainderUnsigned(h1 >>> 8, users);
                // features: distinct times (i times a number prime to the span's factors 2, 3 and 5), so no ties
                long ts = BASE_MICROS + (features ? Math.floorMod(i * 7_777_777L, SPAN_MICROS) : Long.remainderUnsigned(h2, SPAN_MICROS));
                if (features) {
                    ((LongVectorBuilder) builders.get(0)).append(user);
                    ((LongVectorBuilder) builders.get(1)).append(ts);
                    ((DoubleVectorBuilder) builders.get(2)).append((h2 >>> 40) / 1024.0);
                    ((LongVectorBuilder) builders.get(3)).append(h1 >>> 44);
                } else {
                    ((LongVectorBuilder) builders.get(0)).append(i);
                    ((LongVectorBuilder) builders.get(1)).append(user);
                    ((LongVectorBuilder) builders.get(2)).append(ts);
                }
            }
        }

        private static long mix(long z) {
            z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
            z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
            return z ^ (z >>> 31);
        }
    }

    /** Runs the benchmark; returns a process exit status (1 when the engines disagree). */
    public static int run(long labels, long features, long users, int threads, String memory, Path dir) throws Exception {
        Files.createDirectories(dir);
        Path l = dir.resolve("asof-labels-" + labels + "-" + users + ".parquet");
        Path f = dir.resolve("asof-features-" + features + "-" + users + ".parquet");
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build()) {
            for (Path p : new Path[] {l, f}) {
                if (!Files.exists(p)) {
                    long t0 = System.nanoTime();
                    Gen g = p == l ? new Gen(false, labels, users, 1) : new Gen(true, features, users, 2);
                    DataFrame data = sw.generate(g);
                    data.writeParquet(p.toString());
                    data.unpersist();
                    System.out.printf(Locale.ROOT, "generated %s (%,d rows) in %.1f s%n", p, g.rows(), (System.nanoTime() - t0) / 1e9);
                }
            }
        }
        System.out.printf(Locale.ROOT, "as-of join of %,d labels against %,d features (%,d users), %d threads, memory limit %s, %s%n",
                labels, features, users, threads, memory, java.time.LocalDate.now());
        double[] sw = new double[2];
        Object[] swResult = null;
        try (Spillway s = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build()) {
            for (int run = 0; run < 2; run++) {
                long t0 = System.nanoTime();
                Row r = s.readParquet(l.toString()).joinAsof(s.readParquet(f.toString()), Functions.on("user"), "ts", "feature_ts")
                        .agg(Functions.count("f1"), Functions.sum("f1"), Functions.sum("f2")).rows().getFirst();
                sw[run] = (System.nanoTime() - t0) / 1e9;
                swResult = r.values().toArray();
                if (run == 0) {
                    System.out.println("spillway: " + s.memoryReport());
                }
            }
        }
        double[] dk = new double[2];
        Object[] dkResult = new Object[3];
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = " + threads);
            st.execute("SET memory_limit = '" + memory + "'");
            st.execute("SET temp_directory = '" + dir.resolve("duckdb-tmp") + "'");
            for (int run = 0; run < 2; run++) {
                long t0 = System.nanoTime();
                try (ResultSet rs = st.executeQuery("SELECT count(r.f1), sum(r.f1), sum(r.f2) FROM read_parquet('" + l + "') l"
                        + " ASOF LEFT JOIN read_parquet('" + f + "') r ON l.user = r.user AND l.ts >= r.feature_ts")) {
                    rs.next();
                    dkResult = new Object[] {rs.getLong(1), rs.getDouble(2), rs.getObject(3)};
                }
                dk[run] = (System.nanoTime() - t0) / 1e9;
            }
        }
        double s = Math.min(sw[0], sw[1]);
        double d = Math.min(dk[0], dk[1]);
        System.out.printf(Locale.ROOT, "%-10s %9s %9s %14s %s%n", "engine", "run 1 s", "run 2 s", "labels/s", "count, sum(f1), sum(f2)");
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %14.0f %s%n", "spillway", sw[0], sw[1], labels / s, List.of(swResult));
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %14.0f %s%n", "duckdb", dk[0], dk[1], labels / d, List.of(dkResult));
        System.out.printf(Locale.ROOT, "ratio spillway/duckdb (time, best runs): %.2f%n", s / d);
        boolean same = ((Number) swResult[0]).longValue() == (Long) dkResult[0]
                && Math.abs(((Number) swResult[1]).doubleValue() - (Double) dkResult[1]) <= 1e-9 * Math.abs((Double) dkResult[1])
                && new java.math.BigDecimal(swResult[2].toString()).compareTo(new java.math.BigDecimal(dkResult[2].toString())) == 0;
        if (!same) {
            System.out.println("RESULTS DIFFER: spillway " + List.of(swResult) + ", duckdb " + List.of(dkResult));
            return 1;
        }
        return 0;
    }
}
