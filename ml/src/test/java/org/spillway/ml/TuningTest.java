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
}
