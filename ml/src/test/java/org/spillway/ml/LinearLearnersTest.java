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

/** The learners reach the optimum of their documented objective, as exact heap solvers compute it. */
@SpillwayTest
class LinearLearnersTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    static final double[] TRUE = {1.5, -2.0, 0.0, 0.7, 0.0};
    static final double[] SCALE = {1, 10, 0.1, 3, 1};

    /** n rows of d = 5 features with different scales, and a label from the true model. */
    static double[][] features(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[n][TRUE.length];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < TRUE.length; j++) {
                x[i][j] = (r.nextDouble() * 2 - 1 + 0.3 * j) * SCALE[j];
            }
        }
        return x;
    }

    static double[] logisticLabels(double[][] x, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double m = -0.3;
            for (int j = 0; j < TRUE.length; j++) {
                m += TRUE[j] * x[i][j] / SCALE[j];
            }
            y[i] = r.nextDouble() < 1 / (1 + Math.exp(-m)) ? 1 : 0;
        }
        return y;
    }

    static double[] linearLabels(double[][] x, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double m = 2.0;
            for (int j = 0; j < TRUE.length; j++) {
                m += TRUE[j] * x[i][j] / SCALE[j];
            }
            y[i] = m + 0.5 * r.nextGaussian();
        }
        return y;
    }

    static DataFrame frame(Spillway sw, double[][] x, double[] y, boolean intLabel) {
        List<Field> fields = new ArrayList<>();
        for (int j = 0; j < x[0].length; j++) {
            fields.add(new Field("f" + j, DataType.FLOAT64));
        }
        fields.add(new Field("label", intLabel ? DataType.INT32 : DataType.FLOAT64));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            Object[] row = new Object[x[0].length + 1];
            for (int j = 0; j < x[0].length; j++) {
                row[j] = x[i][j];
            }
            row[x[0].length] = intLabel ? (Object) (int) y[i] : (Object) y[i];
            rows.add(row);
        }
        return sw.createDataFrame(new Schema(fields), rows);
    }

    Spillway session(int parallelism, String memory) {
        return sessions.open(memory, parallelism, 400);
    }

    @Test
    void logisticRegressionReachesTheNewtonOptimum() {
        double[][] x = features(3000, 1);
        double[] y = logisticLabels(x, 2);
        for (double reg : new double[] {0.0, 0.05}) {
            for (boolean std : new boolean[] {true, false}) {
                double[] ref = Reference.logistic(x, y, reg, std);
                try (Spillway sw = session(2, "64m")) {
                    LogisticRegressionModel m = new LogisticRegression().regParam(reg).standardization(std).tol(1e-12)
                            .maxIter(1000).fit(frame(sw, x, y, true));
                    double[] scale = std ? Reference.std(x) : ones(x[0].length);
                    double refObj = Reference.logisticObjective(x, y, slice(ref), ref[ref.length - 1], reg, scale);
                    double obj = Reference.logisticObjective(x, y, m.coefficients(), m.intercept(), reg, scale);
                    assertEquals(refObj, obj, 1e-6 * Math.abs(refObj), "objective, reg " + reg + " std " + std);
                    assertEquals(refObj, m.summary().objective(), 1e-6 * Math.abs(refObj), "reported objective");
                    for (int j = 0; j < TRUE.length; j++) {
                        assertEquals(ref[j], m.coefficients()[j], 1e-4 * Math.max(1, Math.abs(ref[j])), "coefficient " + j);
                    }
                    assertEquals(ref[TRUE.length], m.intercept(), 1e-4, "intercept");
                    assertTrue(m.summary().converged(), m.summary().toString());
                }
            }
        }
    }

    @Test
    void logisticRegressionIsTheSameAtParallelismOneAndTwoAndWhenSpilled() {
        double[][] x = features(40_000, 3); // 1.9 MB of data: 2x the 1 MB budget
        double[] y = logisticLabels(x, 4);
        double[] first = null;
        for (String[] cfg : new String[][] {{"1", "64m"}, {"2", "64m"}, {"2", "1m"}}) {
            try (Spillway sw = session(Integer.parseInt(cfg[0]), cfg[1])) {
                DataFrame f = frame(sw, x, y, true);
                LogisticRegressionModel m = new LogisticRegression().regParam(0.01).maxIter(50).fit(f);
                double[] got = append(m.coefficients(), m.intercept());
                if (first == null) {
                    first = got;
                } else {
                    assertArrayEquals(first, got, 0.0, "parallelism " + cfg[0] + ", memory " + cfg[1]);
                }
                if (cfg[1].equals("1m")) {
                    assertTrue(sw.budget().spilledBytes() > 0, "the 1 MB run must spill: " + sw.memoryReport());
                }
            }
        }
    }

    @Test
    void ridgeAndLassoReachTheCoordinateDescentOptimum() {
        double[][] x = features(2000, 5);
        double[] y = linearLabels(x, 6);
        for (double[] cfg : new double[][] {{0, 0}, {0.1, 0}, {0.1, 1}, {0.05, 0.5}, {0.3, 1}}) {
            double lambda = cfg[0];
            double alpha = cfg[1];
            double[] ref = Reference.elasticNet(x, y, lambda, alpha);
            try (Spillway sw = session(2, "64m")) {
                LinearRegressionModel m = new LinearRegression().regParam(lambda).elasticNetParam(alpha).tol(1e-12).maxIter(2000)
                        .fit(frame(sw, x, y, false));
                double refObj = Reference.leastSquaresObjective(x, y, slice(ref), ref[ref.length - 1], lambda, alpha);
                double obj = Reference.leastSquaresObjective(x, y, m.coefficients(), m.intercept(), lambda, alpha);
                assertEquals(refObj, obj, 1e-6 * Math.abs(refObj), "objective at lambda " + lambda + " alpha " + alpha);
                for (int j = 0; j < TRUE.length; j++) {
                    assertEquals(ref[j], m.coefficients()[j], 1e-4 * Math.max(1, Math.abs(ref[j])),
                            "coefficient " + j + " at lambda " + lambda + " alpha " + alpha);
                    if (alpha > 0 && ref[j] == 0) {
                        assertEquals(0.0, m.coefficients()[j], 0.0, "lasso zero for coefficient " + j);
                    }
                }
                assertEquals(ref[TRUE.length], m.intercept(), 1e-4, "intercept");
            }
        }
    }

    static double[] slice(double[] a) {
        return java.util.Arrays.copyOf(a, a.length - 1);
    }

    static double[] append(double[] a, double v) {
        double[] out = java.util.Arrays.copyOf(a, a.length + 1);
        out[a.length] = v;
        return out;
    }

    static double[] ones(int d) {
        double[] o = new double[d];
        java.util.Arrays.fill(o, 1);
        return o;
    }
}
