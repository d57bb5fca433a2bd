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
import org.spillway.frame.Spillway;

/**
 * Times Spillway and DuckDB (in-process, JDBC) on the same CSV file in one process and prints
 * both times, the throughput and the ratio Spillway/DuckDB, with a row-count check for each.
 * Each engine runs the job twice; the better run counts (the first pays for warm-up and the page
 * cache). Both use every core unless {@code --threads} says otherwise.
 */
public final class SideBySide {
    private SideBySide() {
    }

    /** {@code ./spillway bench ingest [--rows N] [--threads T] [--memory SIZE]}. */
    public static int ingest(long rows, int threads, String memory) throws Exception {
        Path file = BenchData.eventsCsv(rows);
        long bytes = Files.size(file);
        System.out.printf(Locale.ROOT, "CSV ingest of %s (%,d rows, %.1f MB), %d threads, memory limit %s, %s%n",
                file, rows, bytes / 1e6, threads, memory, java.time.LocalDate.now());
        double[] sw = new double[2];
        long swRows = 0;
        try (Spillway s = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build()) {
            for (int run = 0; run < 2; run++) {
                long t0 = System.nanoTime();
                DataFrame f = s.readCsv(file.toString()).collect();
                sw[run] = (System.nanoTime() - t0) / 1e9;
                swRows = f.count();
                f.unpersist();
            }
        }
        double[] dk = new double[2];
        long dkRows = 0;
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = " + threads);
            st.execute("SET memory_limit = '" + memory + "'");
            for (int run = 0; run < 2; run++) {
                long t0 = System.nanoTime();
                st.execute("CREATE OR REPLACE TABLE t AS SELECT * FROM read_csv('" + file + "')");
                dk[run] = (System.nanoTime() - t0) / 1e9;
                try (ResultSet rs = st.executeQuery("SELECT count(*) FROM t")) {
                    rs.next();
                    dkRows = rs.getLong(1);
                }
            }
        }
        double s = Math.min(sw[0], sw[1]);
        double d = Math.min(dk[0], dk[1]);
        System.out.printf(Locale.ROOT, "%-10s %9s %9s %10s %12s %10s%n", "engine", "run 1 s", "run 2 s", "MB/s", "MB/s/thread", "rows");
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %10.1f %12.1f %,10d%n", "spillway", sw[0], sw[1], bytes / 1e6 / s, bytes / 1e6 / s / threads, swRows);
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %10.1f %12.1f %,10d%n", "duckdb", dk[0], dk[1], bytes / 1e6 / d, bytes / 1e6 / d / threads, dkRows);
        System.out.printf(Locale.ROOT, "ratio spillway/duckdb (time, best runs): %.2f%n", s / d);
        if (swRows != dkRows) {
            System.out.println("ROW COUNTS DIFFER: spillway " + swRows + ", duckdb " + dkRows);
            return 1;
        }
        return 0;
    }

    /**
     * {@code ./spillway bench groupby [--n N] [--k K] [--nas P] [--threads T] [--memory SIZE]}: the
     * ten db-benchmark groupby questions on the same generated CSV, Spillway and DuckDB in one
     * process: load, then each question twice per engine, with times, the ratio and checksums.
     */
    public static int groupby(long n, int k, int nas, int threads, String memory) throws Exception {
        return groupby(n, k, nas, threads, memory, java.util.Set.of());
    }

    /** As {@link #groupby(long, int, int, int, String)}, for the questions numbered in {@code only} (empty: all). */
    public static int groupby(long n, int k, int nas, int threads, String memory, java.util.Set<Integer> only) throws Exception {
        org.spillway.datasets.GroupByData data = org.spillway.datasets.GroupByData.of(n, k).nas(nas);
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench"));
        Path file = dir.resolve(data.tableName() + ".csv");
        if (!Files.exists(file)) {
            System.out.println("generating " + file + " ...");
            Path tmp = dir.resolve(data.tableName() + ".csv.tmp");
            data.writeCsv(tmp);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.printf(Locale.ROOT, "db-benchmark groupby %s (%,d rows, %.1f MB), %d threads, memory limit %s, %s%n",
                data.tableName(), n, Files.size(file) / 1e6, threads, memory, java.time.LocalDate.now());
        int failures = 0;
        try (Spillway s = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build();
             Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = " + threads);
            st.execute("SET memory_limit = '" + memory + "'");
            // DuckDB spills to ./.tmp by default; keep it beside the data instead of the working directory
            st.execute("SET temp_directory = '" + dir.resolve("duckdb-tmp") + "'");
            long t0 = System.nanoTime();
            DataFrame x = s.readCsv(file.toString()).collect();
            double swLoad = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            st.execute("CREATE TABLE x AS SELECT * FROM read_csv('" + file + "')");
            double dkLoad = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "load: spillway %.2f s, duckdb %.2f s; %s%n%n", swLoad, dkLoad, s.memoryReport());
            System.out.printf(Locale.ROOT, "%-32s %8s %8s %8s %8s %7s  %s%n", "question", "sw 1 s", "sw 2 s", "dk 1 s", "dk 2 s",
                    "ratio", "checksums (rows; sum of measures) spillway | duckdb");
            for (int qi = 0; qi < GroupByQuestions.ALL.size(); qi++) {
                GroupByQuestions.Question q = GroupByQuestions.ALL.get(qi);
                if (!only.isEmpty() && !only.contains(qi + 1)) {
                    continue;
                }
                double[] sw = new double[2];
                String swCheck = "";
                for (int run = 0; run < 2; run++) {
                    long a = System.nanoTime();
                    DataFrame r = q.spillway().apply(x).collect();
                    sw[run] = (System.nanoTime() - a) / 1e9;
                    swCheck = checksum(r);
                    if (run == 1) {
                        q.measureColumns = measures(r);
                    }
                    r.unpersist();
                }
                double[] dk = new double[2];
                String dkCheck = "";
                boolean dkFailed = false;
                for (int run = 0; run < 2 && !dkFailed; run++) {
                    long a = System.nanoTime();
                    try (Statement qs = c.createStatement()) { // a failed statement is closed by DuckDB
                        qs.execute("CREATE OR REPLACE TABLE ans AS " + q.sql());
                        dk[run] = (System.nanoTime() - a) / 1e9;
                        dkCheck = duckChecksum(qs, q.measureColumns);
                    } catch (java.sql.SQLException e) {
                        // DuckDB can fail where Spillway does not (e.g. out of memory under the limit)
                        dkFailed = true;
                        dk[0] = dk[1] = Double.NaN;
                        dkCheck = "DuckDB failed: " + e.getMessage().lines().findFirst().orElse("");
                    }
                }
                boolean same = dkFailed || swCheck.equals(dkCheck);
                failures += same ? 0 : 1;
                System.out.printf(Locale.ROOT, "%-32s %8.3f %8.3f %8.3f %8.3f %7.2f  %s | %s%s%n", q.name(), sw[0], sw[1], dk[0], dk[1],
                        Math.min(sw[0], sw[1]) / Math.min(dk[0], dk[1]), swCheck, dkCheck, same ? "" : "  DIFFERENT");
            }
            System.out.println("\n" + s.memoryReport());
        }
        return failures == 0 ? 0 : 1;
    }

    private static List<String> measures(DataFrame r) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 0; i < r.schema().size(); i++) {
            String name = r.schema().field(i).name();
            if (!name.startsWith("id") && r.schema().type(i).isNumeric()) {
                out.add(name);
            }
        }
        return out;
    }

    /** Row count and the sum of every non-key numeric column, rounded to 6 significant digits so float order does not matter. */
    private static String checksum(DataFrame r) {
        List<String> m = measures(r);
        int[] pos = m.stream().mapToInt(name -> r.schema().indexOf(name)).toArray();
        double[] acc = r.reduceChunks(() -> new double[2], (a, chunk) -> {
            a[0] += chunk.rows();
            for (int p : pos) {
                var v = chunk.column(p);
                for (int i = 0; i < chunk.rows(); i++) {
                    if (!v.isNull(i)) {
                        a[1] += ((Number) v.getObject(i)).doubleValue();
                    }
                }
            }
        }, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
        return String.format(Locale.ROOT, "%d; %.6g", (long) acc[0], acc[1]);
    }

    private static String duckChecksum(Statement st, List<String> measures) throws Exception {
        StringBuilder sql = new StringBuilder("SELECT count(*)");
        for (String m : measures) {
            sql.append(", sum(\"").append(m).append("\")::DOUBLE");
        }
        sql.append(" FROM ans");
        try (ResultSet rs = st.executeQuery(sql.toString())) {
            rs.next();
            double total = 0;
            for (int i = 0; i < measures.size(); i++) {
                double v = rs.getDouble(i + 2);
                if (!rs.wasNull()) {
                    total += v;
                }
            }
            return String.format(Locale.ROOT, "%d; %.6g", rs.getLong(1), total);
        }
    }
}
