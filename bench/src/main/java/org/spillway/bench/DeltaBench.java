package org.spillway.bench;

import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.on;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.LongUnaryOperator;
import org.spillway.datasets.GroupByData;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Expr;
import org.spillway.frame.Spillway;
import org.spillway.frame.delta.DeltaMergeBuilder;
import org.spillway.frame.delta.DeltaTable;
import org.spillway.frame.delta.DeltaWriteOptions;
import org.spillway.frame.delta.SaveMode;
import org.spillway.frame.io.FileSpecs;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.io.parquet.ParquetSource;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/**
 * {@code ./spillway bench delta [--n 1e8] [--updates 1e6] [--commits 1000] [--threads T] [--memory 1g] [--runs 2]
 * [--parts write,delete,merge,open] [--data DIR] [--keep true]}: Delta tables under a memory limit, Spillway only.
 *
 * <ul>
 * <li><b>write</b> (also before delete and merge, unless the tables were kept by an earlier run): the groupby table
 *     {@code G1_<n>_1e2_0_0} with a unique int64 key {@code id} in front, generated
 *     without a file ({@link G1Rows}), written as a new Delta table in appends of {@value #SLICE_ROWS} rows (four
 *     1 Mi-row row groups, one data file, when memory allows; under a small limit the writer cuts row groups early and
 *     starts more files), twice: a table with {@code delta.enableDeletionVectors=true} ("dv") and
 *     one without ("cow", copy-on-write).</li>
 * <li><b>delete</b>: {@code delete(v3 < 1.0)} (about 1% of the rows, spread over every file) in each table,
 *     {@code --runs} times, the table restored to its written version ({@code restoreToVersion}, a log-only commit)
 *     before each run after the first.</li>
 * <li><b>merge</b>: {@code merge(updates, on("id")).whenMatched().updateAll().whenNotMatched().insertAll()} of
 *     {@code --updates} rows, 90% of whose keys are spread evenly over the table and 10% new, in each table,
 *     restored before each run.</li>
 * <li><b>open</b>: a table of {@code --commits} appends of ten rows each (a checkpoint every ten commits), then
 *     the warm time of {@code DeltaTable.forPath(sw, p).version()} plus {@code toDF().schema()}, its parts, and
 *     {@code toDF().count()} and a selective {@code toDF().filter(id < 50).count()}: {@value #WARMUP} warm-up repetitions,
 *     then {@value #REPS} timed (median and best).</li>
 * </ul>
 * Each change prints its time, what it returned and its commit's {@code operationMetrics} from {@code history()}.
 */
public final class DeltaBench {
    /** Rows per append of the written tables: one data file (four row groups of the writer's default size). */
    public static final int SLICE_ROWS = 4 * ParquetWriteOptions.DEFAULT_ROW_GROUP_ROWS;
    /** Untimed repetitions before the timed ones (open). */
    public static final int WARMUP = 20;
    /** Timed repetitions (open). */
    public static final int REPS = 30;
    /** The delete's condition: about 1% of the rows, in every file (v3 is uniform on [0, 100)). */
    static final Expr DELETE_CONDITION = col("v3").lt(1.0);

    private DeltaBench() {
    }

    /**
     * What to run.
     *
     * @param n       rows of the big table
     * @param updates rows of the merge's source (at most {@code n})
     * @param commits commits of the opened table
     * @param threads Spillway's workers
     * @param memory  Spillway's memory limit
     * @param runs    runs of each delete and merge
     * @param parts   any of write, delete, merge, open (delete and merge write the tables first)
     * @param dataDir where the tables go (under {@code delta-bench})
     * @param keep    keep the tables afterwards
     */
    public record Config(long n, long updates, int commits, int threads, String memory, int runs, Set<String> parts, Path dataDir,
                         boolean keep) {
        /** The parts that exist. */
        public static final List<String> PARTS = List.of("write", "delete", "merge", "open");

        public Config {
            if (updates > n || n <= 0 || updates <= 0 || commits <= 0 || runs <= 0) {
                throw new IllegalArgumentException("need 0 < updates <= n, commits > 0 and runs > 0");
            }
            for (String p : parts) {
                if (!PARTS.contains(p)) {
                    throw new IllegalArgumentException("unknown part '" + p + "'; the parts are " + PARTS);
                }
            }
        }
    }

    /** Runs the benchmark, printing to {@code out}; 0 if every check held, else 1. */
    public static int run(Config c, PrintStream out) throws IOException {
        Path root = Files.createDirectories(c.dataDir().resolve("delta-bench"));
        GroupByData g = GroupByData.of(c.n(), 100);
        out.printf(Locale.ROOT, "Delta tables, parts %s, %d threads, memory limit %s, %s%n", c.parts(), c.threads(), c.memory(),
                java.time.LocalDate.now());
        boolean ok = true;
        try (Spillway s = Spillway.builder().memoryLimit(c.memory()).parallelism(c.threads()).progress(false).build()) {
            boolean big = c.parts().contains("write") || c.parts().contains("delete") || c.parts().contains("merge");
            Path dv = root.resolve(g.tableName() + "_dv");
            Path cow = root.resolve(g.tableName() + "_cow");
            if (big) {
                out.printf(Locale.ROOT, "%nwrite: %s with a key id (%,d rows) in %,d appends of up to %,d rows"
                        + " (sw.generate(rows).writeDelta(...))%n", g.tableName(), c.n(),
                        (c.n() + SLICE_ROWS - 1) / SLICE_ROWS, SLICE_ROWS);
                for (Path t : List.of(dv, cow)) {
                    if (c.parts().contains("write") || !DeltaTable.isDeltaTable(t.toString())) {
                        write(s, g, t, t == dv, out);
                    } else {
                        out.printf(Locale.ROOT, "  %s: kept from an earlier run (--keep true), version %d, %,d rows%n", t,
                                DeltaTable.forPath(s, t).version(), DeltaTable.forPath(s, t).toDF().count());
                    }
                }
            }
            if (c.parts().contains("delete")) {
                out.printf(Locale.ROOT, "%ndelete %s, %d runs per table (restored to the written rows between runs)%n", DELETE_CONDITION, c.runs());
                for (Path t : List.of(dv, cow)) {
                    ok &= delete(s, t, c.n(), c.runs(), out);
                }
            }
            if (c.parts().contains("merge")) {
                ok &= merge(s, g, c, dv, cow, out);
            }
            if (c.parts().contains("open")) {
                open(s, root.resolve("commits_" + c.commits()), c.commits(), out);
            }
            out.println("\n" + s.memoryReport());
            out.println("spillway counters: " + new java.util.TreeMap<>(s.counters()));
            if (big && !c.keep()) {
                FileSpecs.deleteTree(dv);
                FileSpecs.deleteTree(cow);
            }
            if (!c.keep()) {
                FileSpecs.deleteTree(root.resolve("commits_" + c.commits()));
            }
        }
        out.println(ok ? "checks: all held" : "checks: SOME FAILED");
        return ok ? 0 : 1;
    }

    // ---------------------------------------------------------------- write

    private static void write(Spillway s, GroupByData g, Path table, boolean deletionVectors, PrintStream out) throws IOException {
        FileSpecs.deleteTree(table);
        DeltaWriteOptions opts = DeltaWriteOptions.defaults();
        if (deletionVectors) {
            opts = opts.withProperties(Map.of("delta.enableDeletionVectors", "true"));
        }
        long a = System.nanoTime();
        long gen = 0;
        for (long from = 0; from < g.rows(); from += SLICE_ROWS) {
            long b = System.nanoTime();
            DataFrame slice = s.generate(G1Rows.slice(g, from, Math.min(SLICE_ROWS, g.rows() - from)));
            gen += System.nanoTime() - b;
            try {
                slice.writeDelta(table, from == 0 ? SaveMode.ERROR_IF_EXISTS : SaveMode.APPEND, opts);
            } finally {
                slice.unpersist();
            }
        }
        double secs = (System.nanoTime() - a) / 1e9;
        long bytes;
        long files;
        try (var w = Files.walk(table)) {
            List<Path> all = w.filter(Files::isRegularFile).toList();
            bytes = all.stream().mapToLong(p -> p.toFile().length()).sum();
            files = all.stream().filter(p -> p.getFileName().toString().endsWith(".parquet") && !p.toString().contains("_delta_log"))
                    .count();
        }
        DeltaTable t = DeltaTable.forPath(s, table);
        out.printf(Locale.ROOT, "  write %-4s %8.2f s (of which generating the rows %.2f s)  version %d, %d data files, %.1f MB%n",
                deletionVectors ? "dv" : "cow", secs, gen / 1e9, t.version(), files, bytes / 1e6);
    }

    // ---------------------------------------------------------------- delete

    private static boolean delete(Spillway s, Path table, long n, int runs, PrintStream out) {
        DeltaTable t = DeltaTable.forPath(s, table);
        long base = t.version();
        boolean ok = true;
        for (int run = 1; run <= runs; run++) {
            if (run > 1) {
                t.restoreToVersion(base);
            }
            long a = System.nanoTime();
            long deleted = t.delete(DELETE_CONDITION);
            double secs = (System.nanoTime() - a) / 1e9;
            out.printf(Locale.ROOT, "  delete %-4s run %d %8.2f s  deleted %,d rows (%.2f%%)  %s%n", name(table), run, secs, deleted,
                    100.0 * deleted / n, lastMetrics(t));
            if (run == runs) {
                long a2 = System.nanoTime();
                long left = t.toDF().count();
                long check = t.toDF().filter(DELETE_CONDITION).count();
                boolean good = left == n - deleted && check == 0;
                ok &= good;
                out.printf(Locale.ROOT, "    check: %,d rows left, %d matching (%s; %.2f s)%n", left, check, good ? "right" : "WRONG",
                        (System.nanoTime() - a2) / 1e9);
            }
        }
        t.restoreToVersion(base);
        return ok;
    }

    // ---------------------------------------------------------------- merge

    /**
     * The merge's source key of update {@code j} of {@code m} into {@code n} rows: nine in ten are existing keys, one
     * in each stride of {@code n / m} rows (at a scrambled place within it), so they are spread over every file;
     * every tenth is a new key {@code n + j}.
     */
    static LongUnaryOperator updateKeys(long n, long m) {
        long stride = n / m;
        return j -> j % 10 == 9 ? n + j : j * stride + Math.floorMod(j * 0x9E3779B97F4A7C15L >>> 1, stride);
    }

    private static boolean merge(Spillway s, GroupByData g, Config c, Path dv, Path cow, PrintStream out) {
        long m = c.updates();
        GroupByData values = GroupByData.of(m, 100).seed(GroupByData.DEFAULT_SEED + 1);
        DataFrame updates = s.generate(new G1Rows(values, 0, m, updateKeys(c.n(), m)));
        long expectUpdated = m - m / 10;
        long expectInserted = m / 10;
        out.printf(Locale.ROOT, "%nmerge %,d rows (%,d existing keys, %,d new) on id: whenMatched().updateAll().whenNotMatched()"
                + ".insertAll(), %d runs per table (restored to the written rows between runs)%n", m, expectUpdated, expectInserted, c.runs());
        boolean ok = true;
        try {
            for (Path table : List.of(dv, cow)) {
                DeltaTable t = DeltaTable.forPath(s, table);
                long base = t.version(); // the written rows (the delete part restores them when it is done)
                for (int run = 1; run <= c.runs(); run++) {
                    if (run > 1) {
                        t.restoreToVersion(base);
                    }
                    long a = System.nanoTime();
                    DeltaMergeBuilder.MergeResult r;
                    try {
                        r = t.merge(updates, on("id")).whenMatched().updateAll().whenNotMatched().insertAll().execute();
                    } catch (RuntimeException | OutOfMemoryError e) {
                        out.printf(Locale.ROOT, "  merge  %-4s run %d FAILED after %.2f s: %s%n", name(table), run,
                                (System.nanoTime() - a) / 1e9, e);
                        ok = false;
                        break;
                    }
                    double secs = (System.nanoTime() - a) / 1e9;
                    boolean good = r.updated() == expectUpdated && r.inserted() == expectInserted;
                    ok &= good;
                    out.printf(Locale.ROOT, "  merge  %-4s run %d %8.2f s  updated %,d inserted %,d (%s)  %s%n", name(table), run, secs,
                            r.updated(), r.inserted(), good ? "as expected" : "UNEXPECTED", lastMetrics(t));
                }
                if (t.version() != base) {
                    t.restoreToVersion(base);
                }
            }
        } finally {
            updates.unpersist();
        }
        return ok;
    }

    // ---------------------------------------------------------------- open

    private static void open(Spillway s, Path table, int commits, PrintStream out) throws IOException {
        Schema schema = Schema.of(new Field("id", DataType.INT64), new Field("v", DataType.FLOAT64));
        boolean reuse = DeltaTable.isDeltaTable(table.toString()) && DeltaTable.forPath(s, table).version() == commits - 1;
        if (!reuse) {
            FileSpecs.deleteTree(table);
        }
        long a = System.nanoTime();
        for (int i = 0; i < commits && !reuse; i++) {
            List<Object[]> rows = new ArrayList<>();
            for (int r = 0; r < 10; r++) {
                rows.add(new Object[] {(long) i * 10 + r, i + r / 10.0});
            }
            s.createDataFrame(schema, rows).writeDelta(table, i == 0 ? SaveMode.ERROR_IF_EXISTS : SaveMode.APPEND,
                    DeltaWriteOptions.defaults());
        }
        double made = (System.nanoTime() - a) / 1e9;
        long checkpoints;
        try (var l = Files.list(table.resolve("_delta_log"))) {
            checkpoints = l.filter(p -> p.getFileName().toString().contains(".checkpoint")).count();
        }
        out.printf(Locale.ROOT, "%nopen: a table of %,d appends of 10 rows (%s; %d checkpoint files); %d warm-ups, then %d"
                + " timed repetitions (ms)%n", commits, reuse ? "kept from an earlier run" : String.format(Locale.ROOT, "%.2f s to make", made),
                checkpoints, WARMUP, REPS);
        out.printf(Locale.ROOT, "  %-52s %9s %9s %9s%n", "operation", "median", "best", "worst");
        timed(out, "forPath(p).version() + toDF().schema()", () -> {
            DeltaTable t = DeltaTable.forPath(s, table);
            return t.version() + t.toDF().schema().size();
        }, WARMUP, REPS);
        timed(out, "  forPath(p).version() (the log listing)", () -> DeltaTable.forPath(s, table).version(), WARMUP, REPS);
        timed(out, "  forPath(p).schema() (listing, checkpoint, replay)", () -> DeltaTable.forPath(s, table).schema().size(), WARMUP,
                REPS);
        timed(out, "  forPath(p).toDF() (the same plus the scan's set-up)", () -> DeltaTable.forPath(s, table).toDF().schema().size(),
                WARMUP, REPS);
        // the scan's set-up, by hand: every data file's existence checked, then every footer read (here all data files are live)
        List<Path> dataFiles;
        try (var l = Files.list(table)) {
            dataFiles = l.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
        }
        List<Object[]> noValues = dataFiles.stream().map(p -> new Object[0]).toList();
        timed(out, "  Files.exists of the " + dataFiles.size() + " data files", () -> dataFiles.stream().filter(Files::exists).count(),
                WARMUP, REPS);
        timed(out, "  ParquetSource.ofFiles (their " + dataFiles.size() + " footers)", () -> ParquetSource.ofFiles("open", dataFiles,
                schema, Schema.of(), noValues).files().size(), WARMUP, REPS);
        long rows = DeltaTable.forPath(s, table).toDF().count();
        timed(out, "forPath(p).toDF().count() = " + String.format(Locale.ROOT, "%,d", rows),
                () -> DeltaTable.forPath(s, table).toDF().count(), 3, 10);
        // selective: the ids of the first five appends (each append's ids are a range of their own)
        long some = DeltaTable.forPath(s, table).toDF().filter(col("id").lt(50)).count();
        timed(out, "forPath(p).toDF().filter(id < 50).count() = " + String.format(Locale.ROOT, "%,d", some),
                () -> DeltaTable.forPath(s, table).toDF().filter(col("id").lt(50)).count(), 3, 10);
    }

    private static void timed(PrintStream out, String what, java.util.function.LongSupplier job, int warmup, int reps) {
        long sink = 0;
        for (int i = 0; i < warmup; i++) {
            sink += job.getAsLong();
        }
        double[] ms = new double[reps];
        for (int i = 0; i < reps; i++) {
            long a = System.nanoTime();
            sink += job.getAsLong();
            ms[i] = (System.nanoTime() - a) / 1e6;
        }
        Arrays.sort(ms);
        double median = reps % 2 == 1 ? ms[reps / 2] : (ms[reps / 2 - 1] + ms[reps / 2]) / 2;
        out.printf(Locale.ROOT, "  %-52s %9.1f %9.1f %9.1f%s%n", what, median, ms[0], ms[reps - 1], sink == Long.MIN_VALUE ? " " : "");
    }

    // ---------------------------------------------------------------- helpers

    private static String name(Path table) {
        String f = table.getFileName().toString();
        return f.substring(f.lastIndexOf('_') + 1);
    }

    /** The latest commit's operation metrics (JSON text), from {@code history()}. */
    private static String lastMetrics(DeltaTable t) {
        var row = t.history().head(1).get(0);
        return row.get("operation") + " v" + row.get("version") + " " + row.get("operationMetrics");
    }
}
