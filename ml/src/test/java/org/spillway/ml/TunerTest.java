package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Flights;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.ml.tune.Checkpoint;
import org.spillway.ml.tune.Rule;
import org.spillway.ml.tune.TrialRecord;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** Hyperparameter search: ASHA's rule, early stopping on real learners, concurrency, checkpoints and errors. */
@SpillwayTest
class TunerTest {
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    /** A model whose predictions are the label plus {@code offset}: its RMSE is exactly |offset|. */
    record OffsetModel(double offset) implements Model {
        @Override
        public DataFrame transform(DataFrame frame) {
            return frame.withColumn("prediction", Functions.col("label").plus(offset));
        }
    }

    /** An iterative "learner" whose validation RMSE after iteration t is {@code curve[t - 1]}; it reports through the TrialReporter. */
    static final class CurveEstimator implements Estimator<OffsetModel> {
        final double[] curve;
        final AtomicInteger running;
        final AtomicInteger maxRunning;
        final long sleepMillis;

        CurveEstimator(double[] curve, AtomicInteger running, AtomicInteger maxRunning, long sleepMillis) {
            this.curve = curve;
            this.running = running;
            this.maxRunning = maxRunning;
            this.sleepMillis = sleepMillis;
        }

        @Override
        public OffsetModel fit(DataFrame frame) {
            int now = running.incrementAndGet();
            maxRunning.accumulateAndGet(now, Math::max);
            try {
                TrialReporter r = TrialReporter.current();
                OffsetModel m = null;
                for (int t = 1; t <= curve.length; t++) {
                    if (sleepMillis > 0) {
                        Thread.sleep(sleepMillis);
                    }
                    m = new OffsetModel(curve[t - 1]);
                    OffsetModel snap = m;
                    if (!r.report(t, () -> snap)) {
                        break;
                    }
                }
                return m;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                running.decrementAndGet();
            }
        }
    }

    private static DataFrame labels(Spillway sw) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(new Object[] {(double) (i % 3)});
        }
        return sw.createDataFrame(Schema.of(new Field("label", DataType.FLOAT64)), rows);
    }

    /** Trial i's curve: a_i + b_i / t, with a and b from the trial's parameter "a"/"b". */
    private static double[] curve(ParamMap p, int maxT) {
        double[] c = new double[maxT];
        for (int t = 1; t <= maxT; t++) {
            c[t - 1] = p.getDouble("a") + p.getDouble("b") / t;
        }
        return c;
    }

    @Test
    void ashaDecidesByTheRuleOnHandComputedReports() {
        Rule asha = Rule.asha(9, 1, 3);
        assertEquals(List.of(1, 3), ((Rule.Asha) asha).rungs());
        assertEquals(List.of(2, 6, 18), ((Rule.Asha) Rule.asha(30, 2, 3)).rungs());
        // score: larger is better; rung 1 keeps the best max(1, floor(n/3)) of the n recorded so far
        assertEquals(Rule.Decision.CONTINUE, asha.onReport(0, 1, 5));   // [5]: first at the rung goes on
        assertEquals(Rule.Decision.STOP, asha.onReport(1, 1, 3));       // [5,3]: keep 1, one better
        assertEquals(Rule.Decision.CONTINUE, asha.onReport(2, 1, 7));   // [5,3,7]: the best
        assertEquals(Rule.Decision.STOP, asha.onReport(3, 1, 6));       // [..,6]: keep 1, 7 is better
        assertEquals(Rule.Decision.STOP, asha.onReport(4, 1, 4));       // n = 5, keep 1
        assertEquals(Rule.Decision.CONTINUE, asha.onReport(5, 1, 6.5)); // n = 6, keep 2, only 7 is better
        assertEquals(Rule.Decision.CONTINUE, asha.onReport(0, 2, 5));   // no rung at 2
        assertEquals(Rule.Decision.CONTINUE, asha.onReport(0, 3, 5));   // rung 3: [5]
        assertEquals(Rule.Decision.CONTINUE, asha.onReport(2, 3, 8));   // [5,8]: the best
        assertEquals(Rule.Decision.STOP, asha.onReport(5, 3, 1));       // [5,8,1]: keep 1
        assertEquals(Rule.Decision.DONE, asha.onReport(0, 9, 5));       // maxT
        assertEquals(Rule.Decision.DONE, Rule.fifo(4).onReport(0, 4, 0));
        assertEquals(Rule.Decision.CONTINUE, Rule.fifo(4).onReport(0, 3, 0));
        // hyperband (maxT 9, grace 1, eta 3): two brackets, trials dealt in turn; bracket 1's first rung is 3
        Rule hb = Rule.hyperband(9, 1, 3);
        assertEquals(Rule.Decision.CONTINUE, hb.onReport(0, 1, 5));
        assertEquals(Rule.Decision.CONTINUE, hb.onReport(1, 1, -100));
        assertEquals(Rule.Decision.CONTINUE, hb.onReport(3, 1, 4.0));
        assertEquals(Rule.Decision.STOP, hb.onReport(2, 1, 4.0));      // bracket 0 again: [5, 4], keep 1
    }

    /** An independent statement of ASHA's rule for trials run one after another (smaller metric is better). */
    private static Map<Integer, int[]> oracle(List<double[]> curves, int[] rungs, int eta, int maxT) {
        List<List<Double>> recorded = new ArrayList<>();
        for (int r : rungs) {
            recorded.add(new ArrayList<>());
        }
        Map<Integer, int[]> out = new java.util.HashMap<>();
        for (int i = 0; i < curves.size(); i++) {
            double[] c = curves.get(i);
            int ran = maxT;
            boolean stopped = false;
            for (int k = 0; k < rungs.length && !stopped; k++) {
                double mine = c[rungs[k] - 1];
                List<Double> at = recorded.get(k);
                at.add(mine);
                long better = at.stream().filter(v -> v < mine).count();
                if (better >= Math.max(1, at.size() / eta)) {
                    stopped = true;
                    ran = rungs[k];
                }
            }
            out.put(i, new int[] {ran, stopped ? 1 : 0});
        }
        return out;
    }

    @Test
    void ashaStopsTrialsOfKnownCurvesAsThePapersRuleSays() {
        int maxT = 27;
        var space = SearchSpace.builder().uniform("a", 0.1, 1.0).uniform("b", 0.0, 2.0).build();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        try (Spillway sw = sessions.open("64m", 2, 0)) {
            DataFrame data = labels(sw);
            var results = new Tuner(p -> new CurveEstimator(curve(p, maxT), running, maxRunning, 0), new RegressionEvaluator())
                    .space(space).numSamples(30).seed(5).scheduler(Schedulers.asha().maxT(maxT).gracePeriod(1).reductionFactor(3))
                    .fit(data, data);
            List<double[]> curves = new ArrayList<>();
            for (TuneResults.Trial t : results.trials()) {
                curves.add(curve(t.params(), maxT));
            }
            Map<Integer, int[]> expected = oracle(curves, new int[] {1, 3, 9}, 3, maxT);
            int stopped = 0;
            for (TuneResults.Trial t : results.trials()) {
                int[] e = expected.get(t.id());
                assertEquals(e[0], t.iterations(), "iterations of trial " + t.id() + "\n" + results);
                assertEquals(e[1] == 1 ? "STOPPED" : "TERMINATED", t.status(), "trial " + t.id());
                assertEquals(curves.get(t.id())[t.iterations() - 1], t.metric(), 1e-12, "the last reported RMSE");
                assertEquals(t.iterations(), t.history().size());
                stopped += e[1];
            }
            assertTrue(stopped >= 15, "ASHA stopped most trials: " + stopped);
            TuneResults.Trial best = results.trials().stream().filter(t -> t.status().equals("TERMINATED"))
                    .min(java.util.Comparator.comparingDouble(TuneResults.Trial::metric)).orElseThrow();
            assertEquals(best.id(), results.best().trial().id());
            assertEquals(best.metric(), ((OffsetModel) results.best().model()).offset(), 1e-12, "the best model is the one of its last iteration");
            assertEquals(1, maxRunning.get());
            DataFrame table = results.table();
            assertEquals(List.of("trial", "a", "b", "rmse", "iterations", "status"), table.schema().names());
            assertEquals(30, table.count());
            assertEquals(30 - stopped, table.filter(Functions.col("status").eq("TERMINATED")).count());
        }
    }

    @Test
    void concurrentTrialsNeverExceedTheLimitAndRunsAreReproducible() throws Exception {
        var space = SearchSpace.builder().uniform("a", 0.1, 1.0).uniform("b", 0.0, 2.0).build();
        List<String> runs = new ArrayList<>();
        for (int rep = 0; rep < 2; rep++) {
            AtomicInteger running = new AtomicInteger();
            AtomicInteger maxRunning = new AtomicInteger();
            try (Spillway sw = sessions.open("64m", 2, 0)) {
                DataFrame data = labels(sw);
                Tuner tuner = new Tuner(p -> new CurveEstimator(curve(p, 9), running, maxRunning, 2), new RegressionEvaluator())
                        .space(space).numSamples(16).seed(11).maxConcurrentTrials(3)
                        .scheduler(Schedulers.asha().maxT(9).gracePeriod(1).reductionFactor(3));
                var results = tuner.fit(data, data);
                assertTrue(maxRunning.get() <= 3, "at most 3 trials at once: " + maxRunning.get());
                assertEquals(3, maxRunning.get(), "the slots were used");
                assertEquals(3, tuner.peakConcurrentTrials());
                assertTrue(sw.budget().peak() <= sw.budget().limit());
                StringBuilder sb = new StringBuilder();
                for (TuneResults.Trial t : results.trials()) {
                    sb.append(t.id()).append(':').append(t.iterations()).append(t.status()).append(' ');
                }
                runs.add(sb.toString());
                Path png = dir.resolve("trials-" + rep + ".png");
                Charts.trials(results, png);
                assertTrue(Files.size(png) > 1000);
            }
        }
        assertEquals(runs.get(0), runs.get(1), "the same seed and concurrency give the same decisions");
    }

    @Test
    void aFailingTrialIsAnErrorAndTheRunGoesOn() {
        var space = SearchSpace.builder().choice("fail", true, false, false).uniform("a", 0.1, 1).build();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        try (Spillway sw = sessions.open("64m", 2, 0)) {
            DataFrame data = labels(sw);
            var results = new Tuner(p -> {
                if (p.get("fail").equals(true)) {
                    throw new IllegalArgumentException("bad trial " + p);
                }
                return new CurveEstimator(new double[] {p.getDouble("a")}, running, maxRunning, 0);
            }, new RegressionEvaluator()).space(space).numSamples(12).seed(3).maxConcurrentTrials(2).fit(data, data);
            long errors = results.trials().stream().filter(t -> t.status().equals("ERROR")).count();
            assertTrue(errors > 0 && errors < 12, results.toString());
            results.trials().stream().filter(t -> t.status().equals("ERROR"))
                    .forEach(t -> assertTrue(t.error().contains("bad trial"), t.error()));
            assertEquals(false, results.best().params().get("fail"));
        }
    }

    @Test
    void badSettingsAreErrorsNamingTheParameter() {
        assertThrows(MlException.class, () -> SearchSpace.builder().build());
        MlException e = assertThrows(MlException.class, () -> SearchSpace.builder().loguniform("regParam", 0, 1));
        assertTrue(e.getMessage().contains("regParam"), e.getMessage());
        assertThrows(MlException.class, () -> SearchSpace.builder().uniform("x", 2, 1));
        assertThrows(MlException.class, () -> SearchSpace.builder().uniform("x", 0, Double.NaN));
        assertThrows(MlException.class, () -> SearchSpace.builder().choice("x"));
        assertThrows(MlException.class, () -> SearchSpace.builder().quniform("x", 0, 1, 0));
        assertThrows(MlException.class, () -> SearchSpace.builder().uniform("x", 0, 1).grid("x", 1, 2));
        Tuner t = new Tuner(p -> new LogisticRegression(), new BinaryClassificationEvaluator());
        assertThrows(MlException.class, () -> t.numSamples(0));
        assertThrows(MlException.class, () -> t.maxConcurrentTrials(0));
        assertThrows(MlException.class, () -> Schedulers.asha().reductionFactor(1));
        assertThrows(MlException.class, () -> Schedulers.asha().maxT(10).gracePeriod(11));
        assertThrows(MlException.class, () -> Schedulers.fifo().maxT(0));
        try (Spillway sw = sessions.open("64m", 2, 0)) {
            DataFrame data = labels(sw);
            e = assertThrows(MlException.class, () -> t.fit(data, data));
            assertTrue(e.getMessage().contains("space"), e.getMessage());
        }
        assertThrows(MlException.class, () -> Tuner.restore(dir.resolve("none"), p -> new LogisticRegression(),
                new BinaryClassificationEvaluator()));
    }

    @Test
    void gridAndSampledValuesAreDrawnFromTheSeed() {
        var space = SearchSpace.builder().grid("g", "x", "y").randint("n", 1, 3).quniform("q", 0, 10, 2.5).choice("c", 256, 1024)
                .loguniform("l", 1e-4, 1e-1).build();
        List<Map<String, Object>> a = org.spillway.ml.tune.Sampler.trials(space.dimensions(), 50, 9);
        assertEquals(100, a.size());
        assertEquals(a, org.spillway.ml.tune.Sampler.trials(space.dimensions(), 50, 9));
        for (int i = 0; i < a.size(); i++) {
            Map<String, Object> m = a.get(i);
            assertEquals(i % 2 == 0 ? "x" : "y", m.get("g"));
            int n = (Integer) m.get("n");
            assertTrue(n >= 1 && n <= 3);
            double q = (Double) m.get("q");
            assertEquals(0, q % 2.5, 1e-12);
            assertTrue(q >= 0 && q <= 10);
            assertTrue(Set.of(256, 1024).contains(m.get("c")));
            double l = (Double) m.get("l");
            assertTrue(l >= 1e-4 && l < 1e-1);
        }
        assertEquals(3, a.stream().map(m -> m.get("n")).distinct().count());
    }

    @Test
    void aKilledRunResumesWithOnlyTheUnfinishedTrials() throws Exception {
        var space = SearchSpace.builder().uniform("a", 0.1, 1.0).uniform("b", 0.0, 2.0).build();
        AtomicInteger running = new AtomicInteger();
        AtomicInteger maxRunning = new AtomicInteger();
        Path cp = dir.resolve("tune");
        Thread main = Thread.currentThread();
        AtomicInteger calls = new AtomicInteger();
        try (Spillway sw = sessions.open("64m", 2, 0)) {
            DataFrame data = labels(sw);
            Tuner first = new Tuner(p -> {
                if (calls.incrementAndGet() == 7) {
                    main.interrupt(); // the "kill": the run stops, trials in flight are abandoned
                }
                return new CurveEstimator(curve(p, 9), running, maxRunning, 5);
            }, new RegressionEvaluator()).space(space).numSamples(14).seed(21).maxConcurrentTrials(2)
                    .scheduler(Schedulers.asha().maxT(9).gracePeriod(1).reductionFactor(3)).checkpointDir(cp);
            MlException e = assertThrows(MlException.class, () -> first.fit(data, data));
            Thread.interrupted();
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            List<TrialRecord> done = new Checkpoint(cp).trials();
            assertTrue(!done.isEmpty() && done.size() < 14, "trials finished before the kill: " + done.size());
            assertThrows(MlException.class, () -> first.fit(data, data), "a used directory needs restore");

            Set<Integer> finishedIds = new HashSet<>();
            done.forEach(r -> finishedIds.add(r.id()));
            Map<ParamMap, Boolean> rerun = new ConcurrentHashMap<>();
            var results = Tuner.restore(cp, p -> {
                rerun.put(p, true);
                return new CurveEstimator(curve(p, 9), running, maxRunning, 0);
            }, new RegressionEvaluator()).fit(data, data);
            assertEquals(14, results.trials().size());
            assertEquals(14 - done.size(), rerun.size(), "only the unfinished trials ran again");
            for (TuneResults.Trial t : results.trials()) {
                assertEquals(finishedIds.contains(t.id()), !rerun.containsKey(t.params()), "trial " + t.id());
                assertTrue(!t.status().equals("ERROR"), t.toString());
            }
            assertEquals(14, new Checkpoint(cp).trials().size());
            // the fake model has no JSON form, so a best trial from before the kill keeps no model (a learner's would be loaded)
            assertEquals(rerun.containsKey(results.best().params()), results.best().model() != null);
        }
    }

    @Test
    void ashaOnFlightsMatchesFifoWithAThirdOfTheEpochs() {
        try (Spillway sw = sessions.open("256m", 2, 0)) {
            DataFrame train = sw.generate(Flights.rows(30_000).seed(1)).collect();
            DataFrame valid = sw.generate(Flights.rows(10_000).seed(2)).collect();
            var encoder = new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest");
            var scaler = new StandardScaler().inputCols("logdist");
            var space = SearchSpace.builder().loguniform("regParam", 1e-6, 1e-1).choice("batchSize", 512, 2048).build();
            var evaluator = new BinaryClassificationEvaluator().labelCol("label").metricName("logLoss");
            TuneResults[] r = new TuneResults[2];
            int i = 0;
            for (TrialScheduler s : List.of(Schedulers.fifo().maxT(16), Schedulers.asha().maxT(16).gracePeriod(1).reductionFactor(4))) {
                r[i++] = new Tuner(p -> new Pipeline(encoder, scaler, new LogisticRegression().labelCol("label").solver("sgd")
                        .stepSize(0.01).regParam(p.getDouble("regParam")).batchSize(p.getInt("batchSize")).maxIter(16)), evaluator)
                        .space(space).numSamples(16).seed(7).maxConcurrentTrials(2).scheduler(s).fit(train, valid);
            }
            TuneResults fifo = r[0];
            TuneResults asha = r[1];
            assertEquals(fifo.trials().stream().map(TuneResults.Trial::params).toList(),
                    asha.trials().stream().map(TuneResults.Trial::params).toList(), "the same samples");
            assertTrue(asha.best().metric() <= fifo.best().metric() + 0.001,
                    "ASHA " + asha.best().metric() + " vs FIFO " + fifo.best().metric() + "\n" + asha + "\n" + fifo);
            assertTrue(asha.totalIterations() * 3 <= fifo.totalIterations(),
                    "epochs: ASHA " + asha.totalIterations() + ", FIFO " + fifo.totalIterations());
            assertTrue(fifo.trials().stream().allMatch(t -> t.status().equals("TERMINATED") && t.iterations() == 16), fifo.toString());
            // the best model is a whole pipeline, and it scores the validation frame as the search said
            PipelineModel best = (PipelineModel) asha.best().model();
            assertEquals(asha.best().metric(), evaluator.metric(best.transform(valid)), 1e-9);
            assertTrue(sw.budget().peak() <= sw.budget().limit());
            train.unpersist();
            valid.unpersist();
        }
    }
}
