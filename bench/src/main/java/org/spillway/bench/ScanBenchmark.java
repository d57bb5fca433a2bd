package org.spillway.bench;

import static org.spillway.frame.Functions.col;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.vector.LongVector;

/**
 * Scans over a collected, in-memory frame of 10 million int64 values: a plain sum read straight
 * from the off-heap vectors (the memory-bandwidth bound: 80 MB per op), and a filter then sum
 * through the expression pipeline.
 *
 * <p>HOW TO RUN: {@code ./spillway bench jmh Scan}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx3g"})
public class ScanBenchmark {
    /** Worker threads. */
    @Param({"1", "2"})
    public int parallelism;

    private Spillway sw;
    private DataFrame frame;

    /** Builds the frame. */
    @Setup(Level.Trial)
    public void setUp() {
        sw = Spillway.builder().memoryLimit("2g").parallelism(parallelism).chunkRows(1 << 16).progress(false).build();
        SplittableRandom r = new SplittableRandom(1);
        List<Object[]> rows = new ArrayList<>(10_000_000);
        for (int i = 0; i < 10_000_000; i++) {
            rows.add(new Object[] {r.nextLong(1_000_000)});
        }
        frame = sw.createDataFrame(Schema.of(new Field("v", DataType.INT64)), rows);
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        sw.close();
    }

    /** Sum of the int64 column, reading the vectors directly. */
    @Benchmark
    public long sumInt64() {
        return frame.reduceChunks(() -> new long[1], (acc, c) -> {
            LongVector v = (LongVector) c.column(0);
            long s = 0;
            for (int i = 0, n = c.rows(); i < n; i++) {
                s += v.get(i);
            }
            acc[0] += s;
        }, (a, b) -> new long[] {a[0] + b[0]})[0];
    }

    /** Rows with v > 500 000, then their sum: filter expression, selection copy, sum. */
    @Benchmark
    public long filterThenSum() {
        return frame.filter(col("v").gt(500_000L)).reduceChunks(() -> new long[1], (acc, c) -> {
            LongVector v = (LongVector) c.column(0);
            long s = 0;
            for (int i = 0, n = c.rows(); i < n; i++) {
                s += v.get(i);
            }
            acc[0] += s;
        }, (a, b) -> new long[] {a[0] + b[0]})[0];
    }
}
