package org.spillway.bench;

import static org.spillway.frame.Functions.count;
import static org.spillway.frame.Functions.sum;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;

/**
 * {@code ./spillway bench iceberg [--rows 1e8] [--file-rows 8388608] [--deletes 0.05] [--threads T] [--memory 1g] [--runs 5]
 * [--data DIR]}: scanning an Iceberg table with position deletes against scanning the same Parquet data files without
 * them, under a memory limit; Spillway only (issue "Speed": within 1.5x).
 *
 * <p>The table ({@link IcebergBenchTable}) is generated once into {@code DIR/iceberg-bench} and kept for later runs.
 * Each query runs {@code --runs} times on each side, the two sides alternating (which goes first alternates too); every
 * run opens the data again ({@code sw.readIceberg(dir)}: metadata, manifests, the delete files read into position
 * sets; {@code sw.readParquet(glob)}: the footers), so the times include planning. The queries:
 * <ul>
 * <li>{@code count()}: the table's live rows (with deletes every row group is read; without, the footers answer);</li>
 * <li>{@code agg(count(), sum(id), sum(k), sum(v))}: the numeric columns of every row decoded;</li>
 * <li>{@code groupBy(k).agg(count(), sum(id), sum(v))}: {@value IcebergBenchTable#KEYS} groups;</li>
 * <li>{@code groupBy(s).agg(count(), sum(id), sum(k), sum(v))}: every column of every row, {@value IcebergBenchTable#STRINGS}
 *     groups.</li>
 * </ul>
 * Checks: the table's rows are {@code rows - deleted} and their ids sum to the total less the deleted ids, on both
 * Spillway's side and iceberg-core's plan (and, up to {@value #ICEBERG_READ_LIMIT} rows, Iceberg's own reader).
 */
public final class IcebergBench {
    /** Up to this many rows, the table is also read with Iceberg's generic reader as a check. */
    public static final long ICEBERG_READ_LIMIT = 2_000_000;
    /** The target: the scan with deletes within this factor of the scan without. */
    public static final double TARGET = 1.5;

    private IcebergBench() {
    }

    /**
     * What to run.
     *
     * @param rows     rows of the table (before deletes)
     * @param fileRows rows per data file
     * @param deletes  the fraction of each file's rows deleted by position
     * @param threads  Spillway's workers
     * @param memory   Spillway's memory limit
     * @param runs     timed runs of each query on each side
     * @param dataDir  where the table goes (under {@code iceberg-bench})
     */
    public record Config(long rows, long fileRows, double deletes, int threads, String memory, int runs, Path dataDir) {
        public Config {
            if (rows <= 0 || fileRows <= 0 || runs <= 0 || threads <= 0) {
                throw new IllegalArgumentException("need rows > 0, file-rows > 0, threads > 0 and runs > 0");
            }
            if (!(deletes >= 0 && deletes < 1)) {
                throw new IllegalArgumentException("--deletes is a fraction in [0, 1), not " + deletes);
            }
            if (fileRows > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("--file-rows is at most " + Integer.MAX_VALUE);
            }
        }
    }

    /**
     * One query: its name, what it computes from a frame (a count, one row, or the rows of a group by), and the groups it
     * has (0: not a group by).
     */
    private record Query(String name, Function<DataFrame, Object> body, int groups) {
    }

    /** Runs the benchmark, printing to {@code out}; 0 if every check held, else 1. */
    public static int run(Config c, PrintStream out) throws IOException {
        // iceberg-core and Hadoop log every commit and scan at INFO through slf4j-simple: only their warnings and errors
        quiet("org.apache.iceberg", "warn");
        quiet("org.apache.hadoop", "error");
        Path root = Files.createDirectories(c.dataDir().resolve("iceberg-bench"));
        out.printf(Locale.ROOT, "Iceberg scan with position deletes vs the same Parquet files without, %d threads, memory limit %s,"
                + " max heap %d MiB, %s%n", c.threads(), c.memory(), Runtime.getRuntime().maxMemory() >> 20, java.time.LocalDate.now());
        boolean ok = true;
        try (Spillway s = Spillway.builder().memoryLimit(c.memory()).parallelism(c.threads()).progress(false).build()) {
            IcebergBenchTable.Info t = IcebergBenchTable.table(s, root, c.rows(), c.fileRows(), c.deletes(), out);
            long total = t.rows() * (t.rows() - 1) / 2; // the sum of all ids
            out.printf(Locale.ROOT, "table: %,d rows in %d data files (%.1f MB), %,d rows deleted (%.2f%%) by %d position delete files"
                    + " (%.1f MB); %,d live rows%n", t.rows(), t.files(), t.dataBytes() / 1e6, t.deleted(), 100.0 * t.deleted() / t.rows(),
                    t.deleted() > 0 ? t.files() : 0, t.deleteBytes() / 1e6, t.live());

            long[] iceberg = new long[2];
            String plan = IcebergBenchTable.icebergCheck(t, t.rows() <= ICEBERG_READ_LIMIT, iceberg);
            boolean good = plan.contains(String.format(Locale.ROOT, "(%,d rows)", t.rows()))
                    && plan.contains(String.format(Locale.ROOT, "(%,d deletes)", t.deleted()))
                    && (iceberg[0] < 0 || iceberg[0] == t.live() && iceberg[1] == total - t.deletedIdSum());
            ok &= good;
            out.printf(Locale.ROOT, "check: %s (%s)%n", plan, good ? "right" : "WRONG");

            String dir = t.dir().toString();
            String glob = t.dataGlob();
            // the count and the sums of id come first in every result, so that they are checked
            List<Query> queries = List.of(
                    new Query("count()", DataFrame::count, 0),
                    new Query("agg(count, sum id, sum k, sum v)", df -> df.agg(count(), sum("id"), sum("k"), sum("v")).rows().getFirst(), 0),
                    new Query("groupBy(k).agg(count, sum id, sum v)", df -> df.groupBy("k").agg(count(), sum("id"), sum("v")).rows(),
                            IcebergBenchTable.KEYS),
                    new Query("groupBy(s).agg(count, sum id, sum k, sum v)",
                            df -> df.groupBy("s").agg(count(), sum("id"), sum("k"), sum("v")).rows(), IcebergBenchTable.STRINGS));

            Map<String, Long> before = s.counters();
            long a = System.nanoTime();
            long opened = s.readIceberg(dir).count();
            out.printf(Locale.ROOT, "%nfirst read (untimed warm-up): readIceberg(dir).count() = %,d in %.2f s; counters %s%n", opened,
                    (System.nanoTime() - a) / 1e9, delta(before, s.counters()));
            ok &= check(out, "warm-up count()", opened, t.live());

            out.printf(Locale.ROOT, "%n%d runs per query and side, alternating; seconds of wall time and of the process's CPU time (each run"
                    + " opens the table or files again)%n", c.runs());
            var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
            List<String> lines = new ArrayList<>();
            for (Query q : queries) {
                double[][] wall = new double[2][c.runs()]; // [0] with deletes (Iceberg), [1] without (Parquet)
                double[][] cpu = new double[2][c.runs()];
                Object[] results = new Object[2];
                for (int r = 0; r < c.runs(); r++) {
                    for (int i = 0; i < 2; i++) {
                        int side = (i + r) % 2; // which goes first alternates
                        long cpu0 = os.getProcessCpuTime();
                        long b = System.nanoTime();
                        results[side] = q.body().apply(side == 0 ? s.readIceberg(dir) : s.readParquet(glob));
                        wall[side][r] = (System.nanoTime() - b) / 1e9;
                        cpu[side][r] = (os.getProcessCpuTime() - cpu0) / 1e9;
                    }
                    out.printf(Locale.ROOT, "  %-44s run %d  iceberg %7.3f (cpu %7.3f)  parquet %7.3f (cpu %7.3f)  1-min load %.1f%n", q.name(),
                            r + 1, wall[0][r], cpu[0][r], wall[1][r], cpu[1][r], os.getSystemLoadAverage());
                }
                ok &= checkResult(out, q, results[0], t.live(), total - t.deletedIdSum(), "iceberg");
                ok &= checkResult(out, q, results[1], t.rows(), total, "parquet");
                lines.add(String.format(Locale.ROOT, "%-44s %8.3f %8.3f %8.3f %8.3f %7.2f %8.3f %8.3f %7.2f%s", q.name(), median(wall[0]),
                        min(wall[0]), median(wall[1]), min(wall[1]), median(wall[0]) / median(wall[1]), median(cpu[0]), median(cpu[1]),
                        median(cpu[0]) / median(cpu[1]), q.name().equals("count()") ? "  (parquet: from the footers)" : ""));
            }
            out.printf(Locale.ROOT, "%n%-44s %8s %8s %8s %8s %7s %8s %8s %7s%n", "query (seconds)", "ice med", "ice best", "pq med", "pq best",
                    "ratio", "ice cpu", "pq cpu", "cpu rt");
            lines.forEach(out::println);
            out.printf(Locale.ROOT, "ratio = median with deletes / median without (wall; cpu rt: of the medians of CPU time); target <= %.1f"
                    + " for the scans that decode every row%n", TARGET);
            out.println("\n" + s.memoryReport());
            out.println("spillway counters: " + new TreeMap<>(s.counters()));
        }
        out.println(ok ? "checks: all held" : "checks: SOME FAILED");
        return ok ? 0 : 1;
    }

    /** Sets slf4j-simple's level of the loggers under {@code prefix}, unless the command line did. */
    private static void quiet(String prefix, String level) {
        String key = "org.slf4j.simpleLogger.log." + prefix;
        System.setProperty(key, System.getProperty(key, level));
    }

    /** Checks a query's result: the row count and the sum of the ids (over the groups of a group by, and their number). */
    private static boolean checkResult(PrintStream out, Query q, Object result, long rows, long idSum, String side) {
        String what = side + " " + q.name();
        return switch (result) {
            case Long n -> check(out, what, n, rows);
            case Row row -> check(out, what + " count", ((Number) row.get(0)).longValue(), rows)
                    & check(out, what + " sum(id)", ((Number) row.get(1)).longValue(), idSum);
            case List<?> groups -> {
                long n = 0;
                long ids = 0;
                for (Object g : groups) {
                    n += ((Number) ((Row) g).get(1)).longValue();
                    ids += ((Number) ((Row) g).get(2)).longValue();
                }
                // every group is there when each has ~100 rows or more (a missing one has probability e^-90 or less)
                boolean all = rows >= 90L * q.groups();
                yield check(out, what + " groups' counts", n, rows) & check(out, what + " groups' sum(id)", ids, idSum)
                        & (!all || check(out, what + " groups", groups.size(), q.groups()));
            }
            default -> throw new IllegalStateException("unexpected result " + result);
        };
    }

    private static boolean check(PrintStream out, String what, long got, long expected) {
        if (got != expected) {
            out.printf(Locale.ROOT, "  check FAILED: %s = %,d, expected %,d%n", what, got, expected);
            return false;
        }
        return true;
    }

    private static Map<String, Long> delta(Map<String, Long> before, Map<String, Long> after) {
        Map<String, Long> out = new TreeMap<>();
        after.forEach((k, v) -> {
            long d = v - before.getOrDefault(k, 0L);
            if (d != 0) {
                out.put(k, d);
            }
        });
        return out;
    }

    static double median(double[] xs) {
        double[] s = xs.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    private static double min(double[] xs) {
        return Arrays.stream(xs).min().orElse(Double.NaN);
    }
}
