package org.spillway.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlightsTest {
    @TempDir
    Path tmp;

    private static final List<String> AIRPORTS = Flights.airports();

    /** The log-odds of every row from the published coefficients and the row's values. */
    private static double[] margins(GeneratedColumns rows) {
        Map<String, Double> w = Flights.trueCoefficients();
        int[] hour = rows.ints("hour");
        int[] dow = rows.ints("dow");
        int[] month = rows.ints("month");
        String[] origin = rows.strings("origin");
        String[] dest = rows.strings("dest");
        double[] logdist = rows.doubles("logdist");
        double[] m = new double[rows.rows];
        for (int r = 0; r < rows.rows; r++) {
            m[r] = Flights.trueIntercept() + w.get("hour=" + hour[r]) + w.get("dow=" + dow[r]) + w.get("month=" + month[r])
                    + w.get("origin=" + origin[r]) + w.get("dest=" + dest[r]) + w.get("logdist") * logdist[r];
        }
        return m;
    }

    @Test
    void valuesArePlausible() {
        GeneratedColumns rows = GeneratedColumns.fill(Flights.rows(100_000).seed(1), 0, 100_000);
        Map<String, Integer> origins = new HashMap<>();
        int[] byHour = new int[24];
        for (int r = 0; r < rows.rows; r++) {
            int h = rows.ints("hour")[r];
            assertTrue(h >= 0 && h <= 23, "hour " + h);
            byHour[h]++;
            int d = rows.ints("dow")[r];
            assertTrue(d >= 1 && d <= 7, "dow " + d);
            int m = rows.ints("month")[r];
            assertTrue(m >= 1 && m <= 12, "month " + m);
            String o = rows.strings("origin")[r];
            String t = rows.strings("dest")[r];
            assertTrue(AIRPORTS.contains(o) && AIRPORTS.contains(t), o + " -> " + t);
            assertNotEquals(o, t, "a flight goes somewhere else");
            origins.merge(o, 1, Integer::sum);
            double miles = Math.exp(rows.doubles("logdist")[r]);
            assertTrue(miles > 167 && miles < 5_500, o + " -> " + t + ": " + miles + " miles");
            assertEquals(rows.ints("label")[r] & ~1, 0);
        }
        assertTrue(AIRPORTS.size() >= 30 && AIRPORTS.size() <= 60, AIRPORTS.size() + " airports");
        assertEquals(AIRPORTS.size(), origins.size(), "every airport appears: " + origins.keySet());
        assertTrue(origins.get("ATL") > 4 * origins.get("BOI"), "popularity is skewed: " + origins);
        assertTrue(byHour[8] > 10 * byHour[3], "few flights at night");
        // a known route: JFK to LAX is about 2,475 great-circle miles
        for (int r = 0; r < rows.rows; r++) {
            if (rows.strings("origin")[r].equals("JFK") && rows.strings("dest")[r].equals("LAX")) {
                double miles = Math.exp(rows.doubles("logdist")[r]);
                assertEquals(1.05 * 2_475 + 10, miles, 30);
                return;
            }
        }
        throw new AssertionError("no JFK -> LAX flight in 100,000");
    }

    @Test
    void sameRowsWhateverTheBlockOrderThreadsAndFormat() throws Exception {
        Flights f = Flights.rows(40_000).seed(5);
        GeneratedColumns whole = GeneratedColumns.fill(f, 0, 40_000);
        GeneratedColumns.fillShuffled(f, 3_001, 3, 4).assertSame(whole);
        Path one = tmp.resolve("one.csv");
        Path four = tmp.resolve("four.csv");
        long bytes = f.threads(1).writeCsv(one);
        assertEquals(Files.size(one), bytes);
        f.threads(4).writeCsv(four);
        assertEquals(-1, Files.mismatch(one, four), "CSV bytes differ with the thread count");
        whole.assertCsvEquals(one);
        assertNotEquals(whole.doubles("logdist")[7], GeneratedColumns.fill(Flights.rows(40_000).seed(6), 0, 40_000).doubles("logdist")[7]);
    }

    @Test
    void labelsFollowThePublishedModelAtAboutTwentyPercent() {
        Flights f = Flights.rows(200_000).seed(1);
        GeneratedColumns rows = GeneratedColumns.fill(f, 0, 200_000);
        int[] y = rows.ints("label");
        double rate = java.util.Arrays.stream(y).average().orElseThrow();
        assertEquals(0.20, rate, 0.006, "delay rate");
        double[] m = margins(rows);
        for (int r = 0; r < 500; r += 37) {
            assertEquals(f.trueMargin(r), m[r], 1e-9, "trueMargin of row " + r);
        }
        double[] p = new double[m.length];
        boolean[] hit = new boolean[m.length];
        for (int r = 0; r < m.length; r++) {
            p[r] = 1 / (1 + Math.exp(-m[r]));
            hit[r] = y[r] == 1;
        }
        String[] report = new String[1];
        assertTrue(GeneratedColumns.miscalibration(p, hit, 20, report) <= 1, "labels do not follow the published model: " + report[0]);
        // the effects the documentation promises
        Map<String, Double> w = Flights.trueCoefficients();
        assertTrue(w.get("hour=19") > w.get("hour=7") + 1, "evenings are worse than mornings");
        assertTrue(w.get("month=7") > w.get("month=9") && w.get("month=12") > w.get("month=10"), "summer and December are worse");
        assertTrue(w.get("origin=EWR") > w.get("origin=SLC"), "EWR is congested");
        assertEquals(0.0, w.get("hour=0"));
        assertEquals(0.0, w.get("origin=ATL"));
        assertEquals(24 + 7 + 12 + 2 * AIRPORTS.size() + 1, w.size());
        double auc = GeneratedColumns.auc(m, y);
        assertTrue(auc > 0.67 && auc < 0.74, "true-model AUC " + auc);
    }

    /**
     * Learnable from the data alone: a logistic regression on one-hot columns (plain SGD, no use of the
     * true model) reaches nearly the true model's AUC on an independent test set.
     */
    @Test
    void aOneHotLogisticModelLearnsIt() {
        GeneratedColumns train = GeneratedColumns.fill(Flights.rows(120_000).seed(11), 0, 120_000);
        GeneratedColumns test = GeneratedColumns.fill(Flights.rows(60_000).seed(12), 0, 60_000);
        int airports = AIRPORTS.size();
        int dims = 24 + 7 + 12 + 2 * airports + 2; // + logdist + bias
        double[] logdist = train.doubles("logdist");
        double mean = java.util.Arrays.stream(logdist).average().orElseThrow();
        double sd = Math.sqrt(java.util.Arrays.stream(logdist).map(x -> (x - mean) * (x - mean)).average().orElseThrow());
        double[] w = new double[dims];
        int[] idx = new int[5]; // one level each of hour, dow, month, origin, dest
        java.util.Random shuffle = new java.util.Random(3);
        int n = train.rows;
        int[] order = java.util.stream.IntStream.range(0, n).toArray();
        for (int epoch = 0; epoch < 6; epoch++) {
            for (int i = n - 1; i > 0; i--) {
                int j = shuffle.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            double lr = 0.05 / (1 + epoch);
            for (int r : order) {
                double x = (train.doubles("logdist")[r] - mean) / sd;
                oneHot(train, r, idx);
                double z = w[dims - 1] + w[dims - 2] * x;
                for (int k : idx) {
                    z += w[k];
                }
                double g = 1 / (1 + Math.exp(-z)) - train.ints("label")[r];
                for (int k : idx) {
                    w[k] -= lr * g;
                }
                w[dims - 2] -= lr * g * x;
                w[dims - 1] -= lr * g;
            }
        }
        double[] score = new double[test.rows];
        for (int r = 0; r < test.rows; r++) {
            oneHot(test, r, idx);
            double z = w[dims - 1] + w[dims - 2] * (test.doubles("logdist")[r] - mean) / sd;
            for (int k : idx) {
                z += w[k];
            }
            score[r] = z;
        }
        int[] y = test.ints("label");
        double learned = GeneratedColumns.auc(score, y);
        double truth = GeneratedColumns.auc(margins(test), y);
        assertTrue(learned > 0.66, "learned AUC " + learned + " (true model " + truth + ")");
        assertTrue(learned > truth - 0.015, "learned AUC " + learned + " is far below the true model's " + truth);
        // and what it learned about hours matches the truth
        double[] trueHour = new double[24];
        double[] learnedHour = new double[24];
        for (int h = 0; h < 24; h++) {
            trueHour[h] = Flights.trueCoefficients().get("hour=" + h);
            learnedHour[h] = w[h];
        }
        assertTrue(correlation(trueHour, learnedHour) > 0.9, "hour effects: true " + java.util.Arrays.toString(trueHour)
                + ", learned " + java.util.Arrays.toString(learnedHour));
    }

    /** The one-hot positions of row {@code r}'s hour, dow, month, origin and dest. */
    private static void oneHot(GeneratedColumns rows, int r, int[] idx) {
        int airports = AIRPORTS.size();
        idx[0] = rows.ints("hour")[r];
        idx[1] = 24 + rows.ints("dow")[r] - 1;
        idx[2] = 31 + rows.ints("month")[r] - 1;
        idx[3] = 43 + AIRPORTS.indexOf(rows.strings("origin")[r]);
        idx[4] = 43 + airports + AIRPORTS.indexOf(rows.strings("dest")[r]);
    }

    private static double correlation(double[] a, double[] b) {
        double ma = java.util.Arrays.stream(a).average().orElseThrow();
        double mb = java.util.Arrays.stream(b).average().orElseThrow();
        double sab = 0;
        double saa = 0;
        double sbb = 0;
        for (int i = 0; i < a.length; i++) {
            sab += (a[i] - ma) * (b[i] - mb);
            saa += (a[i] - ma) * (a[i] - ma);
            sbb += (b[i] - mb) * (b[i] - mb);
        }
        return sab / Math.sqrt(saa * sbb);
    }

    @Test
    void checksRowsAndRanges() {
        assertThrows(IllegalArgumentException.class, () -> Flights.rows(-1));
        assertThrows(IndexOutOfBoundsException.class, () -> Flights.rows(10).trueMargin(10));
        assertThrows(IndexOutOfBoundsException.class, () -> GeneratedColumns.fill(Flights.rows(10), 5, 6));
        assertEquals(List.of("hour", "dow", "month", "origin", "dest", "logdist", "label"), Flights.rows(1).schema().names());
    }
}
