package org.spillway.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.VectorBuilder;

class SyntheticTest {
    @TempDir
    Path tmp;

    private static final Synthetic CLASSIFICATION = Synthetic.classification(200_000).numericFeatures(20)
            .categoricalFeatures(2, 10).positiveRate(0.2).labelNoise(0.01).seed(7);

    /** The score of every row computed from the published true model and the row's column values. */
    private static double[] scores(Synthetic g, GeneratedColumns rows, int k) {
        Map<String, Double> w = g.trueCoefficients(k);
        double[] s = new double[rows.rows];
        java.util.Arrays.fill(s, g.trueIntercept(k));
        for (int j = 0; j < g.numericFeatures(); j++) {
            double[] x = rows.doubles("f" + j);
            double wj = w.get("f" + j);
            for (int r = 0; r < rows.rows; r++) {
                s[r] += wj * x[r];
            }
        }
        for (int c = 0; c < g.categoricalFeatures(); c++) {
            String[] v = rows.strings("c" + c);
            for (int r = 0; r < rows.rows; r++) {
                Double e = w.get("c" + c + "=" + v[r]);
                s[r] += e;
            }
        }
        return s;
    }

    @Test
    void schemaNamesAndTypes() {
        assertEquals(List.of("f0", "f1", "f2", "c0", "c1", "label"),
                Synthetic.classification(1).numericFeatures(3).categoricalFeatures(2, 5).schema().names());
        assertEquals(DataType.FLOAT64, Synthetic.classification(1).schema().type(0));
        assertEquals(DataType.INT32, Synthetic.classification(1).schema().type(10));
        assertEquals(DataType.INT32, Synthetic.multiclass(1).schema().type(10));
        assertEquals(DataType.FLOAT64, Synthetic.regression(1).schema().type(10));
        assertEquals(DataType.STRING, Synthetic.regression(1).numericFeatures(0).categoricalFeatures(1, 3).schema().type(0));
        assertEquals(List.of("a", "b", "z", "aa", "az", "ba", "zz", "aaa"),
                java.util.stream.IntStream.of(0, 1, 25, 26, 51, 52, 701, 702).mapToObj(Synthetic::levelName).toList());
    }

    @Test
    void sameRowsWhateverTheBlockOrderAndThreads() throws Exception {
        Synthetic g = CLASSIFICATION.withRows(20_000);
        GeneratedColumns whole = GeneratedColumns.fill(g, 0, 20_000);
        GeneratedColumns.fillShuffled(g, 1_234, 3, 1).assertSame(whole);
        GeneratedColumns.fillShuffled(g, 997, 1, 2).assertSame(whole);
        // a fresh, equal generator (its model computed again) gives the same rows
        GeneratedColumns.fill(Synthetic.classification(20_000).numericFeatures(20).categoricalFeatures(2, 10)
                .positiveRate(0.2).labelNoise(0.01).seed(7), 0, 20_000).assertSame(whole);
        // a range in the middle equals the same rows of the whole
        GeneratedColumns mid = GeneratedColumns.fill(g, 5_000, 3);
        assertEquals(whole.doubles("f4")[5_001], mid.doubles("f4")[1]);
        assertEquals(whole.strings("c1")[5_002], mid.strings("c1")[2]);
        for (Synthetic other : List.of(Synthetic.regression(5_000).categoricalFeatures(1, 30).seed(3),
                Synthetic.multiclass(5_000).classes(4).labelNoise(0.1).categoricalFeatures(1, 4))) {
            GeneratedColumns.fillShuffled(other, 333, 2, 3).assertSame(GeneratedColumns.fill(other, 0, 5_000));
        }
    }

    @Test
    void rowSeedChangesRowsNotTheModelAndSeedChangesBoth() {
        Synthetic g = CLASSIFICATION.withRows(1_000);
        Synthetic test = g.rowSeed(1);
        assertEquals(g.trueCoefficients(), test.trueCoefficients());
        assertEquals(g.trueIntercept(), test.trueIntercept());
        assertEquals(g.trueCoefficients(), g.withRows(5).trueCoefficients());
        assertNotEquals(GeneratedColumns.fill(g, 0, 10).doubles("f0")[3], GeneratedColumns.fill(test, 0, 10).doubles("f0")[3]);
        Synthetic other = g.seed(8);
        assertNotEquals(g.trueCoefficients().get("f0"), other.trueCoefficients().get("f0"));
        assertNotEquals(GeneratedColumns.fill(g, 0, 10).doubles("f0")[3], GeneratedColumns.fill(other, 0, 10).doubles("f0")[3]);
    }

    @Test
    void csvRoundTripIsExactAndIndependentOfThreads() throws Exception {
        for (Synthetic g : List.of(CLASSIFICATION.withRows(30_000),
                Synthetic.regression(10_000).numericFeatures(7).categoricalFeatures(1, 40).noise(0.5).seed(3),
                Synthetic.multiclass(10_000).classes(5).numericFeatures(3).seed(11))) {
            Path one = tmp.resolve("one.csv");
            Path three = tmp.resolve("three.csv");
            long bytes = g.threads(1).writeCsv(one);
            assertEquals(Files.size(one), bytes);
            g.threads(3).writeCsv(three);
            assertEquals(-1, Files.mismatch(one, three), "CSV bytes differ with the thread count for " + g);
            GeneratedColumns.fill(g, 0, (int) g.rows()).assertCsvEquals(one);
        }
        Path empty = tmp.resolve("empty.csv");
        Synthetic.regression(0).numericFeatures(2).writeCsv(empty);
        assertEquals("f0,f1,label\n", Files.readString(empty));
    }

    @Test
    void labelRatesAreNearTheirTargets() {
        GeneratedColumns rows = GeneratedColumns.fill(CLASSIFICATION, 0, 200_000);
        double rate = java.util.Arrays.stream(rows.ints("label")).average().orElseThrow();
        assertEquals(0.2, rate, 0.006, "positive rate");
        Synthetic balanced = Synthetic.classification(100_000).numericFeatures(5).seed(1);
        assertEquals(0.5, java.util.Arrays.stream(GeneratedColumns.fill(balanced, 0, 100_000).ints("label")).average().orElseThrow(), 0.008);
        Synthetic rare = Synthetic.classification(200_000).numericFeatures(5).categoricalFeatures(1, 50).positiveRate(0.03).seed(2);
        assertEquals(0.03, java.util.Arrays.stream(GeneratedColumns.fill(rare, 0, 200_000).ints("label")).average().orElseThrow(), 0.003);
        Synthetic multi = Synthetic.multiclass(120_000).classes(4).numericFeatures(8).categoricalFeatures(1, 6).labelNoise(0.05).seed(5);
        int[] counts = new int[4];
        for (int y : GeneratedColumns.fill(multi, 0, 120_000).ints("label")) {
            counts[y]++;
        }
        for (int k = 0; k < 4; k++) {
            assertEquals(0.25, counts[k] / 120_000.0, 0.012, "share of class " + k + ": " + java.util.Arrays.toString(counts));
        }
    }

    @Test
    void binaryLabelsFollowThePublishedModel() {
        Synthetic g = CLASSIFICATION;
        GeneratedColumns rows = GeneratedColumns.fill(g, 0, (int) g.rows());
        double[] s = scores(g, rows, 0);
        for (int r = 0; r < 1000; r += 97) {
            assertEquals(g.trueMargin(r), s[r], 1e-9 * (1 + Math.abs(s[r])), "trueMargin of row " + r);
        }
        int[] y = rows.ints("label");
        double eps = g.labelNoise();
        double[] p = new double[s.length];
        boolean[] hit = new boolean[s.length];
        for (int r = 0; r < s.length; r++) {
            p[r] = eps + (1 - 2 * eps) / (1 + Math.exp(-s[r]));
            hit[r] = y[r] == 1;
        }
        String[] report = new String[1];
        double bad = GeneratedColumns.miscalibration(p, hit, 20, report);
        assertTrue(bad <= 1, "labels do not follow the published model: " + report[0]);

        // the check has power: leaving out the categorical effects, or the label noise, is detected
        double[] withoutCategories = new double[s.length];
        Map<String, Double> w = g.trueCoefficients();
        for (int r = 0; r < s.length; r++) {
            double e = w.get("c0=" + rows.strings("c0")[r]) + w.get("c1=" + rows.strings("c1")[r]);
            withoutCategories[r] = eps + (1 - 2 * eps) / (1 + Math.exp(-(s[r] - e)));
        }
        assertTrue(GeneratedColumns.miscalibration(withoutCategories, hit, 20, report) > 2, "a wrong model should be detected");
        double[] noNoise = new double[s.length];
        for (int r = 0; r < s.length; r++) {
            noNoise[r] = 1 / (1 + Math.exp(-s[r]));
        }
        assertTrue(GeneratedColumns.miscalibration(noNoise, hit, 20, report) > 1.5, "missing label noise should be detected");

        // the true model ranks well: signal 2 gives a true AUC well above chance
        double auc = GeneratedColumns.auc(s, y);
        assertTrue(auc > 0.8 && auc < 0.9, "true-model AUC " + auc);
    }

    @Test
    void multiclassLabelsFollowThePublishedModel() {
        int k = 3;
        Synthetic g = Synthetic.multiclass(150_000).classes(k).numericFeatures(6).categoricalFeatures(1, 5).labelNoise(0.05).seed(9);
        GeneratedColumns rows = GeneratedColumns.fill(g, 0, (int) g.rows());
        int n = rows.rows;
        double[][] s = new double[k][];
        for (int c = 0; c < k; c++) {
            s[c] = scores(g, rows, c);
        }
        assertEquals(0.0, g.trueIntercept(0));
        assertTrue(g.trueCoefficients(0).values().stream().allMatch(v -> v == 0.0), "class 0 is the reference class");
        double[] direct = g.trueScores(12);
        for (int c = 0; c < k; c++) {
            assertEquals(direct[c], s[c][12], 1e-9);
        }
        int[] y = rows.ints("label");
        double eps = g.labelNoise();
        String[] report = new String[1];
        for (int c = 0; c < k; c++) {
            double[] p = new double[n];
            boolean[] hit = new boolean[n];
            for (int r = 0; r < n; r++) {
                double max = Math.max(s[0][r], Math.max(s[1][r], s[2][r]));
                double total = 0;
                for (int j = 0; j < k; j++) {
                    total += Math.exp(s[j][r] - max);
                }
                double clean = Math.exp(s[c][r] - max) / total;
                p[r] = (1 - eps) * clean + eps * (1 - clean) / (k - 1);
                hit[r] = y[r] == c;
            }
            assertTrue(GeneratedColumns.miscalibration(p, hit, 15, report) <= 1, "class " + c + ": " + report[0]);
        }
        assertThrows(IllegalStateException.class, g::trueCoefficients);
        assertThrows(IllegalStateException.class, () -> g.trueMargin(0));
        assertThrows(IndexOutOfBoundsException.class, () -> g.trueIntercept(3));
    }

    @Test
    void regressionResidualsHaveTheNoiseStandardDeviation() {
        Synthetic g = Synthetic.regression(100_000).numericFeatures(10).categoricalFeatures(1, 8).noise(0.5).seed(7);
        GeneratedColumns rows = GeneratedColumns.fill(g, 0, 100_000);
        double[] s = scores(g, rows, 0);
        double[] y = rows.doubles("label");
        double sum = 0;
        double sq = 0;
        double ss = 0;
        double s2 = 0;
        for (int r = 0; r < y.length; r++) {
            double e = y[r] - s[r];
            sum += e;
            sq += e * e;
            ss += s[r];
            s2 += s[r] * s[r];
        }
        double n = y.length;
        assertEquals(0, sum / n, 0.01, "mean residual");
        assertEquals(0.5, Math.sqrt(sq / n - (sum / n) * (sum / n)), 0.01, "residual standard deviation");
        double sd = Math.sqrt(s2 / n - (ss / n) * (ss / n));
        assertEquals(2.0, sd, 0.06, "standard deviation of the noiseless score (the signal)");
        assertEquals(g.trueMargin(77), s[77], 1e-9 * (1 + Math.abs(s[77])));
        Synthetic exact = Synthetic.regression(1_000).numericFeatures(3).noise(0).seed(1);
        GeneratedColumns e = GeneratedColumns.fill(exact, 0, 1_000);
        double[] es = scores(exact, e, 0);
        for (int r = 0; r < 1_000; r++) {
            assertEquals(es[r], e.doubles("label")[r], 1e-6, "without noise the label is the score (to six decimals), row " + r);
        }
    }

    @Test
    void featuresHaveTheirDocumentedDistributions() {
        Synthetic g = Synthetic.classification(100_000).numericFeatures(6).informativeFeatures(4).categoricalFeatures(1, 4).seed(3);
        GeneratedColumns rows = GeneratedColumns.fill(g, 0, 100_000);
        double[] means = {0, 10, -0.2, 200, 0, 2};
        double[] stds = {1, 5, 0.2, 50, 2, 1};
        for (int j = 0; j < 6; j++) {
            assertEquals(means[j], g.featureMean(j));
            assertEquals(stds[j], g.featureStd(j));
            double[] x = rows.doubles("f" + j);
            double m = java.util.Arrays.stream(x).average().orElseThrow();
            double v = java.util.Arrays.stream(x).map(t -> (t - m) * (t - m)).average().orElseThrow();
            assertEquals(means[j], m, 0.02 * stds[j], "mean of f" + j);
            assertEquals(stds[j], Math.sqrt(v), 0.02 * stds[j], "std of f" + j);
        }
        int[] levels = new int[4];
        for (String l : rows.strings("c0")) {
            levels[l.charAt(0) - 'a']++;
        }
        double h = 1 + 1 / 2.0 + 1 / 3.0 + 1 / 4.0;
        for (int l = 0; l < 4; l++) {
            assertEquals(1 / (l + 1.0) / h, levels[l] / 100_000.0, 0.008, "share of level " + Synthetic.levelName(l));
        }
        Map<String, Double> w = g.trueCoefficients();
        assertEquals(List.of("f0", "f1", "f2", "f3", "f4", "f5", "c0=a", "c0=b", "c0=c", "c0=d"), new ArrayList<>(w.keySet()));
        assertEquals(0.0, w.get("f4"));
        assertEquals(0.0, w.get("f5"));
        assertEquals(0.0, w.get("c0=a"), "the reference level");
        for (int j = 0; j < 4; j++) {
            double perStd = Math.abs(w.get("f" + j)) * g.featureStd(j);
            assertTrue(perStd > 0, "f" + j + " is informative");
        }
    }

    @Test
    void fillChecksItsArguments() {
        Synthetic g = Synthetic.classification(10).numericFeatures(2);
        List<VectorBuilder> ok = new ArrayList<>();
        for (var f : g.schema().fields()) {
            ok.add(VectorBuilder.forType(f.type(), 4));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(8, 3, ok));
        assertThrows(IndexOutOfBoundsException.class, () -> g.fill(-1, 1, ok));
        IllegalArgumentException few = assertThrows(IllegalArgumentException.class, () -> g.fill(0, 1, ok.subList(0, 2)));
        assertTrue(few.getMessage().contains("2 builders were given for the 3 columns"), few.getMessage());
        List<VectorBuilder> wrong = new ArrayList<>(ok);
        wrong.set(0, VectorBuilder.forType(DataType.INT64, 4));
        IllegalArgumentException type = assertThrows(IllegalArgumentException.class, () -> g.fill(0, 1, wrong));
        assertTrue(type.getMessage().contains("'f0' builds int64 but the column is float64"), type.getMessage());
        g.fill(0, 0, ok);
        assertEquals(0, ok.getFirst().size());
    }

    @Test
    void optionsAreCheckedWithClearMessages() {
        IllegalStateException notRegression = assertThrows(IllegalStateException.class,
                () -> Synthetic.regression(10).positiveRate(0.2));
        assertTrue(notRegression.getMessage().contains("positiveRate does not apply to regression"), notRegression.getMessage());
        assertThrows(IllegalStateException.class, () -> Synthetic.classification(10).noise(1));
        assertThrows(IllegalStateException.class, () -> Synthetic.classification(10).classes(3));
        assertThrows(IllegalStateException.class, () -> Synthetic.regression(10).labelNoise(0.1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.classification(-1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.classification(10).positiveRate(1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.classification(10).labelNoise(0.5));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.classification(10).categoricalFeatures(1, 1));
        assertThrows(IllegalArgumentException.class, () -> Synthetic.multiclass(10).classes(1));
        IllegalArgumentException noisy = assertThrows(IllegalArgumentException.class,
                () -> Synthetic.classification(10).positiveRate(0.1).labelNoise(0.2).trueIntercept());
        assertTrue(noisy.getMessage().contains("lower the label noise below 0.1"), noisy.getMessage());
        IllegalArgumentException informative = assertThrows(IllegalArgumentException.class,
                () -> Synthetic.classification(10).numericFeatures(3).informativeFeatures(5).trueCoefficients());
        assertTrue(informative.getMessage().contains("exceeds numericFeatures(3)"), informative.getMessage());
        // without features the intercept alone gives the rate: logit(0.25)
        assertEquals(Math.log(0.25 / 0.75), Synthetic.classification(10).numericFeatures(0).positiveRate(0.25).trueIntercept(), 1e-9);
        assertArrayEquals(new double[] {Math.log(0.25 / 0.75)},
                Synthetic.classification(10).numericFeatures(0).positiveRate(0.25).trueScores(3), 1e-9);
    }
}
