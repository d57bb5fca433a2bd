package org.spillway.bench;

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
import org.spillway.datasets.GaussianBlobs;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.ml.clustering.Centers;
import org.spillway.ml.clustering.Lloyd;
import org.spillway.ml.clustering.Points;

/**
 * One Lloyd iteration of k-means (the assignment pass: every row's nearest of {@code k} centres and
 * the per-cluster sums, i.e. everything an iteration costs but the k x d division) over
 * {@code n} generated rows x {@code features} float64 features ({@code GaussianBlobs}), warm, at
 * parallelism 1 and 2, in memory and spilled (the {@code memory} limit below the data's size, so the
 * pass reads chunks back from LZ4 spill files). The figure is
 * {@code n * k * features / (ms/op / 1000) / parallelism}: row-centre-features per second per core
 * (e.g. 1e7 x 100 x 20 = 2e10 in 10 s on one core is 2e9).
 *
 * <p>HOW TO RUN: {@code ./spillway bench jmh KMeansBenchmark -p n=10000000 -p memory=4g,256m} for the
 * issue's size (1.6 GB of features: give the JVM room with {@code SPILLWAY_JAVA_OPTS}, e.g. -Xmx6g);
 * the defaults are 1e6 rows, 20 features, k = 100.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class KMeansBenchmark {
    /** Rows. */
    @Param({"1000000"})
    public long n;

    /** Float64 features. */
    @Param({"20"})
    public int features;

    /** Centres. */
    @Param({"100"})
    public int k;

    /** Worker threads. */
    @Param({"1", "2"})
    public int parallelism;

    /** The session's memory limit: 2g holds the data (160 MB at the defaults), 48m makes the pass read spilled chunks. */
    @Param({"2g", "48m"})
    public String memory;

    private Spillway sw;
    private Points points;
    private Centers centers;

    /** Generates the data into a session and draws the centres (k rows of the data, as initMode("random") would). */
    @Setup(Level.Trial)
    public void setUp() {
        sw = Spillway.builder().memoryLimit(memory).parallelism(parallelism).chunkRows(1 << 15).progress(false).build();
        GaussianBlobs blobs = new GaussianBlobs(k, features, n, 7).clusterStd(2);
        DataFrame data = sw.generate(blobs);
        points = Points.prepare(data, java.util.List.of(blobs.featureNames()), "KMeansBenchmark");
        centers = new Centers(blobs.centers());
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        points.close();
        sw.close();
    }

    /** One assignment pass: n x k x features multiply-adds, plus the sums. */
    @Benchmark
    public double lloydIteration() {
        return Lloyd.assign(points, centers).cost();
    }
}
