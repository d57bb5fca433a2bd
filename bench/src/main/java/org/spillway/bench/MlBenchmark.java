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
import org.spillway.datasets.Synthetic;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.linear.GlmObjective;
import org.spillway.ml.linear.Loss;
import org.spillway.ml.linear.TrainingSet;

/**
 * The learners' two kinds of pass over generated data ({@code n} rows x {@code features} float64
 * features and a 0/1 label), warm, at parallelism 1 and 2, in memory ({@code memory = 2g}) and
 * spilled ({@code memory = 48m}, under a third of the 176 MB of data: every pass reads most chunks
 * back from LZ4 spill files). Chunks are 32,768 rows (5.5 MB of features): at parallelism 2 a spilled
 * pass holds about three read-back chunks and SGD reserves one more block per worker, which a 32m
 * budget with 65,536-row chunks cannot give (it fails with a clear {@code BudgetExceededException}).
 *
 * <p>{@link #gradientPass} is one evaluation of the logistic loss and its gradient (one L-BFGS
 * iteration when the line search takes the first step); {@link #sgdEpoch} is one epoch of
 * mini-batch SGD with Adam (batch 1024), which includes the training set's first (statistics) pass.
 *
 * <p>HOW TO RUN: {@code ./spillway bench jmh MlBenchmark} (add {@code -p n=10000000} for the
 * issue's size; {@code ./spillway bench ml} prints the same passes as rows per second per core)
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xmx2g"})
public class MlBenchmark {
    /** Rows. */
    @Param({"1000000"})
    public long n;

    /** Numeric features. */
    @Param({"20"})
    public int features;

    /** Worker threads. */
    @Param({"1", "2"})
    public int parallelism;

    /** The session's memory limit: 2g holds the data, 48m makes every pass read spilled chunks. */
    @Param({"2g", "48m"})
    public String memory;

    private Spillway sw;
    private DataFrame data;
    private TrainingSet ts;
    private GlmObjective objective;
    private double[] theta;
    private double[] grad;

    /** Generates the data into a session and prepares the objective. */
    @Setup(Level.Trial)
    public void setUp() {
        sw = Spillway.builder().memoryLimit(memory).parallelism(parallelism).chunkRows(1 << 15).progress(false).build();
        data = sw.generate(Synthetic.classification(n).numericFeatures(features).seed(7));
        ts = TrainingSet.prepare(data, Synthetic.LABEL, null, null, TrainingSet.LabelKind.BINARY, "MlBenchmark");
        double[] std = ts.std();
        double[] inv = new double[std.length];
        for (int j = 0; j < inv.length; j++) {
            inv[j] = 1 / std[j];
        }
        objective = new GlmObjective(ts, Loss.LOGISTIC, 1, true, inv, 0);
        theta = new double[objective.size()];
        for (int j = 0; j < theta.length; j++) {
            theta[j] = 0.1 * ((j % 5) - 2);
        }
        grad = new double[theta.length];
    }

    /** Closes the session. */
    @TearDown(Level.Trial)
    public void tearDown() {
        ts.close();
        sw.close();
    }

    /** One loss-and-gradient pass. */
    @Benchmark
    public double gradientPass() {
        return objective.compute(theta, grad);
    }

    /** One SGD epoch (plus the statistics pass of fitting). */
    @Benchmark
    public double sgdEpoch() {
        return new LogisticRegression().solver("sgd").maxIter(1).batchSize(1024).fit(data).intercept();
    }
}
