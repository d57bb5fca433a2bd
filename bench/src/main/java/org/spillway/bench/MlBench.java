package org.spillway.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spillway.datasets.Synthetic;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.LogisticRegressionModel;
import org.spillway.ml.linear.GlmObjective;
import org.spillway.ml.linear.Loss;
import org.spillway.ml.linear.TrainingSet;
import org.spillway.spill.memory.MemoryBudget;

/**
 * {@code ./spillway bench ml}: the cost of the learners' passes. For each parallelism and each
 * memory limit (one holding the data, one far smaller so the chunks spill and are read back from
 * LZ4 files on every pass) it generates the labelled data into the session, then times
 * <ul>
 *   <li>a full gradient pass of logistic regression (what one L-BFGS iteration costs when its line
 *       search accepts the first step), the best of several, and</li>
 *   <li>one epoch of mini-batch SGD with Adam (batch 1024),</li>
 * </ul>
 * and prints rows and row-features per second per core and the speed-up from 1 to 2 workers.
 */
public final class MlBench {
    private MlBench() {
    }

    /** One measured configuration. */
    record Result(int parallelism, String memory, boolean spilled, double passSeconds, double epochSeconds, double objective,
                  double epochObjective) {
    }

    /** Runs the benchmark; returns a process exit status. */
    public static int run(long n, int features, List<Integer> parallelisms, String memory, String spilledMemory, int passes,
                          Path spillDir) {
        System.out.printf(Locale.ROOT, "bench ml: logistic regression on %,d rows x %d numeric features (%s of float64 data)%n",
                n, features, MemoryBudget.formatBytes(n * (features * 8L + 4)));
        List<Result> results = new ArrayList<>();
        for (String mem : new String[] {memory, spilledMemory}) {
            for (int p : parallelisms) {
                results.add(measure(n, features, p, mem, passes, spillDir));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-12s %-10s %-8s %12s %16s %12s %16s%n", "parallelism", "memory", "spilled",
                "pass (s)", "row-feat/s/core", "epoch (s)", "row-feat/s/core");
        for (Result r : results) {
            double rf = (double) n * features;
            System.out.printf(Locale.ROOT, "%-12d %-10s %-8s %12.3f %16s %12.3f %16s%n", r.parallelism, r.memory,
                    r.spilled ? "yes" : "no", r.passSeconds, millions(rf / r.passSeconds / r.parallelism), r.epochSeconds,
                    millions(rf / r.epochSeconds / r.parallelism));
        }
        for (String mem : new String[] {memory, spilledMemory}) {
            Result one = find(results, 1, mem);
            Result two = find(results, 2, mem);
            if (one != null && two != null) {
                System.out.printf(Locale.ROOT, "speed-up 1 -> 2 workers at %s: gradient pass %.2fx, SGD epoch %.2fx%n", mem,
                        one.passSeconds / two.passSeconds, one.epochSeconds / two.epochSeconds);
            }
        }
        // every configuration computed the same objective at the same point
        double first = results.getFirst().objective;
        boolean same = results.stream().allMatch(r -> r.objective == first);
        System.out.printf(Locale.ROOT, "objective at the test point: %.15g (%s across configurations)%n", first,
                same ? "identical" : "NOT identical");
        return same ? 0 : 1;
    }

    private static Result find(List<Result> rs, int p, String mem) {
        return rs.stream().filter(r -> r.parallelism == p && r.memory.equals(mem)).findFirst().orElse(null);
    }

    private static String millions(double v) {
        return String.format(Locale.ROOT, "%,.1f M", v / 1e6);
    }

    private static Result measure(long n, int features, int parallelism, String memory, int passes, Path spillDir) {
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(parallelism).chunkRows(1 << 16).progress(false)
                .spillDir(spillDir).build()) {
            long t0 = System.nanoTime();
            DataFrame data = sw.generate(Synthetic.classification(n).numericFeatures(features).seed(7)).collect();
            System.out.printf(Locale.ROOT, "parallelism %d, memory %s: generated in %.1f s (%s spilled)%n", parallelism, memory,
                    (System.nanoTime() - t0) / 1e9, MemoryBudget.formatBytes(sw.budget().spilledBytes()));
            try (TrainingSet ts = TrainingSet.prepare(data, Synthetic.LABEL, null, null, TrainingSet.LabelKind.BINARY, "bench")) {
                double[] std = ts.std();
                double[] inv = new double[std.length];
                for (int j = 0; j < inv.length; j++) {
                    inv[j] = 1 / std[j];
                }
                GlmObjective obj = new GlmObjective(ts, Loss.LOGISTIC, 1, true, inv, 0);
                double[] theta = new double[obj.size()];
                for (int j = 0; j < theta.length; j++) {
                    theta[j] = 0.1 * ((j % 5) - 2);
                }
                double[] grad = new double[theta.length];
                double best = Double.POSITIVE_INFINITY;
                double value = 0;
                for (int i = 0; i < passes + 1; i++) { // the first pass warms the JIT and is not counted
                    long s = System.nanoTime();
                    value = obj.compute(theta, grad);
                    double secs = (System.nanoTime() - s) / 1e9;
                    if (i > 0) {
                        best = Math.min(best, secs);
                    }
                }
                long spilledBefore = sw.budget().spilledBytes();
                LogisticRegressionModel m = new LogisticRegression().solver("sgd").maxIter(1).batchSize(1024).fit(data);
                double epoch = m.summary().seconds();
                boolean spilled = sw.budget().spilledBytes() > 0 || spilledBefore > 0;
                System.out.printf(Locale.ROOT, "  gradient pass %.3f s (best of %d), SGD epoch %.3f s, %s%n", best, passes, epoch,
                        sw.memoryReport());
                return new Result(parallelism, memory, spilled, best, epoch, value, m.summary().objective());
            }
        }
    }
}
