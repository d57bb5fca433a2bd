package org.spillway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
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
}
