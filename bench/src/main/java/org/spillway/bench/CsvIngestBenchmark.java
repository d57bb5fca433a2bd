package org.spillway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;

/**
 * CSV ingest: parse every column of the events file into chunks ({@code collect()}), at
 * parallelism 1 and 2, in memory (the budget holds the data). MB/s = file size / time per op;
 * the file size is printed at setup.
 *
 * <p>HOW TO RUN: {@code ./spillway bench jmh CsvIngest}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class CsvIngestBenchmark {
    /** Worker threads. */
    @Param({"1", "2"})
    public int parallelism;

    /** Rows in the file (about 90 bytes each). */
    @Param({"2000000"})
    public long rows;

    private Path file;
    private Spillway sw;

    /** Generates (once) the file and opens a session. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        file = BenchData.eventsCsv(rows);
        System.out.printf("%n[CsvIngest] %s: %.1f MB%n", file, Files.size(file) / 1e6);
        sw = Spillway.builder().memoryLimit("4g").parallelism(parallelism).progress(false).build();
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sw.close();
    }

    /** Parses every field of every row into chunks, then releases them. */
    @Benchmark
    public long ingestAllColumns() {
        DataFrame f = sw.readCsv(file.toString()).collect();
        long n = f.count();
        f.unpersist();
        return n;
    }

    /** Only counts rows: no field is converted (projection pushdown), so this is the splitter and tokenizer alone. */
    @Benchmark
    public long countOnly() {
        return sw.readCsv(file.toString()).count();
    }
}
