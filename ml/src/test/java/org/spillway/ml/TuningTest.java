package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Synthetic;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/** Grid search picks the parameters that validate best, and frees its splits. */
@SpillwayTest
class TuningTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    @Test
    void gridPointsAreAllCombinations() {
        List<ParamMap> grid = new ParamGridBuilder().addGrid("regParam", 0.0, 0.1).addGrid("elasticNetParam", 0.0, 0.5, 1.0).build();
        assertEquals(6, grid.size());
        assertEquals(0.0, grid.get(0).getDouble("regParam"));
        assertEquals(1.0, grid.get(5).getDouble("elasticNetParam"));
        assertThrows(MlException.class, () -> grid.get(0).get("maxIter"));
    }

    @Test
    void trainValidationSplitAndCrossValidationPreferTheWeakPenaltyOnPlentifulData() {
        Synthetic g = Synthetic.classification(40_000).numericFeatures(6).positiveRate(0.4).seed(8);
        try (Spillway sw = sessions.open("64m", 2, 0)) {
            DataFrame data = sw.generate(g);
            List<ParamMap> grid = new ParamGridBuilder().addGrid("regParam", 0.0, 0.5, 5.0).build();
            var tvs = new TrainValidationSplit<LogisticRegressionModel>(p -> new LogisticRegression().regParam(p.getDouble("regParam"))
                    .elasticNetParam(1.0), grid, new BinaryClassificationEvaluator().metricName("logLoss")).seed(3).fit(data);
            assertEquals(0.0, tvs.bestParams().getDouble("regParam"), tvs.toString());
            assertEquals(3, tvs.points().size());
            assertTrue(tvs.points().get(0).metric() < tvs.points().get(2).metric(), tvs.toString());
            assertTrue(tvs.toString().contains("logLoss"));
            var cv = new CrossValidator<LogisticRegressionModel>(p -> new LogisticRegression().regParam(p.getDouble("regParam"))
                    .elasticNetParam(1.0), grid, new BinaryClassificationEvaluator()).numFolds(3).fit(data);
            assertEquals(0.0, cv.bestParams().getDouble("regParam"), cv.toString());
            assertEquals(40_000, cv.bestModel().summary().rows(), "the best point is refitted on all rows");
            long stored = sw.budget().used();
            assertTrue(stored < 8L << 20, "the folds were freed: " + sw.memoryReport());
        }
    }

    @Test
    void theSearchesEqualTheirFitAndScoreLoopsAtAnyParallelismAndAFailingPointFailsThem() {
        Synthetic g = Synthetic.classification(6_000).numericFeatures(4).positiveRate(0.4).seed(9);
        try (Spillway sw = sessions.open("64m", 2, 500)) {
            DataFrame data = sw.generate(g);
            List<ParamMap> grid = new ParamGridBuilder().addGrid("regParam", 0.0, 0.05, 0.5).addGrid("elasticNetParam", 0.0, 1.0).build();
            java.util.function.Function<ParamMap, LogisticRegression> lr = p -> new LogisticRegression().regParam(p.getDouble("regParam"))
                    .elasticNetParam(p.getDouble("elasticNetParam"));
            var eval = new BinaryClassificationEvaluator().metricName("logLoss");

            DataFrame[] parts = data.randomSplit(new double[] {0.7, 0.3}, 4);
            double[] tvsExpected = new double[grid.size()];
            for (int i = 0; i < grid.size(); i++) {
                tvsExpected[i] = eval.metric(lr.apply(grid.get(i)).fit(parts[0]).transform(parts[1]));
            }
            DataFrame[] folds = data.randomSplit(new double[] {1, 1, 1}, 6);
            double[] cvExpected = new double[grid.size()];
            for (int i = 0; i < grid.size(); i++) {
                for (int f = 0; f < 3; f++) {
                    DataFrame train = folds[(f + 1) % 3].union(folds[(f + 2) % 3]);
                    cvExpected[i] += eval.metric(lr.apply(grid.get(i)).fit(train).transform(folds[f])) / 3;
                }
            }
            for (DataFrame d : parts) {
                d.unpersist();
            }
            for (DataFrame d : folds) {
                d.unpersist();
            }
            for (int parallelism : new int[] {1, 3}) {
                var tvs = new TrainValidationSplit<LogisticRegressionModel>(lr, grid, eval).trainRatio(0.7).seed(4).parallelism(parallelism)
                        .fit(data);
                var cv = new CrossValidator<LogisticRegressionModel>(lr, grid, eval).numFolds(3).seed(6).parallelism(parallelism).fit(data);
                int tvsBest = 0;
                int cvBest = 0;
                for (int i = 0; i < grid.size(); i++) {
                    assertEquals(grid.get(i), tvs.points().get(i).params());
                    assertEquals(tvsExpected[i], tvs.points().get(i).metric(), 1e-9, "TVS point " + i + " at parallelism " + parallelism);
                    assertEquals(cvExpected[i], cv.points().get(i).metric(), 1e-9, "CV point " + i + " at parallelism " + parallelism);
                    tvsBest = tvsExpected[i] < tvsExpected[tvsBest] ? i : tvsBest;
                    cvBest = cvExpected[i] < cvExpected[cvBest] ? i : cvBest;
                }
                assertEquals(grid.get(tvsBest), tvs.bestParams(), tvs.toString());
                assertEquals(grid.get(cvBest), cv.bestParams(), cv.toString());
                // the best model is the best point's, trained on the training share
                DataFrame[] again = data.randomSplit(new double[] {0.7, 0.3}, 4);
                assertEquals(tvsExpected[tvsBest], eval.metric(tvs.bestModel().transform(again[1])), 1e-9);
                for (DataFrame d : again) {
                    d.unpersist();
                }
            }

            List<ParamMap> bad = new ParamGridBuilder().addGrid("regParam", 0.1, -1.0).build();
            MlException e = assertThrows(MlException.class, () -> new TrainValidationSplit<LogisticRegressionModel>(
                    p -> new LogisticRegression().regParam(p.getDouble("regParam")), bad, eval).parallelism(2).fit(data));
            assertTrue(e.getMessage().contains("regParam"), e.getMessage());
            assertThrows(MlException.class, () -> new CrossValidator<LogisticRegressionModel>(lr, grid, eval).parallelism(0));
            long stored = sw.budget().used();
            assertTrue(stored < 4L << 20, "the splits and the tuners' copies were freed: " + sw.memoryReport());
        }
    }
}
