package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;
import static org.spillway.frame.Functions.lit;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
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
class BinaryClassificationEvaluatorTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path tmp;

    private static final int[] Y4 = {0, 0, 1, 1};
    private static final double[] P4 = {0.1, 0.4, 0.35, 0.8};

    @Test
    void smallExampleByHand() {
        try (Spillway sw = TestFrames.session(sessions)) {
            BinaryMetrics m = new BinaryClassificationEvaluator().evaluate(TestFrames.binary(sw, Y4, P4));
            assertEquals(0.75, m.auc(), 0);
            // Spark's areaUnderPR: points (0,1) (0.5,1) (0.5,0.5) (1,2/3) (1,0.5); trapezoids 0.5 + 0.5 * (0.5 + 2/3) / 2
            assertEquals(19.0 / 24, m.prAuc(), 1e-15);
            double ll = -(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4;
            assertEquals(ll, m.logLoss(), 1e-15);
            // threshold 0.5: only 0.8 is predicted positive
            ConfusionMatrix cm = m.confusion();
            assertEquals(1, cm.tp());
            assertEquals(0, cm.fp());
            assertEquals(2, cm.tn());
            assertEquals(1, cm.fn());
            assertEquals(0.75, m.accuracy(), 0);
            assertEquals(1.0, m.precision(), 0);
            assertEquals(0.5, m.recall(), 0);
            assertEquals(2.0 / 3, m.f1(), 1e-15);
            assertEquals(4, m.count());
            assertEquals(2, m.positives());
            assertEquals(2, m.negatives());
            assertEquals(4, m.distinctScores());
            assertFalse(m.isWeighted());
            assertEquals(m.auc(), m.get("areaUnderROC"), 0);
            assertEquals(m.prAuc(), m.get("areaUnderPR"), 0);
            String table = cm.toString();
            assertTrue(table.contains("actual \\ predicted"), table);
            assertEquals(3, table.lines().count(), table);
            assertTrue(m.toString().contains("auc=0.750000"), m.toString());
            // a lower threshold moves 0.4 and 0.35 to positive
            BinaryMetrics low = new BinaryClassificationEvaluator().threshold(0.3).evaluate(TestFrames.binary(sw, Y4, P4));
            assertEquals(2, low.confusion().tp());
            assertEquals(1, low.confusion().fp());
            assertEquals(0.75, low.auc(), 0);
        }
    }

    @Test
    void tiesCountHalf() {
        try (Spillway sw = TestFrames.session(sessions)) {
            var ev = new BinaryClassificationEvaluator();
            BinaryMetrics all = ev.evaluate(TestFrames.binary(sw, new int[] {0, 1, 1, 0, 1}, new double[] {0.5, 0.5, 0.5, 0.5, 0.5}));
            assertEquals(0.5, all.auc(), 0);
            assertEquals(1, all.distinctScores());
            assertEquals(0.6, all.prAuc(), 1e-15); // one point (1, 3/5), started at (0, 3/5)
            // one tie across classes among otherwise separated scores: 3 pairs won, 1 tied -> 3.5 / 4
            BinaryMetrics one = ev.evaluate(TestFrames.binary(sw, new int[] {0, 0, 1, 1}, new double[] {0.1, 0.6, 0.6, 0.9}));
            assertEquals(3.5 / 4, one.auc(), 0);
            // -0.0 and 0.0 are one threshold
            DataFrame signed = sw.createDataFrame(TestFrames.BINARY,
                    List.of(new Object[] {0, -0.0}, new Object[] {1, 0.0}, new Object[] {1, 1.0}, new Object[] {0, 0.0}));
            BinaryMetrics z = ev.evaluate(signed);
            assertEquals((2 + 0.5 + 0.5) / 4, z.auc(), 0);
            assertEquals(2, z.distinctScores());
        }
    }

    @Test
    void logLossClipsAtZeroAndOne() {
        try (Spillway sw = TestFrames.session(sessions)) {
            // a confident miss at p = 0 and at p = 1, and two confident hits
            BinaryMetrics m = new BinaryClassificationEvaluator()
                    .evaluate(TestFrames.binary(sw, new int[] {1, 0, 1, 0}, new double[] {0.0, 1.0, 1.0, 0.0}));
            double eps = 1e-15;
            double expected = (-Math.log(eps) - Math.log1p(-(1 - eps)) - Math.log(1 - eps) - Math.log1p(-eps)) / 4;
            assertEquals(expected, m.logLoss(), 1e-12);
            assertEquals(17.27, m.logLoss(), 0.01); // 2 x 34.54 / 4: finite, clipped
            assertEquals(0.5, m.auc(), 0);
            BinaryMetrics perfect = new BinaryClassificationEvaluator()
                    .evaluate(TestFrames.binary(sw, new int[] {1, 0}, new double[] {1.0, 0.0}));
            assertTrue(perfect.logLoss() > 0 && perfect.logLoss() < 2e-15, "clipped, not zero: " + perfect.logLoss());
            assertEquals(1.0, perfect.auc(), 0);
        }
    }

    @Test
    void weightedByHand() {
        try (Spillway sw = TestFrames.session(sessions)) {
            double[] w = {1, 2, 3, 4};
            BinaryMetrics m = new BinaryClassificationEvaluator().weightCol("weight")
                    .evaluate(TestFrames.weighted(sw, Y4, P4, w));
            // P = 7, N = 3; the 0.8 positive (4) beats both negatives (3): 12; the 0.35 positive (3) beats 0.1 (1): 3
            assertEquals(15.0 / 21, m.auc(), 1e-15);
            double ll = -(1 * Math.log(0.9) + 2 * Math.log(0.6) + 3 * Math.log(0.35) + 4 * Math.log(0.8)) / 10;
            assertEquals(ll, m.logLoss(), 1e-15);
            assertEquals(4, m.confusion().tp());
            assertEquals(3, m.confusion().fn());
            assertEquals(3, m.confusion().tn());
            assertEquals(0, m.confusion().fp());
            assertEquals(0.7, m.accuracy(), 1e-15);
            assertEquals(10, m.totalWeight(), 0);
            assertEquals(7, m.positiveWeight(), 0);
            assertEquals(4, m.count());
            assertTrue(m.isWeighted());
            // PR: (0, 1) (4/7, 1) (4/7, 4/6) (1, 7/9) (1, 0.7)
            double pr = 4.0 / 7 * 1 + 3.0 / 7 * (4.0 / 6 + 7.0 / 9) / 2;
            assertEquals(pr, m.prAuc(), 1e-15);
        }
    }

    @Test
    void integerWeightsEqualRepeatedRows() {
        Random rnd = new Random(7);
        int n = 500;
        int[] y = new int[n];
        double[] p = new double[n];
        double[] w = new double[n];
        List<Integer> ry = new ArrayList<>();
        List<Double> rp = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            p[i] = rnd.nextInt(30) / 29.0;
            y[i] = rnd.nextDouble() < p[i] * 0.8 + 0.1 ? 1 : 0;
            w[i] = rnd.nextInt(4); // zero weights too
            for (int k = 0; k < w[i]; k++) {
                ry.add(y[i]);
                rp.add(p[i]);
            }
        }
        try (Spillway sw = TestFrames.session(sessions)) {
            BinaryMetrics weighted = new BinaryClassificationEvaluator().weightCol("weight").evaluate(TestFrames.weighted(sw, y, p, w));
            BinaryMetrics repeated = new BinaryClassificationEvaluator()
                    .evaluate(TestFrames.binary(sw, ry.stream().mapToInt(Integer::intValue).toArray(),
                            rp.stream().mapToDouble(Double::doubleValue).toArray()));
            for (String k : List.of("areaUnderROC", "areaUnderPR", "logLoss", "accuracy", "precision", "recall", "f1", "totalWeight")) {
                assertEquals(repeated.get(k), weighted.get(k), 1e-12, k);
            }
            assertEquals(n, weighted.count());
            assertEquals(ry.size(), repeated.count());
        }
    }

    /** The Mann-Whitney statistic by comparing every positive with every negative. */
    static double bruteAuc(int[] y, double[] s, double[] w) {
        double num = 0;
        double pos = 0;
        double neg = 0;
        for (int i = 0; i < y.length; i++) {
            if (y[i] == 1) {
                pos += w[i];
            } else {
                neg += w[i];
            }
            if (y[i] != 1) {
                continue;
            }
            for (int j = 0; j < y.length; j++) {
                if (y[j] == 0) {
                    num += s[i] > s[j] ? w[i] * w[j] : s[i] == s[j] ? w[i] * w[j] / 2 : 0;
                }
            }
        }
        return num / (pos * neg);
    }

    /** Spark's areaUnderPR, computed on the heap from a sorted map of the distinct scores. */
    static double heapPrAuc(int[] y, double[] s, double[] w) {
        TreeMap<Double, double[]> byScore = new TreeMap<>();
        double pTotal = 0;
        for (int i = 0; i < y.length; i++) {
            double[] c = byScore.computeIfAbsent(s[i], k -> new double[2]);
            c[y[i]] += w[i];
            pTotal += y[i] * w[i];
        }
        double tp = 0;
        double fp = 0;
        double prevR = 0;
        double prevP = Double.NaN;
        double area = 0;
        for (double[] c : byScore.descendingMap().values()) {
            if (c[0] + c[1] == 0) {
                continue;
            }
            tp += c[1];
            fp += c[0];
            double r = tp / pTotal;
            double prec = tp / (tp + fp);
            if (Double.isNaN(prevP)) {
                prevP = prec;
            }
            area += (r - prevR) * (prec + prevP) / 2;
            prevR = r;
            prevP = prec;
        }
        return area;
    }

    @Test
    void equalsBruteForceOnRandomDataWithManyTies() {
        Random rnd = new Random(42);
        for (int trial = 0; trial < 4; trial++) {
            int n = 1500 + trial * 500;
            int levels = new int[] {3, 17, 200, 100000}[trial];
            int[] y = new int[n];
            double[] s = new double[n];
            double[] w = new double[n];
            double[] ones = new double[n];
            for (int i = 0; i < n; i++) {
                s[i] = rnd.nextInt(levels) / (double) (levels - 1);
                y[i] = rnd.nextDouble() < 0.2 + 0.6 * s[i] ? 1 : 0;
                w[i] = 0.25 * (1 + rnd.nextInt(8));
                ones[i] = 1;
            }
            try (Spillway sw = TestFrames.session(sessions)) {
                BinaryMetrics m = new BinaryClassificationEvaluator().evaluate(TestFrames.binary(sw, y, s));
                assertEquals(bruteAuc(y, s, ones), m.auc(), 1e-13, "trial " + trial);
                assertEquals(heapPrAuc(y, s, ones), m.prAuc(), 1e-12, "trial " + trial);
                BinaryMetrics mw = new BinaryClassificationEvaluator().weightCol("weight").evaluate(TestFrames.weighted(sw, y, s, w));
                assertEquals(bruteAuc(y, s, w), mw.auc(), 1e-13, "weighted trial " + trial);
                assertEquals(heapPrAuc(y, s, w), mw.prAuc(), 1e-12, "weighted trial " + trial);
                if (levels < 2000) {
                    // every threshold kept: the trapezoids of the curves are the areas
                    assertEquals(m.auc(), rocTrapezoid(m.rocCurve(1_000_000)), 1e-12);
                    assertEquals(m.prAuc(), prTrapezoid(m.prCurve(1_000_000)), 1e-12);
                }
            }
        }
    }

    static double rocTrapezoid(List<RocPoint> c) {
        double a = 0;
        for (int i = 1; i < c.size(); i++) {
            a += (c.get(i).fpr() - c.get(i - 1).fpr()) * (c.get(i).tpr() + c.get(i - 1).tpr()) / 2;
        }
        return a;
    }

    static double prTrapezoid(List<PrPoint> c) {
        double a = 0;
        for (int i = 1; i < c.size(); i++) {
            a += (c.get(i).recall() - c.get(i - 1).recall()) * (c.get(i).precision() + c.get(i - 1).precision()) / 2;
        }
        return a;
    }

    @Test
    void curvesAreBoundedMonotoneAndEndAtTheCorners() {
        Random rnd = new Random(3);
        int n = 60_000;
        int[] y = new int[n];
        double[] s = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = rnd.nextDouble();
            y[i] = rnd.nextDouble() < s[i] ? 1 : 0;
        }
        try (Spillway sw = TestFrames.session(sessions)) {
            BinaryMetrics m = new BinaryClassificationEvaluator().evaluate(TestFrames.binary(sw, y, s));
            assertEquals(n, m.distinctScores());
            List<RocPoint> all = m.rocCurve(1_000_000);
            assertTrue(all.size() <= 2 * 2000 + 3, "kept points: " + all.size());
            assertEquals(m.auc(), rocTrapezoid(all), 1e-3);
            for (int max : new int[] {2, 3, 50, 1000}) {
                List<RocPoint> c = m.rocCurve(max);
                assertTrue(c.size() <= max && c.size() >= 2, max + ": " + c.size());
                assertEquals(new RocPoint(0, 0, Double.POSITIVE_INFINITY), c.getFirst());
                assertEquals(1.0, c.getLast().fpr(), 0);
                assertEquals(1.0, c.getLast().tpr(), 0);
                for (int i = 1; i < c.size(); i++) {
                    assertTrue(c.get(i).fpr() >= c.get(i - 1).fpr() && c.get(i).tpr() >= c.get(i - 1).tpr(), "monotone at " + i);
                    assertTrue(c.get(i).threshold() < c.get(i - 1).threshold(), "thresholds decrease at " + i);
                }
                List<PrPoint> pr = m.prCurve(max);
                assertTrue(pr.size() <= max && pr.size() >= 2);
                assertEquals(0.0, pr.getFirst().recall(), 0);
                assertEquals(1.0, pr.getLast().recall(), 0);
                assertEquals(m.positiveWeight() / m.totalWeight(), pr.getLast().precision(), 1e-12);
            }
            assertEquals(m.auc(), rocTrapezoid(m.rocCurve(1000)), 2e-3);
            assertEquals(m.prAuc(), prTrapezoid(m.prCurve(1000)), 2e-3);
            assertThrows(MlException.class, () -> m.rocCurve(1));
        }
    }

    @Test
    void rawScoresRankLikeTheirProbabilities() {
        Random rnd = new Random(11);
        int n = 3000;
        List<Object[]> rows = new ArrayList<>();
        int[] y = new int[n];
        double[] p = new double[n];
        for (int i = 0; i < n; i++) {
            double margin = Math.round(rnd.nextGaussian() * 20) / 10.0;
            p[i] = 1 / (1 + Math.exp(-margin));
            y[i] = rnd.nextDouble() < p[i] ? 1 : 0;
            rows.add(new Object[] {(long) y[i], margin, p[i] > 0.5 ? 1.0 : 0.0});
        }
        Schema schema = Schema.of(new Field("y", DataType.INT64), new Field("rawPrediction", DataType.FLOAT64),
                new Field("prediction", DataType.FLOAT64));
        try (Spillway sw = TestFrames.session(sessions)) {
            DataFrame f = sw.createDataFrame(schema, rows);
            var ev = new BinaryClassificationEvaluator().labelCol("y").rawPredictionCol("rawPrediction");
            BinaryMetrics raw = ev.evaluate(f);
            BinaryMetrics prob = new BinaryClassificationEvaluator().evaluate(TestFrames.binary(sw, y, p));
            assertEquals(prob.auc(), raw.auc(), 1e-15);
            assertEquals(prob.prAuc(), raw.prAuc(), 1e-15);
            assertTrue(Double.isNaN(raw.logLoss()));
            assertTrue(Double.isNaN(raw.accuracy()));
            MlException e = assertThrows(MlException.class, raw::confusion);
            assertTrue(e.getMessage().contains("predictionCol"), e.getMessage());
            MlException e2 = assertThrows(MlException.class, () -> ev.metricName("logLoss").metric(f));
            assertTrue(e2.getMessage().contains("probability"), e2.getMessage());
            BinaryMetrics withPred = ev.predictionCol("prediction").evaluate(f);
            assertEquals(prob.confusion(), withPred.confusion());
            assertEquals(prob.accuracy(), withPred.accuracy(), 0);
        }
    }

    @Test
    void labelTypesBoolLongAndDouble() {
        try (Spillway sw = TestFrames.session(sessions)) {
            for (DataType t : List.of(DataType.BOOL, DataType.INT64, DataType.FLOAT64)) {
                Schema schema = Schema.of(new Field("label", t), new Field("probability", DataType.FLOAT64));
                List<Object[]> rows = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    Object v = switch (t.kind()) {
                        case BOOL -> Y4[i] == 1;
                        case INT64 -> (long) Y4[i];
                        default -> (double) Y4[i];
                    };
                    rows.add(new Object[] {v, P4[i]});
                }
                BinaryMetrics m = new BinaryClassificationEvaluator().evaluate(sw.createDataFrame(schema, rows));
                assertEquals(0.75, m.auc(), 0, t.toString());
                assertEquals(1, m.confusion().tp(), t.toString());
            }
        }
    }

    @Test
    void metricAndDirection() {
        try (Spillway sw = TestFrames.session(sessions)) {
            DataFrame f = TestFrames.binary(sw, Y4, P4);
            var ev = new BinaryClassificationEvaluator();
            assertEquals("areaUnderROC", ev.metricName());
            assertTrue(ev.isLargerBetter());
            assertEquals(0.75, ev.metric(f), 0);
            assertEquals(19.0 / 24, ev.metricName("areaUnderPR").metric(f), 1e-15);
            ev.metricName("logLoss");
            assertFalse(ev.isLargerBetter());
            assertEquals(-(Math.log(0.9) + Math.log(0.6) + Math.log(0.35) + Math.log(0.8)) / 4, ev.metric(f), 1e-15);
            assertEquals(2.0 / 3, ev.metricName("f1").metric(f), 1e-15);
            MlException e = assertThrows(MlException.class, () -> ev.metricName("auc"));
            assertTrue(e.getMessage().contains("areaUnderROC"), e.getMessage());
            MlException t = assertThrows(MlException.class, () -> ev.threshold(1.5));
            assertTrue(t.getMessage().contains("[0, 1]"), t.getMessage());
            // one class: the areas are undefined, the rest is not
            DataFrame ones = TestFrames.binary(sw, new int[] {1, 1, 1}, new double[] {0.2, 0.7, 0.9});
            BinaryMetrics m = ev.evaluate(ones);
            assertTrue(Double.isNaN(m.auc()));
            assertEquals(1.0, m.prAuc(), 0);
            assertEquals(2.0 / 3, m.accuracy(), 1e-15);
            assertTrue(m.rocCurve(10).isEmpty());
            MlException u = assertThrows(MlException.class, () -> ev.metricName("areaUnderROC").metric(ones));
            assertTrue(u.getMessage().contains("3 ones and 0 zeros"), u.getMessage());
        }
    }

    @Test
    void errorsNameTheColumnAndTheRows() {
        try (Spillway sw = TestFrames.session(sessions)) {
            var ev = new BinaryClassificationEvaluator();
            DataFrame renamed = TestFrames.binary(sw, Y4, P4).withColumnRenamed("probability", "score");
            MlException missing = assertThrows(MlException.class, () -> ev.evaluate(renamed));
            assertTrue(missing.getMessage().contains("'probability'") && missing.getMessage().contains("[label, score]")
                    && missing.getMessage().contains("probabilityCol"), missing.getMessage());

            MlException label = assertThrows(MlException.class,
                    () -> ev.evaluate(TestFrames.binary(sw, new int[] {0, 1, 2, 2, 1}, new double[] {0.1, 0.2, 0.3, 0.4, 0.5})));
            assertTrue(label.getMessage().contains("'label'") && label.getMessage().contains("2 of 5 rows")
                    && label.getMessage().contains("row 2, holding 2"), label.getMessage());

            MlException high = assertThrows(MlException.class,
                    () -> ev.evaluate(TestFrames.binary(sw, new int[] {0, 1}, new double[] {0.1, 1.5})));
            assertTrue(high.getMessage().contains("'probability'") && high.getMessage().contains("[0, 1]")
                    && high.getMessage().contains("holding 1.5"), high.getMessage());

            MlException nan = assertThrows(MlException.class,
                    () -> ev.evaluate(TestFrames.binary(sw, new int[] {0, 1, 1}, new double[] {0.1, 0.5, Double.NaN})));
            assertTrue(nan.getMessage().contains("NaN") && nan.getMessage().contains("row 2"), nan.getMessage());

            MlException empty = assertThrows(MlException.class, () -> ev.evaluate(TestFrames.binary(sw, new int[0], new double[0])));
            assertTrue(empty.getMessage().contains("no rows"), empty.getMessage());
            MlException filteredEmpty = assertThrows(MlException.class,
                    () -> ev.evaluate(TestFrames.binary(sw, Y4, P4).filter(col("probability").gt(lit(2.0)))));
            assertTrue(filteredEmpty.getMessage().contains("no rows"), filteredEmpty.getMessage());

            DataFrame nullLabel = sw.createDataFrame(TestFrames.BINARY,
                    List.of(new Object[] {0, 0.2}, new Object[] {null, 0.3}, new Object[] {1, 0.9}));
            MlException nl = assertThrows(MlException.class, () -> ev.evaluate(nullLabel));
            assertTrue(nl.getMessage().contains("'label'") && nl.getMessage().contains("are null")
                    && nl.getMessage().contains("row 1") && nl.getMessage().contains("isNotNull"), nl.getMessage());
            DataFrame nullScore = sw.createDataFrame(TestFrames.BINARY,
                    List.of(new Object[] {0, 0.2}, new Object[] {1, null}, new Object[] {1, null}));
            MlException ns = assertThrows(MlException.class, () -> ev.evaluate(nullScore));
            assertTrue(ns.getMessage().contains("'probability'") && ns.getMessage().contains("2 of 3 rows are null"), ns.getMessage());

            MlException negative = assertThrows(MlException.class, () -> new BinaryClassificationEvaluator().weightCol("weight")
                    .evaluate(TestFrames.weighted(sw, Y4, P4, new double[] {1, -2, 1, 1})));
            assertTrue(negative.getMessage().contains("'weight'") && negative.getMessage().contains("holding -2"),
                    negative.getMessage());
            MlException zero = assertThrows(MlException.class, () -> new BinaryClassificationEvaluator().weightCol("weight")
                    .evaluate(TestFrames.weighted(sw, Y4, P4, new double[] {0, 0, 0, 0})));
            assertTrue(zero.getMessage().contains("add up to 0"), zero.getMessage());

            DataFrame strings = sw.createDataFrame(Schema.of(new Field("label", DataType.STRING), new Field("probability",
                    DataType.FLOAT64)), List.<Object[]>of(new Object[] {"yes", 0.5}));
            MlException type = assertThrows(MlException.class, () -> ev.evaluate(strings));
            assertTrue(type.getMessage().contains("'label' is string") && type.getMessage().contains("cast"), type.getMessage());
        }
    }

    @Test
    void sameResultAtParallelismOneAndTwoUnderATinyBudget() {
        Random rnd = new Random(5);
        int n = 150_000;
        int[] y = new int[n];
        double[] s = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            s[i] = i % 3 == 0 ? rnd.nextInt(100) / 99.0 : rnd.nextDouble(); // ties and distinct scores
            y[i] = rnd.nextDouble() < s[i] ? 1 : 0;
            w[i] = 0.5 * (1 + rnd.nextInt(4)); // dyadic: the group-by's sums are exact in any order
        }
        Map<String, Double> first = null;
        List<RocPoint> firstCurve = null;
        for (int parallelism : new int[] {1, 2}) {
            try (Spillway sw = TestFrames.tiny(sessions, parallelism)) {
                DataFrame f = TestFrames.weighted(sw, y, s, w);
                assertTrue(sw.budget().spilledBytes() > 0, sw.memoryReport());
                BinaryMetrics m = new BinaryClassificationEvaluator().evaluate(f);
                BinaryMetrics mw = new BinaryClassificationEvaluator().weightCol("weight").evaluate(f);
                assertEquals(heapAuc(y, s, null), m.auc(), 1e-12);
                assertEquals(heapAuc(y, s, w), mw.auc(), 1e-12);
                assertEquals(heapPrAuc(y, s, ones(n)), m.prAuc(), 1e-10);
                Map<String, Double> both = new java.util.LinkedHashMap<>(m.asMap());
                mw.asMap().forEach((k, v) -> both.put("w." + k, v));
                if (first == null) {
                    first = both;
                    firstCurve = mw.rocCurve(500);
                } else {
                    assertEquals(first, both);
                    assertEquals(firstCurve, mw.rocCurve(500));
                }
            }
        }
    }

    static double[] ones(int n) {
        double[] o = new double[n];
        Arrays.fill(o, 1);
        return o;
    }

    /** The exact AUC by sorting on the heap (for sizes the O(n²) comparison is too slow for). */
    static double heapAuc(int[] y, double[] s, double[] w) {
        Integer[] idx = new Integer[y.length];
        Arrays.setAll(idx, i -> i);
        Arrays.sort(idx, (a, b) -> Double.compare(s[a], s[b]));
        double negBelow = 0;
        double num = 0;
        double pos = 0;
        for (int i = 0; i < idx.length;) {
            int j = i;
            double gp = 0;
            double gn = 0;
            while (j < idx.length && s[idx[j]] == s[idx[i]]) {
                double wt = w == null ? 1 : w[idx[j]];
                if (y[idx[j]] == 1) {
                    gp += wt;
                } else {
                    gn += wt;
                }
                j++;
            }
            num += gp * (negBelow + gn / 2);
            negBelow += gn;
            pos += gp;
            i = j;
        }
        return num / (pos * negBelow);
    }
}
