package org.spillway.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.GroupByData;
import org.spillway.datasets.JoinData;
import org.spillway.frame.io.ParquetWriteOptions.Codec;

/**
 * DuckDB's side of the Parquet benchmarks ({@code bench groupby|join --format parquet}, {@code bench parquet}),
 * which runs whether or not Spillway's Parquet reader and writer are there: the input files are written
 * by DuckDB beforehand (so the runners do not need Spillway's writer), and only DuckDB's answers are
 * checked, against DuckDB's answers from the CSV files. Spillway's side is tested in
 * {@code org.spillway.bench.cli.ParquetCliTest}.
 */
class ParquetDuckDbSideTest {
    private static final long N = 100_000;

    @TempDir
    Path dir;

    /** Writes {@code csv} as {@code BenchData.parquetName(csv)} with DuckDB, reading the CSV with {@code columns}. */
    private static void duckParquet(Path csv, String columns) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("COPY (SELECT * FROM read_csv('" + csv + "', header = true" + (columns == null ? "" : ", columns = " + columns)
                    + ")) TO '" + BenchData.parquetName(csv) + "' (FORMAT parquet)");
        }
    }

    @Test
    void joinQuestionsOnParquetViewsGiveDuckDbsCsvAnswers() throws Exception {
        JoinData data = JoinData.of(N);
        for (JoinData.Table t : JoinData.Table.values()) {
            duckParquet(BenchData.joinCsv(data, t, dir, System.out), SideBySide.duckColumns(t));
        }
        List<SideBySide.JoinLine> csv = SideBySide.join(N, 2, "256m", dir, Set.of(), InputFormat.CSV, quiet());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<SideBySide.JoinLine> pq;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            pq = SideBySide.join(N, 2, "256m", dir, Set.of(), InputFormat.PARQUET, out);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertTrue(printed.contains("of Parquet") && printed.contains("no load"), printed);
        assertEquals(csv.size(), pq.size(), printed);
        for (int i = 0; i < csv.size(); i++) {
            String name = pq.get(i).question().name();
            assertNull(pq.get(i).duckdbError(), name + "\n" + printed);
            assertNotNull(csv.get(i).duckdbChecksum(), name);
            assertTrue(csv.get(i).duckdbChecksum().agrees(pq.get(i).duckdbChecksum()),
                    name + ": " + csv.get(i).duckdbChecksum() + " vs " + pq.get(i).duckdbChecksum() + "\n" + printed);
        }
    }

    @Test
    void groupbyQuestionsOnAParquetViewGiveDuckDbsCsvAnswers() throws Exception {
        GroupByData data = GroupByData.of(N, 10);
        duckParquet(BenchData.groupbyCsv(data, dir, System.out), null);
        String csv = run(InputFormat.CSV);
        String pq = run(InputFormat.PARQUET);
        assertTrue(pq.contains("of Parquet") && pq.contains("no load"), pq);
        Map<String, String> csvSums = duckChecksums(csv);
        Map<String, String> pqSums = duckChecksums(pq);
        assertEquals(GroupByQuestions.ALL.size(), csvSums.size(), csv);
        assertEquals(csvSums, pqSums, pq);
        assertFalse(csv.contains("DIFFERENT"), csv); // both engines from CSV, and DuckDB's measures from its own result
        for (String sums : pqSums.values()) {
            assertFalse(sums.contains("failed"), pq);
        }
    }

    private String run(InputFormat format) throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            SideBySide.groupby(N, 10, 0, 2, "256m", Set.of(), format, dir, out);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    /** Question name to DuckDB's checksum, from the printed lines ({@code ... spillway | duckdb[  DIFFERENT]}). */
    private static Map<String, String> duckChecksums(String printed) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : printed.lines().toList()) {
            for (GroupByQuestions.Question q : GroupByQuestions.ALL) {
                if (line.startsWith(q.name() + " ")) {
                    m.put(q.name(), line.substring(line.lastIndexOf(" | ") + 3).replace("  DIFFERENT", "").strip());
                }
            }
        }
        return m;
    }

    @Test
    void parquetBenchTimesDuckDbsReadAndWrite() throws Exception {
        duckParquet(BenchData.groupbyCsv(GroupByData.of(N, 100), dir, System.out), null);
        duckParquet(BenchData.joinCsv(JoinData.of(N), JoinData.Table.X, dir, System.out), SideBySide.duckColumns(JoinData.Table.X));
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        List<ParquetBench.Line> lines;
        try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
            lines = ParquetBench.run(N, 2, "256m", Codec.SNAPPY, dir, out);
        }
        String printed = buf.toString(StandardCharsets.UTF_8);
        assertEquals(List.of("read G1_1e5_1e2_0_0", "write G1_1e5_1e2_0_0 snappy", "writeDelta G1_1e5_1e2_0_0 snappy",
                "read J1_1e5_NA_0_0", "write J1_1e5_NA_0_0 snappy", "writeDelta J1_1e5_NA_0_0 snappy"),
                lines.stream().map(ParquetBench.Line::operation).toList(), printed);
        for (ParquetBench.Line l : lines) {
            for (double s : l.duckdb()) {
                assertTrue(s >= 0, l.operation() + "\n" + printed); // not NaN: DuckDB ran every run
            }
            assertEquals(ParquetBench.RUNS, l.spillway().length);
        }
        assertNull(lines.get(0).duckdbError(), printed);
        assertEquals(N, lines.get(0).duckdbRows(), printed);
        assertEquals(N, lines.get(3).duckdbRows(), printed);
        assertTrue(lines.get(1).duckdbBytes() > 0 && lines.get(4).duckdbBytes() > 0, printed);
        // the Delta tables Spillway wrote read back whole
        assertNull(lines.get(2).spillwayError(), printed);
        assertEquals(N, lines.get(2).spillwayRows(), printed);
        assertEquals(N, lines.get(5).spillwayRows(), printed);
        assertFalse(Files.exists(dir.resolve("parquet-bench-out")), "written files are deleted");
        assertTrue(Files.exists(dir.resolve("G1_1e5_1e2_0_0.parquet")), "inputs stay for the next run");
    }

    @Test
    void duckDbTakesEveryCodecName() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE t AS SELECT range AS i, 'v' || (range % 7) AS s FROM range(1000)");
            for (Codec codec : Codec.values()) {
                Path out = dir.resolve(codec + ".parquet");
                st.execute(ParquetBench.duckWrite(out, codec));
                st.execute(ParquetBench.duckRead(out));
                try (ResultSet rs = st.executeQuery("SELECT count(*), sum(i) FROM t")) {
                    rs.next();
                    assertEquals(1000, rs.getLong(1), codec.name());
                    assertEquals(499_500, rs.getLong(2), codec.name());
                }
            }
        }
    }

    private static PrintStream quiet() {
        return new PrintStream(PrintStream.nullOutputStream(), true, StandardCharsets.UTF_8);
    }
}
