package org.spillway.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.bench.BenchData;
import org.spillway.datasets.Events;
import org.spillway.datasets.GroupByData;
import org.spillway.datasets.JoinData;
import org.spillway.frame.Spillway;

/**
 * The Parquet commands end to end: {@code gen ... --format parquet}, {@code bench groupby|join --format parquet},
 * {@code bench parquet} and the demo's Parquet step. These need Spillway's real Parquet reader and writer
 * ({@code Spillway.readParquet}, {@code DataFrame.writeParquet}); on a build where those are stubs they
 * fail (with the stubs' UnsupportedOperationException) rather than being skipped. DuckDB's side of the
 * benchmarks is tested without them in {@code org.spillway.bench.ParquetDuckDbSideTest}.
 */
class ParquetCliTest {
    @TempDir
    Path dir;

    private static List<String> names(Path d) throws Exception {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void genGroupbyParquetWritesOneFileWithTheCsvRows() throws Exception {
        Path pq = dir.resolve("pq");
        Path csv = dir.resolve("csv");
        String[] common = {"--n", "20000", "--k", "10", "--nas", "5"};
        assertEquals(0, Gen.run(concat(new String[] {"groupby", "--format", "parquet", "--out", pq.toString()}, common)));
        assertEquals(0, Gen.run(concat(new String[] {"groupby", "--out", csv.toString()}, common)));
        assertEquals(List.of("G1_2e4_1e1_5_0.parquet"), names(pq), "one file, no CSV or staging directory left");
        try (Spillway sw = Spillway.builder().progress(false).build()) {
            var fromParquet = sw.readParquet(pq.resolve("G1_2e4_1e1_5_0.parquet"));
            var fromCsv = sw.readCsv(csv.resolve("G1_2e4_1e1_5_0.csv"), BenchData.csvOptions(GroupByData.columnTypes()));
            assertEquals(fromCsv.schema(), fromParquet.schema());
            assertEquals(20_000, fromParquet.count());
            assertEquals(fromCsv.rows(), fromParquet.rows());
        }
    }

    @Test
    void genJoinAndEventsParquetWriteOneFilePerTable() throws Exception {
        assertEquals(0, Gen.run(new String[] {"join", "--n", "1e4", "--format", "parquet", "--out", dir.resolve("j").toString()}));
        JoinData j = JoinData.of(10_000);
        List<String> expected = Stream.of(JoinData.Table.values()).map(t -> j.tableName(t) + ".parquet").sorted().toList();
        assertEquals(expected, names(dir.resolve("j")));
        assertEquals(0, Gen.run(new String[] {"events", "--rows", "10000", "--files", "2", "--format", "parquet", "--out",
                dir.resolve("e").toString()}));
        assertEquals(List.of("events-000.parquet", "events-001.parquet"), names(dir.resolve("e")));
        try (Spillway sw = Spillway.builder().progress(false).build()) {
            for (JoinData.Table t : JoinData.Table.values()) {
                assertEquals(j.rows(t), sw.readParquet(dir.resolve("j").resolve(j.tableName(t) + ".parquet")).count(), t.label());
            }
            assertEquals(10_000, sw.readParquet(dir.resolve("e")).count());
            assertEquals(Events.columnNames(), sw.readParquet(dir.resolve("e")).schema().names());
        }
    }

    @Test
    void benchGroupbyAndJoinOnParquetAgreeWithDuckDb() throws Exception {
        String data = dir.toString();
        assertEquals(0, Main.bench(new String[] {"groupby", "--n", "1e5", "--k", "10", "--threads", "2", "--memory", "512m",
                "--format", "parquet", "--data", data}));
        assertTrue(Files.exists(dir.resolve("G1_1e5_1e1_0_0.parquet")), "cached for the next run");
        assertEquals(0, Main.bench(new String[] {"join", "--n", "1e5", "--threads", "2", "--memory", "512m",
                "--format", "parquet", "--data", data}));
        assertTrue(Files.exists(dir.resolve("J1_1e5_1e5_0_0.parquet")), "cached for the next run");
    }

    @Test
    void benchParquetReadsAndWritesTheSameRowsAsDuckDb() throws Exception {
        for (String codec : new String[] {"zstd", "snappy"}) {
            assertEquals(0, Main.bench(new String[] {"parquet", "--n", "1e5", "--threads", "2", "--memory", "512m",
                    "--codec", codec, "--data", dir.toString()}), codec);
        }
    }

    @Test
    void demoRunsItsParquetStep() throws Exception {
        assertEquals(0, Demo.run(Options.parse(new String[] {"--rows", "200000", "--memory", "64m", "--train-rows", "50000",
                "--keep", dir.resolve("demo").toString()})));
        assertTrue(Files.exists(dir.resolve("demo").resolve("events.parquet")));
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
