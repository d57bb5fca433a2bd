package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

@SpillwayTest
class RegressionEvaluatorTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path tmp;

    static final Schema SCHEMA = Schema.of(new Field("label", DataType.FLOAT64), new Field("prediction", DataType.FLOAT64),
            new Field("weight", DataType.FLOAT64));

    static DataFrame frame(Spillway sw, double[] y, double[] p, double[] w) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            rows.add(new Object[] {y[i], p[i], w == null ? 1.0 : w[i]});
        }
        return sw.createDataFrame(SCHEMA, rows);
    }

    @Test
    void scikitLearnsExample() {
        try (Spillway sw = TestFrames.session(sessions)) {
            RegressionMetrics m = new RegressionEvaluator()
                    .evaluate(frame(sw, new double[] {3, -0.5, 2, 7}, new double[] {2.5, 0.0, 2, 8}, null));
            assertEquals(0.375, m.mse(), 1e-15);
            assertEquals(Math.sqrt(0.375), m.rmse(), 1e-15);
            assertEquals(0.5, m.mae(), 1e-15);
            assertEquals(0.9486081370449679, m.r2(), 1e-15); // sklearn.metrics.r2_score
            assertEquals(0.9571734475374732, m.explainedVariance(), 1e-15); // sklearn explained_variance_score
            assertEquals(4, m.count());
            assertEquals(2.875, m.labelMean(), 1e-15);
            assertEquals(-0.25, m.meanResidual(), 1e-15);
            var ev = new RegressionEvaluator();
            assertEquals("rmse", ev.metricName());
            assertTrue(!ev.isLargerBetter());
            assertTrue(ev.metricName("r2").isLargerBetter());
        }
    }

    @Test
    void weightedEqualsRepeatedRowsAndNaiveSumsOnRandomData() {
        Random rnd = new Random(1);
        int n = 100_000;
        double[] y = new double[n];
        double[] p = new double[n];
        double[] w = new double[n];
        List<Integer> rep = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextGaussian() * 3 + 1;
            p[i] = y[i] + rnd.nextGaussian();
            w[i] = rnd.nextInt(3);
            for (int k = 0; k < w[i]; k++) {
                rep.add(i);
            }
        }
        // a plain two-pass oracle on the heap
        double sw0 = 0;
        double sy = 0;
        for (int i = 0; i < n; i++) {
            sw0 += w[i];
            sy += w[i] * y[i];
        }
        double mean = sy / sw0;
        double sst = 0;
        double sse = 0;
        double sae = 0;
        for (int i = 0; i < n; i++) {
            sst += w[i] * (y[i] - mean) * (y[i] - mean);
            sse += w[i] * (y[i] - p[i]) * (y[i] - p[i]);
            sae += w[i] * Math.abs(y[i] - p[i]);
        }
        Map<String, Double> first = null;
        for (int parallelism : new int[] {1, 2}) {
            try (Spillway sw = TestFrames.tiny(sessions, parallelism)) {
                RegressionMetrics m = new RegressionEvaluator().weightCol("weight").evaluate(frame(sw, y, p, w));
                assertTrue(sw.budget().spilledBytes() > 0, sw.memoryReport());
                assertEquals(sse / sw0, m.mse(), 1e-12);
                assertEquals(sae / sw0, m.mae(), 1e-12);
                assertEquals(1 - sse / sst, m.r2(), 1e-12);
                assertEquals(sw0, m.totalWeight(), 0);
                RegressionMetrics r = new RegressionEvaluator().evaluate(frame(sw, rep.stream().mapToDouble(i -> y[i]).toArray(),
                        rep.stream().mapToDouble(i -> p[i]).toArray(), null));
                for (String k : List.of("rmse", "mse", "mae", "r2", "explainedVariance", "totalWeight")) {
                    assertEquals(r.get(k), m.get(k), 1e-11, k);
                }
                if (first == null) {
                    first = m.asMap();
                } else {
                    assertEquals(first, m.asMap()); // bit for bit: chunks merged in row order
                }
            }
        }
    }

    @Test
    void stableWhenTheLabelsHaveALargeMeanAndASmallSpread() {
        Random rnd = new Random(2);
        int n = 20_000;
        double[] y = new double[n];
        double[] p = new double[n];
        double[] yc = new double[n];
        double[] pc = new double[n];
        double offset = 1e9;
        for (int i = 0; i < n; i++) {
            yc[i] = rnd.nextDouble();
            pc[i] = yc[i] * 0.9 + 0.05 + rnd.nextGaussian() * 0.05;
            y[i] = offset + yc[i];
            p[i] = offset + pc[i];
            yc[i] = y[i] - offset; // the same values as stored at the offset
            pc[i] = p[i] - offset;
        }
        try (Spillway sw = TestFrames.session(sessions)) {
            RegressionMetrics far = new RegressionEvaluator().evaluate(frame(sw, y, p, null));
            RegressionMetrics near = new RegressionEvaluator().evaluate(frame(sw, yc, pc, null));
            // sums of squares at 1e18 would lose everything; merged deviations keep about 1e-12 relative
            assertEquals(near.r2(), far.r2(), 1e-9);
            assertEquals(near.explainedVariance(), far.explainedVariance(), 1e-9);
            assertEquals(near.rmse(), far.rmse(), 1e-9);
            assertTrue(near.r2() > 0.8, near.toString());
        }
    }

    @Test
    void integerColumnsAndErrors() {
        try (Spillway sw = TestFrames.session(sessions)) {
            Schema ints = Schema.of(new Field("y", DataType.INT64), new Field("yhat", DataType.INT32));
            RegressionMetrics m = new RegressionEvaluator().labelCol("y").predictionCol("yhat").evaluate(sw.createDataFrame(ints,
                    List.of(new Object[] {1L, 2}, new Object[] {3L, 3}, new Object[] {5L, 2})));
            assertEquals(10.0 / 3, m.mse(), 1e-15);
            assertEquals(4.0 / 3, m.mae(), 1e-15);

            var ev = new RegressionEvaluator();
            MlException inf = assertThrows(MlException.class, () -> ev.evaluate(frame(sw, new double[] {1, 2, 3},
                    new double[] {1, Double.POSITIVE_INFINITY, Double.NaN}, null)));
            assertTrue(inf.getMessage().contains("'prediction'") && inf.getMessage().contains("2 of 3 rows")
                    && inf.getMessage().contains("row 1, holding Infinity"), inf.getMessage());
            MlException missing = assertThrows(MlException.class, () -> ev.evaluate(sw.createDataFrame(ints,
                    List.<Object[]>of(new Object[] {1L, 1}))));
            assertTrue(missing.getMessage().contains("'label'") && missing.getMessage().contains("[y, yhat]"), missing.getMessage());
            MlException empty = assertThrows(MlException.class, () -> ev.evaluate(frame(sw, new double[0], new double[0], null)));
            assertTrue(empty.getMessage().contains("no rows"), empty.getMessage());
            MlException constant = assertThrows(MlException.class, () -> ev.metricName("r2").metric(frame(sw,
                    new double[] {2, 2}, new double[] {1, 3}, null)));
            assertTrue(constant.getMessage().contains("every label"), constant.getMessage());
            DataFrame nullWeight = sw.createDataFrame(SCHEMA, List.of(new Object[] {1.0, 1.0, 1.0}, new Object[] {2.0, 1.0, null}));
            assertEquals(0.5, ev.metricName("mse").metric(nullWeight), 0); // unweighted, the weight column is not read
            MlException nul = assertThrows(MlException.class, () -> new RegressionEvaluator().weightCol("weight").evaluate(nullWeight));
            assertTrue(nul.getMessage().contains("'weight'") && nul.getMessage().contains("1 of 2 rows are null")
                    && nul.getMessage().contains("row 1"), nul.getMessage());
        }
    }
}
