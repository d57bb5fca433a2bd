package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.Flights;
import org.spillway.datasets.Synthetic;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;

/**
 * Learners recover the coefficients of the model that generated the data. Tolerances are about
 * four standard errors at these sizes; categorical effects are compared as differences from the
 * reference level {@code a}, which do not depend on which level the encoding leaves out.
 */
@SpillwayTest
class KnownModelTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path dir;

    Spillway session() {
        return sessions.open("256m", 2, 0);
    }

    static void assertRecovered(Map<String, Double> truth, java.util.function.ToDoubleFunction<String> fitted, double tolPerStd,
                                Synthetic g) {
        for (Map.Entry<String, Double> e : truth.entrySet()) {
            String k = e.getKey();
            if (k.startsWith("f")) {
                double sd = g.featureStd(Integer.parseInt(k.substring(1)));
                // per standard deviation of the feature, so one tolerance fits every scale
                assertEquals(e.getValue() * sd, fitted.applyAsDouble(k) * sd, tolPerStd, "coefficient " + k);
            } else if (!k.endsWith("=a")) {
                String ref = k.substring(0, k.indexOf('=')) + "=a";
                double got = fitted.applyAsDouble(k) - fitted.applyAsDouble(ref);
                assertEquals(e.getValue(), got, 3 * tolPerStd, "level effect " + k + " (against " + ref + ")");
            }
        }
    }

    @Test
    void logisticRegressionRecoversTheTrueModel() {
        Synthetic g = Synthetic.classification(300_000).numericFeatures(8).categoricalFeatures(2, 4).positiveRate(0.3).seed(3);
        try (Spillway sw = session()) {
            DataFrame train = sw.generate(g);
            PipelineModel p = new Pipeline(new OneHotEncoder().inputCols("c0", "c1"), new LogisticRegression().tol(1e-9)).fit(train);
            LogisticRegressionModel m = p.last(LogisticRegressionModel.class);
            assertRecovered(g.trueCoefficients(), m::coefficient, 0.04, g);
            DataFrame test = sw.generate(g.withRows(100_000).rowSeed(1));
            double auc = new BinaryClassificationEvaluator().evaluate(p.transform(test)).auc();
            assertTrue(auc > 0.8, "AUC " + auc);
        }
    }

    @Test
    void linearRegressionRecoversTheTrueModel() {
        Synthetic g = Synthetic.regression(200_000).numericFeatures(10).informativeFeatures(6).categoricalFeatures(1, 5).noise(0.5)
                .seed(4);
        try (Spillway sw = session()) {
            DataFrame train = sw.generate(g);
            PipelineModel p = new Pipeline(new OneHotEncoder().inputCols("c0"), new LinearRegression().tol(1e-10)).fit(train);
            LinearRegressionModel m = p.last(LinearRegressionModel.class);
            assertRecovered(g.trueCoefficients(), m::coefficient, 0.01, g);
            var rm = new RegressionEvaluator().evaluate(p.transform(sw.generate(g.withRows(50_000).rowSeed(2))));
            assertEquals(0.5, rm.rmse(), 0.01, "test RMSE is the noise");
        }
    }

    @Test
    void lassoZeroesTheUninformativeFeatures() {
        Synthetic g = Synthetic.regression(100_000).numericFeatures(12).informativeFeatures(4).noise(1.0).seed(5);
        try (Spillway sw = session()) {
            LinearRegressionModel m = new LinearRegression().regParam(0.05).elasticNetParam(1.0).tol(1e-10).fit(sw.generate(g));
            for (int j = 0; j < 12; j++) {
                double c = m.coefficient("f" + j);
                if (j < 4) {
                    assertTrue(c != 0, "informative f" + j + " kept");
                } else {
                    assertEquals(0.0, c, 0.0, "uninformative f" + j + " is exactly zero: " + m.summaryString(12));
                }
            }
        }
    }

    @Test
    void multinomialRecoversClassEffectsAgainstTheReferenceClass() {
        Synthetic g = Synthetic.multiclass(200_000).classes(3).numericFeatures(4).seed(6);
        try (Spillway sw = session()) {
            LogisticRegressionModel m = new LogisticRegression().tol(1e-9).fit(sw.generate(g));
            double[][] beta = m.coefficientMatrix();
            for (int k = 1; k < 3; k++) {
                Map<String, Double> t = g.trueCoefficients(k);
                for (int j = 0; j < 4; j++) {
                    double sd = g.featureStd(j);
                    assertEquals(t.get("f" + j) * sd, (beta[k][j] - beta[0][j]) * sd, 0.05, "class " + k + " feature f" + j);
                }
            }
        }
    }

    @Test
    void flightsAreLearnableAsTheReadmeShows() {
        try (Spillway sw = session()) {
            DataFrame train = sw.generate(Flights.rows(200_000).seed(1));
            DataFrame test = sw.generate(Flights.rows(50_000).seed(2));
            PipelineModel p = new Pipeline(new OneHotEncoder().inputCols("hour", "dow", "month", "origin", "dest"),
                    new org.spillway.ml.StandardScaler().inputCols("logdist"),
                    new LogisticRegression().labelCol("label").maxIter(200).regParam(0.0)).fit(train);
            double auc = new BinaryClassificationEvaluator().labelCol("label").evaluate(p.transform(test)).auc();
            assertTrue(auc > 0.66, "test AUC " + auc);
        }
    }
}
