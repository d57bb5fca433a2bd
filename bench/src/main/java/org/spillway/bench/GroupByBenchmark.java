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
import org.spillway.datasets.GroupByData;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;

/**
 * Each db-benchmark groupby question ({@link GroupByQuestions}) on a collected {@code G1} table, warm
 * (JMH warm-up iterations first), at parallelism 1 and 2: the steady-state cost, beside the
 * two-run figures of {@code ./spillway bench groupby}.
 *
 * <p>HOW TO RUN: {@code ./spillway bench jmh GroupBy} (add {@code -p n=10000000} for the full size)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
public class GroupByBenchmark {
    /** The question, 1 to 10. */
    @Param({"1", "2", "3", "4", "5", "6", "7", "8", "9", "10"})
    public int question;

    /** Rows of the table. */
    @Param({"1000000"})
    public long n;

    /** Worker threads. */
    @Param({"1", "2"})
    public int parallelism;

    private Spillway sw;
    private DataFrame x;

    /** Generates (once, cached in the temp directory) and loads the table. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        GroupByData data = GroupByData.of(n, 100);
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench"));
        Path file = dir.resolve(data.tableName() + ".csv");
        if (!Files.exists(file)) {
            data.writeCsv(file);
        }
        sw = Spillway.builder().memoryLimit("2g").parallelism(parallelism).progress(false).build();
        x = sw.readCsv(file.toString()).collect();
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sw.close();
    }

    /** Runs the question to a collected result; returns its row count. */
    @Benchmark
    public long run() {
        DataFrame r = GroupByQuestions.ALL.get(question - 1).spillway().apply(x).collect();
        long rows = r.count();
        r.unpersist();
        return rows;
    }
}
