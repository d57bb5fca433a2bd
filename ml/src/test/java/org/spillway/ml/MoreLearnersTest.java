package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** Multinomial logistic regression, SGD and the linear SVM. */
@SpillwayTest
class MoreLearnersTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    Spillway session(int parallelism) {
        return sessions.open("64m", parallelism, 500);
    }

    static final double[][] CLASS_W = {{1.0, -1.0, 0.5}, {-0.5, 1.5, 0.0}, {0.0, 0.0, -1.0}};

    @Test
    void multinomialReachesTheNewtonOptimum() {
        int n = 3000;
        SplittableRandom r = new SplittableRandom(11);
        double[][] x = new double[n][3];
        int[] y = new int[n];
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double[] m = new double[3];
            for (int j = 0; j < 3; j++) {
                x[i][j] = r.nextGaussian() * (j + 1);
            }
            double z = 0;
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j < 3; j++) {
                    m[c] += CLASS_W[c][j] * x[i][j] / (j + 1);
                }
                m[c] = Math.exp(m[c]);
                z += m[c];
            }
            double u = r.nextDouble() * z;
            y[i] = u < m[0] ? 0 : u < m[0] + m[1] ? 1 : 2;
            rows.add(new Object[] {x[i][0], x[i][1], x[i][2], y[i]});
        }
        double l2 = 0.01;
        double[][] ref = Reference.softmax(x, y, 3, l2);
        try (Spillway sw = session(2)) {
            DataFrame f = sw.createDataFrame(Schema.of(new Field("a", DataType.FLOAT64), new Field("b", DataType.FLOAT64),
                    new Field("c", DataType.FLOAT64), new Field("label", DataType.INT32)), rows);
            LogisticRegressionModel m = new LogisticRegression().regParam(l2).tol(1e-12).maxIter(1000).fit(f);
            assertEquals(3, m.numClasses());
            double[][] beta = m.coefficientMatrix();
            double[] b = m.interceptVector();
            for (int c = 0; c < 3; c++) {
                for (int j = 0; j < 3; j++) {
                    assertEquals(ref[c][j], beta[c][j], 1e-4, "class " + c + " coefficient " + j);
                }
                assertEquals(ref[c][3], b[c], 1e-4, "class " + c + " intercept");
            }
            DataFrame scored = m.transform(f);
            assertTrue(scored.columns().containsAll(List.of("probability_0", "probability_1", "probability_2", "prediction")));
            var metrics = new MulticlassClassificationEvaluator().evaluate(scored);
            assertTrue(metrics.accuracy() > 0.5, "accuracy " + metrics.accuracy());
        }
    }

    static DataFrame binary(Spillway sw, int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = r.nextGaussian();
            double b = r.nextGaussian() * 4;
            double m = 0.5 + 2 * a - 0.5 * b;
            rows.add(new Object[] {a, b, r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0});
        }
        return sw.createDataFrame(Schema.of(new Field("a", DataType.FLOAT64), new Field("b", DataType.FLOAT64),
                new Field("label", DataType.INT32)), rows);
    }

    @Test
    void sgdComesCloseToTheLbfgsOptimumAndIsDeterministic() {
        double[] exact;
        double[] first = null;
        try (Spillway sw = session(2)) {
            DataFrame f = binary(sw, 40_000, 3);
            LogisticRegressionModel l = new LogisticRegression().regParam(0.001).tol(1e-10).fit(f);
            exact = LinearLearnersTest.append(l.coefficients(), l.intercept());
        }
        for (int p : new int[] {1, 2}) {
            try (Spillway sw = session(p)) {
                DataFrame f = binary(sw, 40_000, 3);
                LogisticRegressionModel s = new LogisticRegression().regParam(0.001).solver("sgd").maxIter(15).stepSize(0.01)
                        .learningRateSchedule("invsqrt").batchSize(256).seed(7).fit(f);
                double[] got = LinearLearnersTest.append(s.coefficients(), s.intercept());
                assertArrayEquals(exact, got, 0.06, "SGD vs L-BFGS: " + s.summaryString(10));
                assertEquals("sgd", s.summary().solver());
                if (first == null) {
                    first = got;
                } else {
                    assertArrayEquals(first, got, 0.0, "SGD at parallelism 1 and 2");
                }
            }
        }
    }

    @Test
    void sgdEarlyStoppingKeepsTheBestValidationEpoch() {
        try (Spillway sw = session(2)) {
            DataFrame f = binary(sw, 20_000, 5);
            LogisticRegressionModel s = new LogisticRegression().solver("sgd").maxIter(200).stepSize(0.05).validationFraction(0.2)
                    .patience(2).fit(f);
            assertTrue(s.summary().iterations() < 200, s.summary().toString());
            assertTrue(s.summary().converged() && s.summary().reason().startsWith("early stopping"), s.summary().toString());
            double auc = new BinaryClassificationEvaluator().evaluate(s.transform(f)).auc();
            assertTrue(auc > 0.8, "AUC " + auc);
        }
    }

    @Test
    void linearSvcSeparatesAndFindsTheTrueDirection() {
        try (Spillway sw = session(2)) {
            DataFrame f = binary(sw, 20_000, 9);
            LinearSVCModel m = new LinearSVC().regParam(0.01).maxIter(200).fit(f);
            double[] w = m.coefficients();
            double cos = (2 * w[0] - 0.5 * w[1]) / Math.hypot(2, 0.5) / Math.hypot(w[0], w[1]);
            assertTrue(cos > 0.98, "cosine to the true direction " + cos + ": " + m.summaryString(5));
            DataFrame scored = m.transform(f);
            double auc = new BinaryClassificationEvaluator().rawPredictionCol("rawPrediction").evaluate(scored).auc();
            assertTrue(auc > 0.85, "AUC " + auc);
            // the solver's objective is no worse than SGD's on the same problem
            LinearSVCModel s = new LinearSVC().regParam(0.01).solver("sgd").maxIter(10).fit(f);
            assertTrue(m.summary().objective() <= s.summary().objective() + 1e-3,
                    m.summary() + " vs " + s.summary());
        }
    }
}
