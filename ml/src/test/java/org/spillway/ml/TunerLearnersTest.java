package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.spillway.datasets.GaussianBlobs;
import org.spillway.datasets.SyntheticRatings;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.ml.recommendation.ALS;
import org.spillway.ml.recommendation.ALSModel;

/**
 * k-means and ALS report every iteration to the tuner, so ASHA stops some of their trials early: a
 * stopped trial's learner runs exactly the iterations it reported (its own listener counts them), fewer
 * than maxT, and the best trial's model scores the metric it reported.
 */
@SpillwayTest
class TunerLearnersTest {
    static final int MAX_T = 9;
    static final String[] X3 = {"x0", "x1", "x2"};

    SpillwaySessions sessions;

    /** Checks the early stops against the learners' own iteration counts. */
    private static void assertStoppedEarly(TuneResults r, Map<ParamMap, AtomicInteger> ran) {
        int stopped = 0;
        for (TuneResults.Trial t : r.trials()) {
            assertTrue(!t.status().equals("ERROR"), t.toString());
            assertEquals(t.iterations(), ran.get(t.params()).get(), "the learner ran the iterations it reported: " + t);
            assertEquals(t.iterations(), t.history().size());
            if (t.status().equals("STOPPED")) {
                stopped++;
                assertTrue(t.iterations() < MAX_T, t.toString());
            }
        }
        assertTrue(stopped >= r.trials().size() / 2, "ASHA (eta 3) stops most trials at the first rungs:\n" + r);
        assertTrue(r.totalIterations() < (long) r.trials().size() * MAX_T / 2, "early stops saved iterations:\n" + r);
    }

    @Test
    void ashaStopsKMeansTrialsBeforeMaxIter() {
        try (Spillway sw = sessions.open("64m", 2, 500)) {
            DataFrame data = sw.generate(new GaussianBlobs(4, 3, 3_000, 6).clusterStd(1.5)).drop(GaussianBlobs.CLUSTER);
            DataFrame[] parts = data.randomSplit(new double[] {0.75, 0.25}, 1);
            Map<ParamMap, AtomicInteger> ran = new ConcurrentHashMap<>();
            var space = SearchSpace.builder().choice("k", 2, 3, 4, 5, 6).randint("seed", 1, 1_000_000).build();
            ClusteringEvaluator eval = new ClusteringEvaluator().featuresCols(X3);
            TuneResults r = new Tuner(p -> {
                AtomicInteger n = ran.computeIfAbsent(p, q -> new AtomicInteger());
                return new KMeans().k(p.getInt("k")).seed(p.getInt("seed")).initMode("random").tol(0).maxIter(MAX_T).featuresCols(X3)
                        .listener(it -> n.incrementAndGet());
            }, eval).space(space).numSamples(12).seed(3).maxConcurrentTrials(2)
                    .scheduler(Schedulers.asha().maxT(MAX_T).gracePeriod(1).reductionFactor(3)).fit(parts[0], parts[1]);
            assertEquals(12, r.trials().size());
            assertStoppedEarly(r, ran);
            KMeansModel best = (KMeansModel) r.best().model();
            assertEquals(r.best().params().getInt("k"), best.k());
            assertEquals(r.best().metric(), eval.metric(best.transform(parts[1])), 1e-9, "the best model is the one it scored");
            assertEquals(r.best().trial().iterations(), best.summary().numIter());
            for (DataFrame d : parts) {
                d.unpersist();
            }
        }
    }

    @Test
    void ashaStopsAlsTrialsBeforeMaxIter() {
        try (Spillway sw = sessions.open("128m", 2, 2048)) {
            DataFrame ratings = sw.generate(new SyntheticRatings(200, 150, 3, 0.2, 5).ratings(12_000));
            DataFrame[] parts = ratings.randomSplit(new double[] {0.8, 0.2}, 2);
            Map<ParamMap, AtomicInteger> ran = new ConcurrentHashMap<>();
            var space = SearchSpace.builder().choice("rank", 1, 2, 3, 5).loguniform("regParam", 1e-3, 1.0).build();
            RegressionEvaluator eval = new RegressionEvaluator().labelCol("rating").metricName("rmse");
            TuneResults r = new Tuner(p -> {
                AtomicInteger n = ran.computeIfAbsent(p, q -> new AtomicInteger());
                return new ALS().rank(p.getInt("rank")).regParam(p.getDouble("regParam")).maxIter(MAX_T).coldStartStrategy("drop")
                        .listener(it -> n.incrementAndGet());
            }, eval).space(space).numSamples(9).seed(4).maxConcurrentTrials(2)
                    .scheduler(Schedulers.asha().maxT(MAX_T).gracePeriod(1).reductionFactor(3)).fit(parts[0], parts[1]);
            assertEquals(9, r.trials().size());
            assertStoppedEarly(r, ran);
            ALSModel best = (ALSModel) r.best().model();
            assertEquals(r.best().params().getInt("rank"), best.rank());
            assertEquals(r.best().trial().iterations(), best.summary().iterations());
            assertEquals(r.best().metric(), eval.metric(best.transform(parts[1])), 1e-9, "the best model is the one it scored");
            assertTrue(r.best().metric() < 0.5, r.toString());
            for (DataFrame d : parts) {
                d.unpersist();
            }
        }
    }
}
