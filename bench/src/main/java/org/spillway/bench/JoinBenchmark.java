package org.spillway.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
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
import org.spillway.datasets.JoinData;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.io.CsvOptions;
import org.spillway.spill.DataType;

/**
 * Each db-benchmark join question ({@link JoinQuestions}) and the sort of x, on the four collected
 * {@code J1} tables, warm (JMH warm-up iterations first), at parallelism 1 and 2: the steady-state
 * cost of materialising the result, beside the two-run figures of {@code ./spillway bench join}.
 *
 * <p>HOW TO RUN: {@code ./spillway bench jmh JoinBenchmark} (add {@code -p n=10000000} for the full
 * size, {@code JoinBenchmark.q5} for one question)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
public class JoinBenchmark {
    /** Rows of x and big (medium has n/1e3, small n/1e6, at least 1). */
    @Param({"1000000"})
    public long n;

    /** Worker threads. */
    @Param({"1", "2"})
    public int parallelism;

    private Spillway sw;
    private JoinQuestions.Tables tables;

    /** Generates the four tables (once, cached in the temp directory) and loads them, typed, into a session. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        JoinData data = JoinData.of(n);
        Path dir = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir"), "spillway-bench"));
        sw = Spillway.builder().memoryLimit("2g").parallelism(parallelism).progress(false).build();
        Map<JoinData.Table, DataFrame> f = new EnumMap<>(JoinData.Table.class);
        for (JoinData.Table t : JoinData.Table.values()) {
            Path file = dir.resolve(data.fileName(t));
            if (!Files.exists(file)) {
                data.writeCsv(t, file);
            }
            CsvOptions opts = CsvOptions.defaults();
            for (var c : t.columnTypes().entrySet()) {
                opts = opts.columnType(c.getKey(), DataType.parse(c.getValue()));
            }
            f.put(t, sw.readCsv(file, opts).collect());
        }
        tables = new JoinQuestions.Tables(f.get(JoinData.Table.X), f.get(JoinData.Table.SMALL), f.get(JoinData.Table.MEDIUM),
                f.get(JoinData.Table.BIG));
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sw.close();
    }

    /** q1: x inner join small on id1. */
    @Benchmark
    public long q1() {
        return run(1);
    }

    /** q2: x inner join medium on id2. */
    @Benchmark
    public long q2() {
        return run(2);
    }

    /** q3: x left join medium on id2. */
    @Benchmark
    public long q3() {
        return run(3);
    }

    /** q4: x inner join medium on id5 (a string key). */
    @Benchmark
    public long q4() {
        return run(4);
    }

    /** q5: x inner join big on id3. */
    @Benchmark
    public long q5() {
        return run(5);
    }

    /** The full sort of x by (id4, v1). */
    @Benchmark
    public long sort() {
        return run(6);
    }

    /** Runs question {@code number} to a collected result, frees it and returns its row count. */
    private long run(int number) {
        DataFrame r = JoinQuestions.ALL.get(number - 1).spillway().apply(tables).collect();
        try {
            return r.count();
        } finally {
            r.unpersist();
        }
    }
}
