package org.spillway.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spillway.datasets.GroupByData;
import org.spillway.datasets.JoinData;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.ParquetWriteOptions;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/**
 * {@code ./spillway bench parquet [--n N] [--threads T] [--memory SIZE] [--codec C] [--data DIR]}: Parquet
 * reading and writing, Spillway beside DuckDB (in-process, JDBC) in one process, on the db-benchmark
 * groupby table {@code G1_<n>_1e2_0_0} and the join table x ({@code J1_<n>_NA_0_0}).
 *
 * <p>The input files are written once by Spillway's writer (default options) from the generated CSV
 * files in the data directory and reused. READ: Spillway {@code sw.readParquet(f).collect()} (scanned
 * into collected chunks, then unpersisted) against DuckDB
 * {@code CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('f')}. WRITE: Spillway
 * {@code frame.writeParquet(out, options)} of the collected table against DuckDB
 * {@code COPY t TO 'out' (FORMAT parquet, COMPRESSION codec)}. As in {@link SideBySide}, each engine runs
 * each job {@value #RUNS} times in a row, the first paying for warm-up and the page cache, and the best
 * run counts; the line prints every run, the ratio of the best times Spillway/DuckDB, the row counts and
 * (for writes) the files' sizes. Each written file is then read by the other engine, which must count
 * the same rows.
 */
public final class ParquetBench {
    /** Timed runs per engine and job; the best counts. */
    public static final int RUNS = 3;

    private ParquetBench() {
    }

    /**
     * One line of the output: a job's runs per engine (NaN where it failed or did not run), the row
     * counts, and for writes the sizes of the written files.
     *
     * @param operation     e.g. {@code read G1_1e7_1e2_0_0} or {@code write J1_1e7_NA_0_0 zstd}
     * @param spillway      seconds of Spillway's runs
     * @param duckdb        seconds of DuckDB's runs
     * @param spillwayRows  rows Spillway read (read) or rows of Spillway's file as DuckDB reads it (write); -1 if unknown
     * @param duckdbRows    rows DuckDB read (read) or rows of DuckDB's file as Spillway reads it (write); -1 if unknown
     * @param spillwayBytes the size of Spillway's file (write), else 0
     * @param duckdbBytes   the size of DuckDB's file (write), else 0
     * @param spillwayError the first line of Spillway's error, or null
     * @param duckdbError   the first line of DuckDB's error, or null
     */
    public record Line(String operation, double[] spillway, double[] duckdb, long spillwayRows, long duckdbRows,
                       long spillwayBytes, long duckdbBytes, String spillwayError, String duckdbError) {
        /** Best Spillway time over best DuckDB time (NaN if either failed). */
        public double ratio() {
            return best(spillway) / best(duckdb);
        }

        /** True if both engines did the job and the row counts agree. */
        public boolean rowsAgree() {
            return spillwayError == null && duckdbError == null && spillwayRows == duckdbRows && spillwayRows >= 0;
        }
    }

    /** Runs the benchmark, printing to standard output; 0 if every line's row counts agree, else 1. */
    public static int run(long n, int threads, String memory, Codec codec, Path dataDir) throws Exception {
        List<Line> lines = run(n, threads, memory, codec, dataDir, System.out);
        return lines.stream().allMatch(Line::rowsAgree) ? 0 : 1;
    }

    /** As {@link #run(long, int, String, Codec, Path)}, printing to {@code out} and returning the lines (for tests). */
    public static List<Line> run(long n, int threads, String memory, Codec codec, Path dataDir, PrintStream out) throws Exception {
        Files.createDirectories(dataDir);
        GroupByData g = GroupByData.of(n, 100);
        JoinData j = JoinData.of(n);
        Map<String, Path> inputs = new LinkedHashMap<>();
        Path g1 = dataDir.resolve(g.tableName() + InputFormat.PARQUET.extension());
        boolean cached = Files.exists(g1);
        if (!Files.exists(g1)) {
            BenchData.parquetOf(BenchData.groupbyCsv(g, dataDir, out), GroupByData.columnTypes(), out);
        }
        inputs.put(g.tableName(), g1);
        Path j1 = dataDir.resolve(j.tableName(JoinData.Table.X) + InputFormat.PARQUET.extension());
        cached &= Files.exists(j1);
        if (!Files.exists(j1)) {
            BenchData.parquetOf(BenchData.joinCsv(j, JoinData.Table.X, dataDir, out), JoinData.Table.X.columnTypes(), out);
        }
        inputs.put(j.tableName(JoinData.Table.X), j1);
        String codecName = codec.name().toLowerCase(Locale.ROOT);
        out.printf(Locale.ROOT, "Parquet read and write, %,d rows per table, %d threads, memory limit %s, codec %s, best of %d runs, %s%n",
                n, threads, memory, codecName, RUNS, java.time.LocalDate.now());
        out.println("  inputs (written by Spillway's writer with its default options when missing" + (cached ? "; these were already there)" : ")"));
        for (var e : inputs.entrySet()) {
            out.printf(Locale.ROOT, "  %s: %.1f MB%n", e.getValue(), Files.size(e.getValue()) / 1e6);
        }
        Path outDir = Files.createDirectories(dataDir.resolve("parquet-bench-out"));
        List<Line> lines = new ArrayList<>();
        try (Spillway s = Spillway.builder().memoryLimit(memory).parallelism(threads).progress(false).build();
             Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads = " + threads);
            st.execute("SET memory_limit = '" + memory + "'");
            // DuckDB spills to ./.tmp by default; keep it beside the data instead of the working directory
            st.execute("SET temp_directory = '" + dataDir.resolve("duckdb-tmp") + "'");
            out.println();
            out.printf(Locale.ROOT, "%-30s %8s %8s %8s %8s %8s %8s %7s  %s%n", "operation", "sw 1 s", "sw 2 s", "sw 3 s",
                    "dk 1 s", "dk 2 s", "dk 3 s", "ratio", "rows spillway | duckdb (writes: each file read by the other engine)");
            for (var e : inputs.entrySet()) {
                DataFrame[] collected = new DataFrame[1];
                try {
                    Line read = read(s, c, e.getKey(), e.getValue(), collected);
                    print(out, read);
                    lines.add(read);
                    Line write = write(s, c, e.getKey(), collected[0], codec, outDir);
                    print(out, write);
                    lines.add(write);
                    Line delta = writeDelta(s, e.getKey(), collected[0], codec, outDir, write);
                    print(out, delta);
                    lines.add(delta);
                } finally {
                    if (collected[0] != null) {
                        collected[0].unpersist();
                    }
                    try (Statement ds = c.createStatement()) {
                        ds.execute("DROP TABLE IF EXISTS t");
                    } catch (SQLException ignored) {
                        // the connection is unusable; the next statement reports it
                    }
                }
            }
            out.println("\n" + s.memoryReport());
            out.println("spillway counters: " + new java.util.TreeMap<>(s.counters()));
        } finally {
            try (var files = Files.list(outDir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(outDir);
        }
        long agree = lines.stream().filter(Line::rowsAgree).count();
        out.printf(Locale.ROOT, "row counts: %d of %d lines agree%n", agree, lines.size());
        return lines;
    }

    /** READ of {@code file}: leaves Spillway's last collected frame in {@code collected[0]} and DuckDB's table in {@code t}. */
    private static Line read(Spillway s, Connection c, String table, Path file, DataFrame[] collected) {
        double[] sw = nans();
        long swRows = -1;
        String swError = null;
        for (int run = 0; run < RUNS && swError == null; run++) {
            DataFrame f = null;
            try {
                long a = System.nanoTime();
                f = s.readParquet(file).collect();
                sw[run] = (System.nanoTime() - a) / 1e9;
                swRows = f.count();
                if (run == RUNS - 1) {
                    collected[0] = f;
                    f = null;
                }
            } catch (RuntimeException e) {
                swError = "Spillway failed: " + firstLine(e);
                Arrays.fill(sw, Double.NaN);
                swRows = -1;
            } finally {
                if (f != null) {
                    f.unpersist();
                }
            }
        }
        double[] dk = nans();
        long dkRows = -1;
        String dkError = null;
        for (int run = 0; run < RUNS && dkError == null; run++) {
            try (Statement qs = c.createStatement()) { // a failed statement is closed by DuckDB
                long a = System.nanoTime();
                qs.execute(duckRead(file));
                dk[run] = (System.nanoTime() - a) / 1e9;
                dkRows = count(qs, "t");
            } catch (SQLException e) {
                dkError = "DuckDB failed: " + firstLine(e);
                Arrays.fill(dk, Double.NaN);
                dkRows = -1;
            }
        }
        return new Line("read " + table, sw, dk, swRows, dkRows, 0, 0, swError, dkError);
    }

    /** WRITE of the collected table (Spillway) and of table {@code t} (DuckDB) into {@code outDir}. */
    private static Line write(Spillway s, Connection c, String table, DataFrame collected, Codec codec, Path outDir)
            throws IOException {
        String codecName = codec.name().toLowerCase(Locale.ROOT);
        Path swOut = outDir.resolve(table + ".spillway." + codecName + ".parquet");
        Path dkOut = outDir.resolve(table + ".duckdb." + codecName + ".parquet");
        double[] sw = nans();
        String swError = collected == null ? "Spillway did not write: its read failed" : null;
        for (int run = 0; run < RUNS && swError == null; run++) {
            try {
                Files.deleteIfExists(swOut);
                long a = System.nanoTime();
                collected.writeParquet(swOut, writeOptions(codec));
                sw[run] = (System.nanoTime() - a) / 1e9;
            } catch (RuntimeException e) {
                swError = "Spillway failed: " + firstLine(e);
                Arrays.fill(sw, Double.NaN);
            }
        }
        double[] dk = nans();
        String dkError = null;
        for (int run = 0; run < RUNS && dkError == null; run++) {
            try (Statement qs = c.createStatement()) {
                Files.deleteIfExists(dkOut);
                long a = System.nanoTime();
                qs.execute(duckWrite(dkOut, codec));
                dk[run] = (System.nanoTime() - a) / 1e9;
            } catch (SQLException e) {
                dkError = "DuckDB failed: " + firstLine(e);
                Arrays.fill(dk, Double.NaN);
            }
        }
        // each engine's file read by the other one
        long swRows = -1;
        long dkRows = -1;
        if (swError == null) {
            try (Statement qs = c.createStatement();
                 ResultSet rs = qs.executeQuery("SELECT count(*) FROM read_parquet('" + swOut + "')")) {
                rs.next();
                swRows = rs.getLong(1);
            } catch (SQLException e) {
                swError = "DuckDB cannot read Spillway's file: " + firstLine(e);
            }
        }
        if (dkError == null) {
            try {
                dkRows = s.readParquet(dkOut).count();
            } catch (RuntimeException e) {
                dkError = "Spillway cannot read DuckDB's file: " + firstLine(e);
            }
        }
        long swBytes = Files.exists(swOut) ? Files.size(swOut) : 0;
        long dkBytes = Files.exists(dkOut) ? Files.size(dkOut) : 0;
        return new Line("write " + table + " " + codecName, sw, dk, swRows, dkRows, swBytes, dkBytes, swError, dkError);
    }

    /**
     * WRITE as a new Delta table ({@code writeDelta}: the data files, their stats and the commit) of the
     * collected table, against DuckDB's {@code COPY ... (FORMAT parquet)} timings of the {@code write}
     * line (the issue's comparison: DuckDB has no Delta writer here). The table is read back by Spillway.
     */
    private static Line writeDelta(Spillway s, String table, DataFrame collected, Codec codec, Path outDir, Line parquetWrite)
            throws IOException {
        String codecName = codec.name().toLowerCase(Locale.ROOT);
        Path swOut = outDir.resolve(table + ".delta." + codecName);
        double[] sw = nans();
        String swError = collected == null ? "Spillway did not write: its read failed" : null;
        for (int run = 0; run < RUNS && swError == null; run++) {
            try {
                org.spillway.frame.io.FileSpecs.deleteTree(swOut);
                long a = System.nanoTime();
                collected.writeDelta(swOut, org.spillway.frame.delta.SaveMode.ERROR_IF_EXISTS,
                        org.spillway.frame.delta.DeltaWriteOptions.defaults().withParquet(writeOptions(codec)));
                sw[run] = (System.nanoTime() - a) / 1e9;
            } catch (RuntimeException e) {
                swError = "Spillway failed: " + firstLine(e);
                Arrays.fill(sw, Double.NaN);
            }
        }
        long swRows = -1;
        long swBytes = 0;
        if (swError == null) {
            try {
                swRows = s.readDelta(swOut.toString()).count();
                try (var files = Files.walk(swOut)) {
                    swBytes = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
                }
            } catch (RuntimeException e) {
                swError = "Spillway cannot read its table: " + firstLine(e);
            }
        }
        org.spillway.frame.io.FileSpecs.deleteTree(swOut);
        return new Line("writeDelta " + table + " " + codecName, sw, parquetWrite.duckdb(), swRows, parquetWrite.duckdbRows(), swBytes,
                parquetWrite.duckdbBytes(), swError, parquetWrite.duckdbError());
    }

    /** Spillway's writer options for {@code codec} (the same codec DuckDB writes with). */
    static ParquetWriteOptions writeOptions(Codec codec) {
        return ParquetWriteOptions.defaults().withCodec(codec);
    }

    /** DuckDB's statement of the READ job: {@code CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('file')}. */
    static String duckRead(Path file) {
        return "CREATE OR REPLACE TABLE t AS SELECT * FROM read_parquet('" + file + "')";
    }

    /** DuckDB's statement of the WRITE job: {@code COPY t TO 'out' (FORMAT parquet, COMPRESSION codec)}. */
    static String duckWrite(Path out, Codec codec) {
        return "COPY t TO '" + out + "' (FORMAT parquet, COMPRESSION " + duckCodec(codec) + ")";
    }

    /** DuckDB's name of {@code codec} in {@code COPY ... (COMPRESSION name)}. */
    static String duckCodec(Codec codec) {
        return switch (codec) {
            case UNCOMPRESSED -> "uncompressed";
            case SNAPPY -> "snappy";
            case GZIP -> "gzip";
            case ZSTD -> "zstd";
            case LZ4_RAW -> "lz4_raw";
        };
    }

    private static void print(PrintStream out, Line l) {
        StringBuilder rows = new StringBuilder();
        rows.append(l.spillwayRows() >= 0 ? String.format(Locale.ROOT, "%,d", l.spillwayRows()) : "FAILED").append(" | ")
                .append(l.duckdbRows() >= 0 ? String.format(Locale.ROOT, "%,d", l.duckdbRows()) : "FAILED");
        if (l.rowsAgree()) {
            rows.append("  (agree)");
        } else if (l.spillwayRows() >= 0 && l.duckdbRows() >= 0) {
            rows.append("  DIFFERENT");
        }
        if (l.spillwayBytes() > 0 || l.duckdbBytes() > 0) {
            rows.append(String.format(Locale.ROOT, "; %.1f MB | %.1f MB", l.spillwayBytes() / 1e6, l.duckdbBytes() / 1e6));
        }
        out.printf(Locale.ROOT, "%-30s %8s %8s %8s %8s %8s %8s %7s  %s%n", l.operation(), seconds(l.spillway()[0]),
                seconds(l.spillway()[1]), seconds(l.spillway()[2]), seconds(l.duckdb()[0]), seconds(l.duckdb()[1]),
                seconds(l.duckdb()[2]), Double.isNaN(l.ratio()) ? "-" : String.format(Locale.ROOT, "%.2f", l.ratio()), rows);
        for (String err : new String[] {l.spillwayError(), l.duckdbError()}) {
            if (err != null) {
                out.println("    " + err);
            }
        }
    }

    private static long count(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double[] nans() {
        double[] d = new double[RUNS];
        Arrays.fill(d, Double.NaN);
        return d;
    }

    private static double best(double[] runs) {
        double b = Double.NaN;
        for (double r : runs) {
            if (!Double.isNaN(r) && (Double.isNaN(b) || r < b)) {
                b = r;
            }
        }
        return b;
    }

    private static String seconds(double s) {
        return Double.isNaN(s) ? "-" : String.format(Locale.ROOT, "%.3f", s);
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }
}
