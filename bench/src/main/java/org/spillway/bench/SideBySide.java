package org.spillway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Locale;
import org.spillway.datasets.JoinData;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.spill.memory.ProcessMemory;

/**
 * Times Spillway and DuckDB (in-process, JDBC) on the same CSV file in one process and prints
 * both times, the throughput and the ratio Spillway/DuckDB, with a row-count check for each. The groupby
 * and join suites can read Parquet instead ({@link InputFormat#PARQUET}): then both engines read the file
 * on every run. Parquet reading and writing themselves are timed by {@link ParquetBench}.
 * Each engine runs the job twice; the better run counts (the first pays for warm-up and the page
 * cache). Both use every core unless {@code --threads} says otherwise.
 */
public final class SideBySide {
    /** Printed under the tables: what the RSS columns are. */
    static final String RSS_NOTE = "sw RSS / dk RSS: the process's peak resident set (MB, VmHWM reset before each engine's two runs);"
            + " both engines share the process, so each includes what the other keeps resident (DuckDB's tables and cache,"
            + " Spillway's collected frames)";

    private SideBySide() {
    }

    /** A peak RSS in MB, or "-" where it cannot be read. */
    static String rssMb(long bytes) {
        return bytes < 0 ? "-" : String.format(Locale.ROOT, "%.0f", bytes / 1e6);
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
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %10.1f %12.1f %,10d%n", "spillway", sw[0], sw[1],
                bytes / 1e6 / s, bytes / 1e6 / s / threads, swRows);
        System.out.printf(Locale.ROOT, "%-10s %9.3f %9.3f %10.1f %12.1f %,10d%n", "duckdb", dk[0], dk[1],
                bytes / 1e6 / d, bytes / 1e6 / d / threads, dkRows);
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
        return groupby(n, k, nas, threads, memory, only, InputFormat.CSV, BenchData.defaultDir(), System.out);
    }

    /**
     * As {@link #groupby(long, int, int, int, String, java.util.Set)}, reading the table from {@code format}
     * in {@code dataDir} (generated there if missing; for {@link InputFormat#PARQUET} the CSV is written once
     * as Parquet by Spillway next to it) and printing to {@code out}. With Parquet there is no load step:
     * every run of every question reads the file ({@code sw.readParquet} and a DuckDB view over
     * {@code read_parquet}). Returns 0 if every checksum agrees (a question DuckDB fails on is reported,
     * not fatal), 1 if any differs or Spillway fails.
     */
    public static int groupby(long n, int k, int nas, int threads, String memory, java.util.Set<Integer> only, InputFormat format,
                              Path dir, java.io.PrintStream out) throws Exception {
        return questions("db-benchmark groupby", GroupByQuestions.ALL, n, k, nas, threads, memory, only, format, dir, out);
    }

    /**
     * {@code ./spillway bench window}: the {@link WindowQuestions} (q8 in its window form, rolling and running sums, a
     * rank, a lag) on the groupby table, Spillway beside DuckDB, as {@link #groupby} runs its questions.
     */
    public static int window(long n, int k, int nas, int threads, String memory, java.util.Set<Integer> only, InputFormat format,
                             Path dir, java.io.PrintStream out) throws Exception {
        return questions("window queries on the groupby table", WindowQuestions.ALL, n, k, nas, threads, memory, only, format,
                dir, out);
    }

    private static int questions(String title, List<GroupByQuestions.Question> questions, long n, int k, int nas, int threads,
                                 String memory, java.util.Set<Integer> only, InputFormat format, Path dir, java.io.PrintStream out)
            throws Exception {
        org.spillway.datasets.GroupByData data = org.spillway.datasets.GroupByData.of(n, k).nas(nas);
        Files.createDirectories(dir);
        Path file = dir.resolve(data.tableName() + format.extension());
        if (format == InputFormat.PARQUET) {
            if (!Files.exists(file)) {
                BenchData.parquetOf(BenchData.groupbyCsv(data, dir, out), org.spillway.datasets.GroupByData.columnTypes(), out);
            }
        } else {
            BenchData.groupbyCsv(data, dir, out);
        }
        out.printf(Locale.ROOT, "%s %s (%,d rows, %.1f MB of %s), %d threads, memory limit %s, %s%n", title,
                data.tableName(), n, Files.size(file) / 1e6, format == InputFormat.PARQUET ? "Parquet" : "CSV", threads, memory,
                java.time.LocalDate.now());
        int failures = 0;
        try (Spillway s = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build();
             Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = " + threads);
            st.execute("SET memory_limit = '" + memory + "'");
            // DuckDB spills to ./.tmp by default; keep it beside the data instead of the working directory
            st.execute("SET temp_directory = '" + dir.resolve("duckdb-tmp") + "'");
            java.util.function.Supplier<DataFrame> x;
            if (format == InputFormat.PARQUET) {
                // no load: both engines read the file on every run
                x = () -> s.readParquet(file);
                st.execute("CREATE VIEW x AS SELECT * FROM read_parquet('" + file + "')");
                out.printf(Locale.ROOT, "no load: every run reads %s (spillway: sw.readParquet, duckdb: a view over read_parquet)%n%n",
                        file.getFileName());
            } else {
                long t0 = System.nanoTime();
                DataFrame loaded = s.readCsv(file.toString()).collect();
                double swLoad = (System.nanoTime() - t0) / 1e9;
                x = () -> loaded;
                t0 = System.nanoTime();
                st.execute("CREATE TABLE x AS SELECT * FROM read_csv('" + file + "')");
                double dkLoad = (System.nanoTime() - t0) / 1e9;
                out.printf(Locale.ROOT, "load: spillway %.2f s, duckdb %.2f s; %s%n%n", swLoad, dkLoad, s.memoryReport());
            }
            out.printf(Locale.ROOT, "%-32s %8s %8s %8s %8s %7s %7s %7s  %s%n", "question", "sw 1 s", "sw 2 s", "dk 1 s", "dk 2 s",
                    "ratio", "sw RSS", "dk RSS", "checksums (rows; sum of measures) spillway | duckdb");
            for (int qi = 0; qi < questions.size(); qi++) {
                GroupByQuestions.Question q = questions.get(qi);
                if (!only.isEmpty() && !only.contains(qi + 1)) {
                    continue;
                }
                double[] sw = new double[2];
                String swCheck = "";
                boolean swFailed = false;
                ProcessMemory.resetPeakRss();
                for (int run = 0; run < 2 && !swFailed; run++) {
                    DataFrame r = null;
                    try {
                        long a = System.nanoTime();
                        r = q.spillway().apply(x.get()).collect();
                        sw[run] = (System.nanoTime() - a) / 1e9;
                        swCheck = checksum(r);
                    } catch (RuntimeException e) {
                        swFailed = true;
                        sw[0] = sw[1] = Double.NaN;
                        swCheck = "Spillway failed: " + firstLine(e);
                    } finally {
                        if (r != null) {
                            r.unpersist();
                        }
                    }
                }
                long swRss = ProcessMemory.peakRss();
                double[] dk = new double[2];
                String dkCheck = "";
                boolean dkFailed = false;
                ProcessMemory.resetPeakRss();
                for (int run = 0; run < 2 && !dkFailed; run++) {
                    long a = System.nanoTime();
                    try (Statement qs = c.createStatement()) { // a failed statement is closed by DuckDB
                        qs.execute("CREATE OR REPLACE TABLE ans AS " + q.sql());
                        dk[run] = (System.nanoTime() - a) / 1e9;
                        dkCheck = duckChecksum(qs);
                    } catch (java.sql.SQLException e) {
                        // DuckDB can fail where Spillway does not (e.g. out of memory under the limit)
                        dkFailed = true;
                        dk[0] = dk[1] = Double.NaN;
                        dkCheck = "DuckDB failed: " + e.getMessage().lines().findFirst().orElse("");
                    }
                }
                long dkRss = ProcessMemory.peakRss();
                boolean same = dkFailed || (!swFailed && swCheck.equals(dkCheck));
                failures += same ? 0 : 1;
                out.printf(Locale.ROOT, "%-32s %8.3f %8.3f %8.3f %8.3f %7.2f %7s %7s  %s | %s%s%n", q.name(), sw[0], sw[1], dk[0], dk[1],
                        Math.min(sw[0], sw[1]) / Math.min(dk[0], dk[1]), rssMb(swRss), rssMb(dkRss), swCheck, dkCheck,
                        same ? "" : "  DIFFERENT");
            }
            out.println("\n" + s.memoryReport());
            out.println(RSS_NOTE);
            if (format == InputFormat.PARQUET) {
                out.println("spillway counters: " + new java.util.TreeMap<>(s.counters()));
            }
        }
        return failures == 0 ? 0 : 1;
    }

    /**
     * One line of {@code ./spillway bench join}: a question's two timed runs per engine, each engine's
     * checksum, or the error an engine failed with.
     *
     * @param question the question
     * @param spillway seconds of Spillway's two runs (NaN where it failed)
     * @param duckdb   seconds of DuckDB's two runs (NaN where it failed)
     * @param spillwayChecksum Spillway's checksum, or null if it failed
     * @param duckdbChecksum   DuckDB's checksum, or null if it failed
     * @param spillwayError    the first line of Spillway's error, or null
     * @param duckdbError      the first line of DuckDB's error, or null
     */
    public record JoinLine(JoinQuestions.Question question, double[] spillway, double[] duckdb,
                           JoinQuestions.Checksum spillwayChecksum, JoinQuestions.Checksum duckdbChecksum,
                           String spillwayError, String duckdbError) {
        /** True if both engines answered and their checksums agree. */
        public boolean agrees() {
            return spillwayChecksum != null && duckdbChecksum != null && spillwayChecksum.agrees(duckdbChecksum);
        }

        /** True if both engines answered and their checksums differ (or one reports a broken result). */
        public boolean mismatch() {
            return spillwayChecksum != null && duckdbChecksum != null && !agrees();
        }

        /** Best Spillway time over best DuckDB time (NaN if either failed). */
        public double ratio() {
            return Math.min(spillway[0], spillway[1]) / Math.min(duckdb[0], duckdb[1]);
        }
    }

    /**
     * {@code ./spillway bench join [--n N] [--threads T] [--memory SIZE] [--data DIR] [--questions 1,2,..]}:
     * the five db-benchmark join questions and a full sort of x (question 6) on the same generated
     * CSV files, Spillway and DuckDB in one process: load the four tables, then each question twice per
     * engine, with times, the ratio and checksums. The tables are generated into {@code dataDir} if
     * missing. Returns 0 if every checksum agrees (a question DuckDB fails on is reported, not fatal),
     * 1 if any differs or Spillway fails.
     */
    public static int join(long n, int threads, String memory, Path dataDir, java.util.Set<Integer> only) throws Exception {
        return join(n, threads, memory, dataDir, only, InputFormat.CSV);
    }

    /**
     * As {@link #join(long, int, String, Path, java.util.Set)}, reading the tables from {@code format}: for
     * {@link InputFormat#PARQUET} each CSV file is written once as Parquet by Spillway next to it, and every
     * run of every question reads the Parquet files (no load step).
     */
    public static int join(long n, int threads, String memory, Path dataDir, java.util.Set<Integer> only, InputFormat format)
            throws Exception {
        List<JoinLine> lines = join(n, threads, memory, dataDir, only, format, System.out);
        boolean bad = lines.stream().anyMatch(l -> l.mismatch() || l.spillwayError() != null);
        return bad ? 1 : 0;
    }

    /**
     * As {@link #join(long, int, String, Path, java.util.Set)}, printing to {@code out} and returning
     * the lines (for tests).
     */
    public static List<JoinLine> join(long n, int threads, String memory, Path dataDir, java.util.Set<Integer> only,
                                      java.io.PrintStream out) throws Exception {
        return join(n, threads, memory, dataDir, only, InputFormat.CSV, out);
    }

    /**
     * As {@link #join(long, int, String, Path, java.util.Set, InputFormat)}, printing to {@code out} and
     * returning the lines (for tests).
     */
    public static List<JoinLine> join(long n, int threads, String memory, Path dataDir, java.util.Set<Integer> only,
                                      InputFormat format, java.io.PrintStream out) throws Exception {
        JoinData data = JoinData.of(n);
        Files.createDirectories(dataDir);
        java.util.Map<JoinData.Table, Path> files = new java.util.EnumMap<>(JoinData.Table.class);
        long bytes = 0;
        for (JoinData.Table t : JoinData.Table.values()) {
            Path file = dataDir.resolve(data.tableName(t) + format.extension());
            if (!Files.exists(file)) {
                // generated atomically: a file that exists is complete
                Path csv = BenchData.joinCsv(data, t, dataDir, out);
                if (format == InputFormat.PARQUET) {
                    BenchData.parquetOf(csv, t.columnTypes(), out);
                }
            }
            files.put(t, file);
            bytes += Files.size(file);
        }
        out.printf(Locale.ROOT, "db-benchmark join %s (x and big %,d rows, medium %,d, small %,d; %.1f MB of %s), %d threads, "
                        + "memory limit %s, %s%n", data.tableName(JoinData.Table.X), n,
                data.rows(JoinData.Table.MEDIUM), data.rows(JoinData.Table.SMALL),
                bytes / 1e6, format == InputFormat.PARQUET ? "Parquet" : "CSV", threads, memory, java.time.LocalDate.now());
        List<JoinLine> lines = new java.util.ArrayList<>();
        try (Spillway s = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build();
             Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = " + threads);
            st.execute("SET memory_limit = '" + memory + "'");
            // DuckDB spills to ./.tmp by default; keep it beside the data instead of the working directory
            st.execute("SET temp_directory = '" + dataDir.resolve("duckdb-tmp") + "'");

            boolean parquet = format == InputFormat.PARQUET;
            java.util.function.Supplier<JoinQuestions.Tables> tables = null;
            String swLoadError = null;
            long t0 = System.nanoTime();
            if (parquet) {
                // no load: every run reads the files
                tables = () -> new JoinQuestions.Tables(s.readParquet(files.get(JoinData.Table.X)),
                        s.readParquet(files.get(JoinData.Table.SMALL)), s.readParquet(files.get(JoinData.Table.MEDIUM)),
                        s.readParquet(files.get(JoinData.Table.BIG)));
            } else {
                try {
                    java.util.Map<JoinData.Table, DataFrame> f = new java.util.EnumMap<>(JoinData.Table.class);
                    for (var e : files.entrySet()) {
                        f.put(e.getKey(), s.readCsv(e.getValue(), BenchData.csvOptions(e.getKey().columnTypes())).collect());
                    }
                    JoinQuestions.Tables loaded = new JoinQuestions.Tables(f.get(JoinData.Table.X), f.get(JoinData.Table.SMALL),
                            f.get(JoinData.Table.MEDIUM), f.get(JoinData.Table.BIG));
                    tables = () -> loaded;
                } catch (RuntimeException e) {
                    swLoadError = "Spillway failed to load: " + firstLine(e);
                }
            }
            double swLoad = (System.nanoTime() - t0) / 1e9;

            String dkLoadError = null;
            t0 = System.nanoTime();
            for (var e : files.entrySet()) {
                try (Statement ls = c.createStatement()) {
                    if (parquet) {
                        ls.execute("CREATE VIEW " + e.getKey().label() + " AS SELECT * FROM read_parquet('" + e.getValue() + "')");
                    } else {
                        ls.execute("CREATE TABLE " + e.getKey().label() + " AS SELECT * FROM read_csv('" + e.getValue()
                                + "', header = true, columns = " + duckColumns(e.getKey()) + ")");
                    }
                } catch (java.sql.SQLException ex) {
                    dkLoadError = "DuckDB failed to load " + e.getKey().label() + ": " + firstLine(ex);
                    break;
                }
            }
            double dkLoad = (System.nanoTime() - t0) / 1e9;
            if (parquet) {
                out.println("no load: every run reads the Parquet files (spillway: sw.readParquet, duckdb: views over read_parquet)"
                        + (dkLoadError == null ? "" : "; DuckDB FAILED to create them"));
            } else {
                out.printf(Locale.ROOT, "load: spillway %s, duckdb %s; %s%n",
                        swLoadError == null ? String.format(Locale.ROOT, "%.2f s", swLoad) : "FAILED",
                        dkLoadError == null ? String.format(Locale.ROOT, "%.2f s", dkLoad) : "FAILED", s.memoryReport());
            }
            for (String err : new String[] {swLoadError, dkLoadError}) {
                if (err != null) {
                    out.println("  " + err);
                }
            }
            out.println();
            out.printf(Locale.ROOT, "%-26s %8s %8s %8s %8s %7s %7s %7s  %s%n", "question", "sw 1 s", "sw 2 s", "dk 1 s", "dk 2 s", "ratio",
                    "sw RSS", "dk RSS", "checksums (rows; sum v1; sum v2, or rows; first .. last (id4/v1)) spillway | duckdb");
            for (JoinQuestions.Question q : JoinQuestions.ALL) {
                if (!only.isEmpty() && !only.contains(q.number())) {
                    continue;
                }
                double[] sw = {Double.NaN, Double.NaN};
                JoinQuestions.Checksum swCheck = null;
                String swError = swLoadError;
                ProcessMemory.resetPeakRss();
                for (int run = 0; run < 2 && swError == null; run++) {
                    DataFrame r = null;
                    try {
                        long a = System.nanoTime();
                        r = q.spillway().apply(tables.get()).collect();
                        sw[run] = (System.nanoTime() - a) / 1e9;
                        swCheck = q.spillwayChecksum(r);
                    } catch (RuntimeException e) {
                        swError = "Spillway failed: " + firstLine(e);
                        swCheck = null;
                        sw[0] = sw[1] = Double.NaN;
                    } finally {
                        if (r != null) {
                            r.unpersist();
                        }
                    }
                }
                double[] dk = {Double.NaN, Double.NaN};
                JoinQuestions.Checksum dkCheck = null;
                String dkError = dkLoadError;
                long swRss = ProcessMemory.peakRss();
                ProcessMemory.resetPeakRss();
                for (int run = 0; run < 2 && dkError == null; run++) {
                    try (Statement qs = c.createStatement()) { // a failed statement is closed by DuckDB
                        long a = System.nanoTime();
                        qs.execute("CREATE OR REPLACE TEMP TABLE ans AS " + q.sql());
                        dk[run] = (System.nanoTime() - a) / 1e9;
                        dkCheck = q.duckdbChecksum(qs);
                    } catch (java.sql.SQLException e) {
                        // DuckDB can fail where Spillway does not (e.g. out of memory under the limit)
                        dkError = "DuckDB failed: " + firstLine(e);
                        dkCheck = null;
                        dk[0] = dk[1] = Double.NaN;
                    } finally {
                        try (Statement ds = c.createStatement()) {
                            ds.execute("DROP TABLE IF EXISTS ans");
                        } catch (java.sql.SQLException ignored) {
                            // the connection is unusable; the next statement reports it
                        }
                    }
                }
                long dkRss = ProcessMemory.peakRss();
                JoinLine line = new JoinLine(q, sw, dk, swCheck, dkCheck, swError, dkError);
                lines.add(line);
                out.printf(Locale.ROOT, "%-26s %8s %8s %8s %8s %7s %7s %7s  %s | %s%s%n", q.name(), seconds(sw[0]), seconds(sw[1]),
                        seconds(dk[0]), seconds(dk[1]), Double.isNaN(line.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", line.ratio()),
                        rssMb(swRss), rssMb(dkRss),
                        swCheck != null ? swCheck : "FAILED", dkCheck != null ? dkCheck : "FAILED",
                        line.mismatch() ? "  MISMATCH" : line.agrees() ? "  (agree)" : "");
                for (String err : new String[] {swError, dkError}) {
                    if (err != null && err != swLoadError && err != dkLoadError) {
                        out.println("    " + err);
                    }
                }
            }
            out.println("\n" + s.memoryReport());
            out.println(RSS_NOTE);
            out.println("spillway counters: " + new java.util.TreeMap<>(s.counters()));
        }
        long mismatches = lines.stream().filter(JoinLine::mismatch).count();
        long agree = lines.stream().filter(JoinLine::agrees).count();
        long unanswered = lines.size() - agree - mismatches;
        out.printf(Locale.ROOT, "checksums: %d of %d questions agree%s%s%n", agree, lines.size(),
                mismatches == 0 ? "" : ", " + mismatches + " MISMATCH",
                unanswered == 0 ? "" : ", " + unanswered + " not compared (an engine failed)");
        return lines;
    }

    /** DuckDB's {@code columns = {...}} for a join table's CSV: its column names and SQL types. */
    public static String duckColumns(JoinData.Table t) {
        StringBuilder sb = new StringBuilder("{");
        for (var e : t.columnTypes().entrySet()) {
            String type = switch (e.getValue()) {
                case "int32" -> "INTEGER";
                case "string" -> "VARCHAR";
                case "float64" -> "DOUBLE";
                default -> throw new IllegalStateException("no DuckDB type for " + e.getValue());
            };
            sb.append(sb.length() > 1 ? ", " : "").append('\'').append(e.getKey()).append("': '").append(type).append('\'');
        }
        return sb.append('}').toString();
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.3f", s);
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
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

    /**
     * DuckDB's checksum of the table {@code ans}: the row count and the sum of every numeric column not
     * named {@code id*} (the columns {@link #measures} picks on Spillway's side), found from DuckDB's own
     * result so that it does not depend on Spillway having answered.
     */
    private static String duckChecksum(Statement st) throws Exception {
        List<String> measures = new java.util.ArrayList<>();
        try (ResultSet rs = st.executeQuery("DESCRIBE ans")) {
            while (rs.next()) {
                String name = rs.getString("column_name");
                String type = rs.getString("column_type").toUpperCase(Locale.ROOT);
                if (!name.startsWith("id") && (type.matches("U?(TINY|SMALL|BIG|HUGE)?INT(EGER)?") || type.equals("DOUBLE")
                        || type.equals("FLOAT") || type.startsWith("DECIMAL"))) {
                    measures.add(name);
                }
            }
        }
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
