package org.spillway.bench;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spillway.datasets.Flights;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.ml.BinaryClassificationEvaluator;
import org.spillway.ml.LogisticRegression;
import org.spillway.ml.OneHotEncoder;
import org.spillway.ml.ParamGridBuilder;
import org.spillway.ml.ParamMap;
import org.spillway.ml.Pipeline;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.Schedulers;
import org.spillway.ml.SearchSpace;
import org.spillway.ml.StandardScaler;
import org.spillway.ml.TrainValidationSplit;
import org.spillway.ml.TrialScheduler;
import org.spillway.ml.TuneResults;
import org.spillway.ml.Tuner;

/**
 * {@code ./spillway bench tune}: hyperparameter search on the flights data (SGD logistic regression
 * after one-hot encoding, regParam log-uniform in [1e-6, 1e-1] and batch size 512 or 2048). It times
 * {@code trials} trials with ASHA and with FIFO (maxT epochs each, at the largest concurrency), the
 * existing grid search ({@code TrainValidationSplit}) over a grid of the same size, and the trial
 * throughput of FIFO with 1, 2, 4... concurrent trials; it prints wall time, epochs run and the best
 * validation log loss of each.
 */
public final class TuneBench {
    private TuneBench() {
    }

    /**
     * Runs the benchmark; returns a process exit status.
     *
     * @param rows          training rows (validation: a quarter as many)
     * @param trials        trials per search
     * @param maxT          epochs per trial at most
     * @param memory        the session's memory limit
     * @param threads       the session's workers
     * @param concurrencies the trial concurrencies to measure throughput at; the largest is used for the searches
     * @param out           where to print
     */
    public static int run(long rows, int trials, int maxT, String memory, int threads, List<Integer> concurrencies, PrintStream out) {
        out.printf(Locale.ROOT, "bench tune: %d trials, maxT %d epochs, flights %,d training rows, %d workers, memory %s%n", trials,
                maxT, rows, threads, memory);
        int k = concurrencies.stream().mapToInt(Integer::intValue).max().orElse(1);
        try (Spillway sw = Spillway.builder().memoryLimit(memory).parallelism(threads).build()) {
            DataFrame train = sw.generate(Flights.rows(rows).seed(1)).collect();
            DataFrame valid = sw.generate(Flights.rows(Math.max(1, rows / 4)).seed(2)).collect();
            var encoder = new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest");
            var scaler = new StandardScaler().inputCols("logdist");
            var evaluator = new BinaryClassificationEvaluator().labelCol("label").metricName("logLoss");
            var space = SearchSpace.builder().loguniform("regParam", 1e-6, 1e-1).choice("batchSize", 512, 2048).build();
            java.util.function.Function<ParamMap, Pipeline> factory = p -> new Pipeline(encoder, scaler, new LogisticRegression()
                    .labelCol("label").solver("sgd").regParam(p.getDouble("regParam")).batchSize(p.getInt("batchSize")).maxIter(maxT));
            out.printf(Locale.ROOT, "%-28s %10s %10s %14s%n", "search", "wall (s)", "epochs", "best logLoss");
            for (TrialScheduler s : List.of(Schedulers.asha().maxT(maxT).gracePeriod(1).reductionFactor(3), Schedulers.fifo().maxT(maxT))) {
                long t0 = System.nanoTime();
                TuneResults r = new Tuner(factory, evaluator).space(space).numSamples(trials).seed(1).maxConcurrentTrials(k).scheduler(s)
                        .verbose(false).fit(train, valid);
                out.printf(Locale.ROOT, "%-28s %10.2f %10d %14.6f%n", s.kind() + " (" + k + " at once)", (System.nanoTime() - t0) / 1e9,
                        r.totalIterations(), r.best().metric());
            }
            Object[] regs = new Object[Math.max(1, trials / 2)];
            for (int i = 0; i < regs.length; i++) {
                regs[i] = Math.pow(10, -6 + 5.0 * i / Math.max(1, regs.length - 1));
            }
            List<ParamMap> grid = new ParamGridBuilder().addGrid("regParam", regs).addGrid("batchSize", 512, 2048).build();
            long t0 = System.nanoTime();
            var tvs = new TrainValidationSplit<PipelineModel>(factory, grid, evaluator).trainRatio(0.8).seed(1).fit(train);
            out.printf(Locale.ROOT, "%-28s %10.2f %10d %14.6f%n", "grid (TrainValidationSplit)", (System.nanoTime() - t0) / 1e9,
                    (long) grid.size() * maxT, tvs.bestMetric());
            out.println();
            out.printf(Locale.ROOT, "%-22s %10s %12s%n", "concurrent trials", "wall (s)", "trials/s");
            List<Double> walls = new ArrayList<>();
            for (int c : concurrencies) {
                long t1 = System.nanoTime();
                new Tuner(factory, evaluator).space(space).numSamples(trials).seed(1).maxConcurrentTrials(c)
                        .scheduler(Schedulers.fifo().maxT(maxT)).verbose(false).fit(train, valid);
                double w = (System.nanoTime() - t1) / 1e9;
                walls.add(w);
                out.printf(Locale.ROOT, "%-22d %10.2f %12.3f%n", c, w, trials / w);
            }
            train.unpersist();
            valid.unpersist();
        }
        return 0;
    }
}
