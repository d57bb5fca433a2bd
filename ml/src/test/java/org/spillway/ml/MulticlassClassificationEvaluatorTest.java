package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
class MulticlassClassificationEvaluatorTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path tmp;

    static final Schema SCHEMA = Schema.of(new Field("label", DataType.INT32), new Field("prediction", DataType.FLOAT64),
            new Field("probability_0", DataType.FLOAT64), new Field("probability_1", DataType.FLOAT64),
            new Field("probability_2", DataType.FLOAT64), new Field("weight", DataType.FLOAT64));

    static final int[] Y = {0, 0, 1, 1, 2, 2, 2, 0};
    static final double[] PRED = {0, 1, 1, 1, 2, 0, 2, 0};
    static final double[][] PROB = {
        {0.7, 0.2, 0.1}, {0.3, 0.6, 0.1}, {0.1, 0.8, 0.1}, {0.2, 0.5, 0.3},
        {0.1, 0.1, 0.8}, {0.5, 0.2, 0.3}, {0.2, 0.2, 0.6}, {0.9, 0.05, 0.05}};

    static DataFrame frame(Spillway sw, int[] y, double[] pred, double[][] prob, double[] w) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < y.length; i++) {
            rows.add(new Object[] {y[i], pred[i], prob[i][0], prob[i][1], prob[i][2], w == null ? 1.0 : w[i]});
        }
        return sw.createDataFrame(SCHEMA, rows);
    }

    @Test
    void smallExampleByHand() {
        try (Spillway sw = TestFrames.session(sessions)) {
            MulticlassMetrics m = new MulticlassClassificationEvaluator().evaluate(frame(sw, Y, PRED, PROB, null));
            assertEquals(3, m.numClasses());
            assertArrayEquals(new double[][] {{2, 1, 0}, {0, 2, 0}, {1, 0, 2}}, m.confusion().toArray());
            assertEquals(0.75, m.accuracy(), 1e-15);
            assertEquals(2.0 / 3, m.precision(0), 1e-15);
            assertEquals(2.0 / 3, m.precision(1), 1e-15);
            assertEquals(1.0, m.precision(2), 1e-15);
            assertEquals(2.0 / 3, m.recall(0), 1e-15);
            assertEquals(1.0, m.recall(1), 1e-15);
            assertEquals(2.0 / 3, m.recall(2), 1e-15);
            assertEquals(2.0 / 3, m.f1(0), 1e-15);
            assertEquals(0.8, m.f1(1), 1e-15);
            assertEquals(0.8, m.f1(2), 1e-15);
            assertEquals((2.0 / 3 + 0.8 + 0.8) / 3, m.macroF1(), 1e-15);
            assertEquals((3 * 2.0 / 3 + 2 * 0.8 + 3 * 0.8) / 8, m.weightedF1(), 1e-15);
            assertEquals(m.accuracy(), m.weightedRecall(), 1e-15);
            assertEquals((3 * 2.0 / 3 + 2 * 2.0 / 3 + 3 * 1.0) / 8, m.weightedPrecision(), 1e-15);
            double ll = -(Math.log(.7) + Math.log(.3) + Math.log(.8) + Math.log(.5) + Math.log(.8) + Math.log(.3) + Math.log(.6)
                    + Math.log(.9)) / 8;
            assertEquals(ll, m.logLoss(), 1e-15);
            assertEquals(8, m.count());
            assertEquals(3, m.support(0), 0);
            assertThrows(MlException.class, () -> m.f1(3));
            assertTrue(m.confusion().toString().lines().count() == 4, m.confusion().toString());
            MlException tp = assertThrows(MlException.class, () -> m.confusion().tp());
            assertTrue(tp.getMessage().contains("two classes"), tp.getMessage());
        }
    }

    @Test
    void withoutPredictionsTheMostProbableClassIsPredicted() {
        try (Spillway sw = TestFrames.session(sessions)) {
            DataFrame f = frame(sw, Y, PRED, PROB, null);
            MulticlassMetrics withPred = new MulticlassClassificationEvaluator().evaluate(f);
            MulticlassMetrics argmax = new MulticlassClassificationEvaluator().evaluate(f.drop("prediction"));
            assertEquals(withPred.confusion(), argmax.confusion());
            assertEquals(withPred.asMap(), argmax.asMap());
            // without probabilities there is no log loss, and K comes from the labels and predictions
            MulticlassMetrics noProb = new MulticlassClassificationEvaluator()
                    .evaluate(f.select("label", "prediction"));
            assertTrue(Double.isNaN(noProb.logLoss()));
            assertEquals(3, noProb.numClasses());
            assertEquals(withPred.weightedF1(), noProb.weightedF1(), 0);
            var ev = new MulticlassClassificationEvaluator().metricName("logLoss");
            assertFalse(ev.isLargerBetter());
            MlException e = assertThrows(MlException.class, () -> ev.metric(f.select("label", "prediction")));
            assertTrue(e.getMessage().contains("probability_0"), e.getMessage());
            assertEquals(withPred.logLoss(), ev.metric(f), 0);
        }
    }

    @Test
    void integerWeightsEqualRepeatedRowsAndSameAtAnyParallelism() {
        Random rnd = new Random(9);
        int n = 30_000;
        int[] y = new int[n];
        double[] pred = new double[n];
        double[][] prob = new double[n][];
        double[] w = new double[n];
        List<Integer> rep = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(3);
            double[] p = {rnd.nextDouble(), rnd.nextDouble(), rnd.nextDouble()};
            p[y[i]] += 0.7;
            double s = p[0] + p[1] + p[2];
            prob[i] = new double[] {p[0] / s, p[1] / s, p[2] / s};
            pred[i] = rnd.nextDouble() < 0.7 ? y[i] : rnd.nextInt(3);
            w[i] = rnd.nextInt(3);
            for (int k = 0; k < w[i]; k++) {
                rep.add(i);
            }
        }
        int[] ry = rep.stream().mapToInt(i -> y[i]).toArray();
        double[] rpred = rep.stream().mapToDouble(i -> pred[i]).toArray();
        double[][] rprob = rep.stream().map(i -> prob[i]).toArray(double[][]::new);
        Map<String, Double> first = null;
        for (int parallelism : new int[] {1, 2}) {
            try (Spillway sw = TestFrames.tiny(sessions, parallelism)) {
                MulticlassMetrics weighted = new MulticlassClassificationEvaluator().weightCol("weight")
                        .evaluate(frame(sw, y, pred, prob, w));
                MulticlassMetrics repeated = new MulticlassClassificationEvaluator().evaluate(frame(sw, ry, rpred, rprob, null));
                assertTrue(sw.budget().spilledBytes() > 0, sw.memoryReport());
                for (String k : List.of("accuracy", "f1", "macroF1", "weightedPrecision", "weightedRecall", "logLoss", "totalWeight")) {
                    assertEquals(repeated.get(k), weighted.get(k), 1e-12, k);
                }
                assertEquals(repeated.confusion(), weighted.confusion());
                if (first == null) {
                    first = weighted.asMap();
                } else {
                    assertEquals(first, weighted.asMap());
                }
            }
        }
    }

    @Test
    void labelsMayBeLongDoubleOrBoolAndClassesGrowPastProbabilities() {
        try (Spillway sw = TestFrames.session(sessions)) {
            Schema s = Schema.of(new Field("label", DataType.FLOAT64), new Field("prediction", DataType.INT64));
            List<Object[]> rows = List.of(new Object[] {0.0, 0L}, new Object[] {7.0, 7L}, new Object[] {3.0, 7L}, new Object[] {7.0, 7L});
            MulticlassMetrics m = new MulticlassClassificationEvaluator().evaluate(sw.createDataFrame(s, rows));
            assertEquals(8, m.numClasses());
            assertEquals(0.75, m.accuracy(), 0);
            assertEquals(2, m.confusion().get(7, 7), 0);
            assertEquals(1, m.confusion().get(3, 7), 0);
            assertEquals((1.0 + 0 + 0.8) / 3, m.macroF1(), 1e-15); // classes 0, 3 and 7 occur
            Schema b = Schema.of(new Field("label", DataType.BOOL), new Field("prediction", DataType.BOOL));
            MulticlassMetrics mb = new MulticlassClassificationEvaluator().evaluate(sw.createDataFrame(b,
                    List.of(new Object[] {true, true}, new Object[] {false, true})));
            assertEquals(2, mb.numClasses());
            assertEquals(0.5, mb.accuracy(), 0);
            assertEquals(1, mb.confusion().fp(), 0);
        }
    }

    @Test
    void errorsNameTheColumnAndTheRows() {
        try (Spillway sw = TestFrames.session(sessions)) {
            var ev = new MulticlassClassificationEvaluator();
            Schema s = Schema.of(new Field("label", DataType.FLOAT64), new Field("prediction", DataType.FLOAT64));
            MlException frac = assertThrows(MlException.class, () -> ev.evaluate(sw.createDataFrame(s,
                    List.of(new Object[] {0.0, 0.0}, new Object[] {1.5, 1.0}))));
            assertTrue(frac.getMessage().contains("'label'") && frac.getMessage().contains("holding 1.5")
                    && frac.getMessage().contains("row 1"), frac.getMessage());
            MlException neg = assertThrows(MlException.class, () -> ev.evaluate(sw.createDataFrame(s,
                    List.<Object[]>of(new Object[] {0.0, -1.0}))));
            assertTrue(neg.getMessage().contains("'prediction'") && neg.getMessage().contains("holding -1"), neg.getMessage());
            MlException huge = assertThrows(MlException.class, () -> ev.evaluate(sw.createDataFrame(s,
                    List.<Object[]>of(new Object[] {5000.0, 1.0}))));
            assertTrue(huge.getMessage().contains("below 1024"), huge.getMessage());

            double[][] prob = PROB.clone();
            int[] y = Y.clone();
            y[4] = 3;
            MlException beyond = assertThrows(MlException.class, () -> ev.evaluate(frame(sw, y, PRED, prob, null)));
            assertTrue(beyond.getMessage().contains("probability_0 .. probability_2") && beyond.getMessage().contains("row 4"),
                    beyond.getMessage());
            double[][] bad = PROB.clone();
            bad[6] = new double[] {0.2, Double.NaN, 0.6};
            MlException nan = assertThrows(MlException.class, () -> ev.evaluate(frame(sw, Y, PRED, bad, null)));
            assertTrue(nan.getMessage().contains("'probability_1'") && nan.getMessage().contains("NaN"), nan.getMessage());
            MlException none = assertThrows(MlException.class, () -> ev.evaluate(frame(sw, Y, PRED, PROB, null).select("label")));
            assertTrue(none.getMessage().contains("neither") && none.getMessage().contains("[label]"), none.getMessage());
            MlException empty = assertThrows(MlException.class, () -> ev.evaluate(sw.createDataFrame(s, List.of())));
            assertTrue(empty.getMessage().contains("no rows"), empty.getMessage());
            MlException nul = assertThrows(MlException.class, () -> ev.evaluate(sw.createDataFrame(s,
                    List.of(new Object[] {0.0, 0.0}, new Object[] {null, 1.0}))));
            assertTrue(nul.getMessage().contains("are null") && nul.getMessage().contains("row 1"), nul.getMessage());
            assertThrows(MlException.class, () -> ev.metricName("precision"));
        }
    }
}
