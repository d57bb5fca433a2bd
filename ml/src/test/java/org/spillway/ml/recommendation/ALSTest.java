package org.spillway.ml.recommendation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.spillway.frame.Functions.col;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.SyntheticRatings;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Row;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.ml.MlException;
import org.spillway.ml.Model;
import org.spillway.ml.ModelIO;
import org.spillway.ml.ParamGridBuilder;
import org.spillway.ml.ParamMap;
import org.spillway.ml.Pipeline;
import org.spillway.ml.PipelineModel;
import org.spillway.ml.RegressionEvaluator;
import org.spillway.ml.TrainValidationSplit;
import org.spillway.ml.TuningResult;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

@SpillwayTest
class ALSTest {
    /** Sessions for this test; the extension closes them (and checks for leaks) after it. */
    SpillwaySessions sessions;

    @TempDir
    Path tmp;

    static final Schema RATINGS = Schema.of(new Field("userId", DataType.INT64), new Field("movieId", DataType.INT32),
            new Field("rating", DataType.FLOAT64));

    /** Ratings in index space plus the ids the frame uses: user index u has id 1000 + 7u, item index i has id 3i + 1. */
    record Data(int users, int items, int[] u, int[] i, double[] r) {
        long userId(int ux) {
            return 1000 + 7L * ux;
        }

        int itemId(int ix) {
            return 3 * ix + 1;
        }

        DataFrame frame(Spillway sw) {
            List<Object[]> rows = new ArrayList<>();
            for (int j = 0; j < r.length; j++) {
                rows.add(new Object[] {userId(u[j]), itemId(i[j]), r[j]});
            }
            return sw.createDataFrame(RATINGS, rows);
        }
    }

    /** Random sparse explicit ratings where every user and item has at least one rating. */
    static Data randomData(int users, int items, double density, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<int[]> pairs = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            pairs.add(new int[] {u, rnd.nextInt(items)});
        }
        for (int i = 0; i < items; i++) {
            pairs.add(new int[] {rnd.nextInt(users), i});
        }
        for (int u = 0; u < users; u++) {
            for (int i = 0; i < items; i++) {
                if (rnd.nextDouble() < density) {
                    pairs.add(new int[] {u, i});
                }
            }
        }
        // shuffle so the input is not in id order
        for (int j = pairs.size() - 1; j > 0; j--) {
            int k = rnd.nextInt(j + 1);
            int[] t = pairs.get(j);
            pairs.set(j, pairs.get(k));
            pairs.set(k, t);
        }
        int n = pairs.size();
        int[] u = new int[n];
        int[] i = new int[n];
        double[] r = new double[n];
        for (int j = 0; j < n; j++) {
            u[j] = pairs.get(j)[0];
            i[j] = pairs.get(j)[1];
            r[j] = 1 + rnd.nextInt(9) * 0.5;
        }
        return new Data(users, items, u, i, r);
    }

    // ---- a straightforward reference ------------------------------------------------------------

    /** One half-step by the textbook formulas: every destination from the fixed sources. */
    static double[][] referenceHalf(int nDst, int[] dstOf, int[] srcOf, double[] r, double[][] src, double lambda, boolean implicit,
                                    double alpha) {
        int k = src[0].length;
        double[][] gram = new double[k][k];
        if (implicit) {
            for (double[] y : src) {
                for (int a = 0; a < k; a++) {
                    for (int b = 0; b < k; b++) {
                        gram[a][b] += y[a] * y[b];
                    }
                }
            }
        }
        double[][] out = new double[nDst][];
        for (int d = 0; d < nDst; d++) {
            double[][] a = new double[k][k];
            double[] b = new double[k];
            int n = 0;
            for (int x = 0; x < k; x++) {
                a[x] = implicit ? gram[x].clone() : new double[k];
            }
            for (int j = 0; j < r.length; j++) {
                if (dstOf[j] != d) {
                    continue;
                }
                double[] y = src[srcOf[j]];
                double c = implicit ? 1 + alpha * Math.abs(r[j]) : 1;
                double p = implicit ? (r[j] > 0 ? 1 : 0) : r[j];
                for (int x = 0; x < k; x++) {
                    for (int z = 0; z < k; z++) {
                        a[x][z] += (implicit ? c - 1 : 1) * y[x] * y[z];
                    }
                    b[x] += c * p * y[x];
                }
                if (!implicit || r[j] > 0) {
                    n++;
                }
            }
            for (int x = 0; x < k; x++) {
                a[x][x] += lambda * n;
            }
            out[d] = org.spillway.ml.Reference.solve(a, b);
        }
        return out;
    }

    static double[][] rows(double[] flat, int k) {
        double[][] out = new double[flat.length / k][];
        for (int j = 0; j < out.length; j++) {
            out[j] = Arrays.copyOfRange(flat, j * k, (j + 1) * k);
        }
        return out;
    }

    static void assertClose(double[][] expected, ALSModel m, Data d, boolean users, double tol) {
        for (int j = 0; j < expected.length; j++) {
            double[] got = users ? m.userFactor(d.userId(j)) : m.itemFactor(d.itemId(j));
            for (int c = 0; c < got.length; c++) {
                assertEquals(expected[j][c], got[c], tol * Math.max(1, Math.abs(expected[j][c])),
                        (users ? "user " : "item ") + j + " factor " + c);
            }
        }
    }

    // ---- tests ------------------------------------------------------------------------------------

    @Test
    void eachHalfStepIsTheClosedFormRidgeSolution() {
        Spillway sw = sessions.open("64m", 2, 37); // small chunks: users straddle chunk boundaries
        Data d = randomData(23, 17, 0.25, 5);
        int k = 4;
        double lambda = 0.3;
        ALSModel m = new ALS().userCol("userId").itemCol("movieId").rank(k).maxIter(1).regParam(lambda).seed(9).fit(d.frame(sw));
        double[][] u0 = rows(ALS.initialFactors(d.users, k, 9, true, false), k);
        double[][] items = referenceHalf(d.items, d.i, d.u, d.r, u0, lambda, false, 0);
        assertClose(items, m, d, false, 1e-9);
        double[][] users = referenceHalf(d.users, d.u, d.i, d.r, items, lambda, false, 0);
        assertClose(users, m, d, true, 1e-9);
        // and after more iterations the last user step is still the ridge solution given the final items
        ALSModel m3 = new ALS().userCol("userId").itemCol("movieId").rank(k).maxIter(3).regParam(lambda).seed(9).fit(d.frame(sw));
        double[][] finalItems = new double[d.items][];
        for (int i = 0; i < d.items; i++) {
            finalItems[i] = m3.itemFactor(d.itemId(i));
        }
        assertClose(referenceHalf(d.users, d.u, d.i, d.r, finalItems, lambda, false, 0), m3, d, true, 1e-9);
        assertEquals(3, m3.summary().iterations());
        double[] h = m3.summary().objectiveHistory();
        assertTrue(h[2] <= h[0] + 1e-12, "the ALS objective does not increase: " + Arrays.toString(h));
    }

    @Test
    void predictionsAreDotProductsAndColdStartFollowsTheStrategy() {
        Spillway sw = sessions.open("64m", 2, 100);
        Data d = randomData(10, 8, 0.3, 11);
        ALSModel m = new ALS().userCol("userId").itemCol("movieId").rank(3).maxIter(4).seed(1).fit(d.frame(sw));
        Schema s = Schema.of(new Field("userId", DataType.INT64), new Field("movieId", DataType.INT32));
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {d.userId(2), d.itemId(3)});
        rows.add(new Object[] {999_999L, d.itemId(3)}); // unknown user
        rows.add(new Object[] {d.userId(1), 10_000}); // unknown item
        rows.add(new Object[] {null, d.itemId(1)}); // null user
        rows.add(new Object[] {d.userId(4), d.itemId(0)});
        DataFrame test = sw.createDataFrame(s, rows);
        double[] p = m.transform(test).doubleColumn("prediction");
        assertEquals(5, p.length);
        double[] uf = m.userFactor(d.userId(2));
        double[] vf = m.itemFactor(d.itemId(3));
        double dot = 0;
        for (int c = 0; c < 3; c++) {
            dot += uf[c] * vf[c];
        }
        assertEquals(dot, p[0], 1e-12);
        assertTrue(Double.isNaN(p[1]) && Double.isNaN(p[2]) && Double.isNaN(p[3]), Arrays.toString(p));
        assertEquals(m.predict(d.userId(4), d.itemId(0)), p[4], 0);
        assertEquals(DataType.FLOAT64, m.transform(test).type("prediction"));
        DataFrame dropped = m.coldStartStrategy("drop").transform(test);
        assertArrayEquals(new double[] {p[0], p[4]}, dropped.doubleColumn("prediction"), 0);
        ALSModel dropModel = new ALS().userCol("userId").itemCol("movieId").rank(3).maxIter(4).seed(1).coldStartStrategy("drop")
                .fit(d.frame(sw));
        assertEquals(2, dropModel.transform(test).count());
        assertNull(m.userFactor(999_999L));
    }

    @Test
    void rmseReachesTheNoiseFloorOnSyntheticRatings() {
        Spillway sw = sessions.open("128m", 2, 4096);
        SyntheticRatings g = new SyntheticRatings(400, 300, 4, 0.25, 7).ratings(40_000);
        DataFrame all = sw.generate(g);
        DataFrame[] parts = all.randomSplit(new double[] {0.8, 0.2}, 3);
        ALSModel m = new ALS().rank(4).maxIter(12).regParam(0.01).seed(2).coldStartStrategy("drop").fit(parts[0]);
        double test = new RegressionEvaluator().labelCol("rating").metricName("rmse").metric(m.transform(parts[1]));
        double train = new RegressionEvaluator().labelCol("rating").metricName("rmse").metric(m.transform(parts[0]));
        assertTrue(test < 0.25 * 1.12, "test RMSE " + test + " should be near the noise 0.25");
        assertTrue(train > 0.25 * 0.85 && train < 0.25 * 1.05, "training RMSE " + train + " should be near the noise 0.25");
        // the null model (predict 0) is far worse: the signal has variance 1
        assertTrue(m.summary().objective() < 0.1, "objective " + m.summary().objective());
    }

    @Test
    void implicitFeedbackEqualsTheReferenceAndRanksHeldOutPositivesFirst() {
        Spillway sw = sessions.open("64m", 2, 50);
        SyntheticRatings truth = new SyntheticRatings(60, 40, 3, 0, 4);
        SplittableRandom rnd = new SplittableRandom(8);
        List<int[]> observed = new ArrayList<>();
        List<Double> strength = new ArrayList<>();
        List<int[]> heldOut = new ArrayList<>();
        List<int[]> negatives = new ArrayList<>();
        for (int u = 0; u < 60; u++) {
            for (int i = 0; i < 40; i++) {
                double t = truth.trueRating(u, i);
                if (t > 0.4) {
                    if (rnd.nextDouble() < 0.8) {
                        observed.add(new int[] {u, i});
                        strength.add(1 + 3 * rnd.nextDouble());
                    } else {
                        heldOut.add(new int[] {u, i});
                    }
                } else {
                    negatives.add(new int[] {u, i});
                    if (rnd.nextDouble() < 0.03) { // a few observed zero/negative interactions
                        observed.add(new int[] {u, i});
                        strength.add(-1.0);
                    }
                }
            }
        }
        int n = observed.size();
        int[] uu = new int[n];
        int[] ii = new int[n];
        double[] rr = new double[n];
        for (int j = 0; j < n; j++) {
            uu[j] = observed.get(j)[0];
            ii[j] = observed.get(j)[1];
            rr[j] = strength.get(j);
        }
        // every user and item must be seen for the reference's numbering (ids 0..n-1 dense)
        assertEquals(60, Arrays.stream(uu).distinct().count());
        assertEquals(40, Arrays.stream(ii).distinct().count());
        Schema s = Schema.of(new Field("user", DataType.INT32), new Field("item", DataType.INT32), new Field("rating", DataType.FLOAT64));
        List<Object[]> rows = new ArrayList<>();
        for (int j = 0; j < n; j++) {
            rows.add(new Object[] {uu[j], ii[j], rr[j]});
        }
        int k = 3;
        double lambda = 0.05;
        double alpha = 2;
        int iters = 6;
        ALSModel m = new ALS().rank(k).maxIter(iters).regParam(lambda).implicitPrefs(true).alpha(alpha).seed(3)
                .fit(sw.createDataFrame(s, rows));
        double[][] u = rows(ALS.initialFactors(60, k, 3, true, false), k);
        double[][] v = null;
        for (int it = 0; it < iters; it++) {
            v = referenceHalf(40, ii, uu, rr, u, lambda, true, alpha);
            u = referenceHalf(60, uu, ii, rr, v, lambda, true, alpha);
        }
        for (int j = 0; j < 60; j++) {
            assertArrayEquals(u[j], m.userFactor(j), 1e-9, "user " + j);
        }
        for (int j = 0; j < 40; j++) {
            assertArrayEquals(v[j], m.itemFactor(j), 1e-9, "item " + j);
        }
        // AUC of held-out positives against negatives
        double wins = 0;
        for (int[] p : heldOut) {
            double sp = m.predict(p[0], p[1]);
            for (int[] q : negatives) {
                double sq = m.predict(q[0], q[1]);
                wins += sp > sq ? 1 : sp == sq ? 0.5 : 0;
            }
        }
        double auc = wins / ((double) heldOut.size() * negatives.size());
        assertTrue(heldOut.size() > 20, "held out " + heldOut.size());
        assertTrue(auc > 0.85, "AUC " + auc);
    }

    @Test
    void nonNegativeFactorsSatisfyTheOptimalityConditions() {
        Spillway sw = sessions.open("64m", 2, 64);
        Data d = randomData(30, 20, 0.3, 21);
        int k = 5;
        double lambda = 0.1;
        ALSModel m = new ALS().userCol("userId").itemCol("movieId").rank(k).maxIter(4).regParam(lambda).nonnegative(true).seed(4)
                .fit(d.frame(sw));
        double[][] items = new double[d.items][];
        for (int i = 0; i < d.items; i++) {
            items[i] = m.itemFactor(d.itemId(i));
            for (double x : items[i]) {
                assertTrue(x >= 0, "item factor " + x);
            }
        }
        int active = 0;
        for (int u = 0; u < d.users; u++) {
            double[] x = m.userFactor(d.userId(u));
            double[][] a = new double[k][k];
            double[] b = new double[k];
            int n = 0;
            for (int j = 0; j < d.r.length; j++) {
                if (d.u[j] == u) {
                    double[] y = items[d.i[j]];
                    for (int p = 0; p < k; p++) {
                        for (int q = 0; q < k; q++) {
                            a[p][q] += y[p] * y[q];
                        }
                        b[p] += d.r[j] * y[p];
                    }
                    n++;
                }
            }
            for (int p = 0; p < k; p++) {
                a[p][p] += lambda * n;
            }
            // KKT: x >= 0, gradient g = A x - b >= 0, and g_p = 0 where x_p > 0
            for (int p = 0; p < k; p++) {
                double g = -b[p];
                for (int q = 0; q < k; q++) {
                    g += a[p][q] * x[q];
                }
                double scale = 1e-9 * Math.max(1, Math.abs(b[p]));
                assertTrue(x[p] >= 0, "user factor " + x[p]);
                if (x[p] > 0) {
                    assertEquals(0, g, scale, "user " + u + " gradient at a free factor");
                } else {
                    active++;
                    assertTrue(g >= -scale, "user " + u + " gradient " + g + " at a zero factor");
                }
            }
        }
        assertTrue(active > 0, "the constraint never bound; the test proves nothing");
    }

    @Test
    void sameFactorsAtAnyParallelismAndSpilledOrInMemory() {
        SyntheticRatings g = new SyntheticRatings(3000, 800, 5, 0.3, 11).ratings(120_000);
        ALS als = new ALS().rank(5).maxIter(3).regParam(0.05).seed(6);
        Spillway one = sessions.open("256m", 1, 5000);
        Spillway two = sessions.open("256m", 2, 3000);
        Spillway tiny = sessions.open("3m", 2, 1000);
        ALSModel a = als.fit(one.generate(g));
        ALSModel b = als.fit(two.generate(g));
        long before = tiny.spilledBytes();
        ALSModel c = als.fit(tiny.generate(g));
        assertTrue(tiny.spilledBytes() > before, "the tiny session should have spilled");
        assertEquals(0, one.spilledBytes(), "the big session should not spill");
        for (ALSModel other : List.of(b, c)) {
            assertEquals(a.userCount(), other.userCount());
            for (int u = 0; u < 3000; u += 7) {
                assertArrayEquals(a.userFactor(u), other.userFactor(u), 0, "user " + u);
            }
            for (int i = 0; i < 800; i += 3) {
                assertArrayEquals(a.itemFactor(i), other.itemFactor(i), 0, "item " + i);
            }
            assertArrayEquals(a.summary().objectiveHistory(), other.summary().objectiveHistory(), 0);
        }
        // implicit and non-negative too
        ALS imp = new ALS().rank(4).maxIter(2).implicitPrefs(true).nonnegative(true).seed(6);
        ALSModel ia = imp.fit(one.generate(g.ratings(30_000)));
        ALSModel ic = imp.fit(tiny.generate(g.ratings(30_000)));
        for (int u = 0; u < 3000; u += 11) {
            assertArrayEquals(ia.userFactor(u), ic.userFactor(u), 0, "user " + u);
        }
    }

    @Test
    void recommendationsAreTheTopItemsInLongForm() {
        Spillway sw = sessions.open("64m", 2, 16);
        Data d = randomData(12, 9, 0.4, 31);
        ALSModel m = new ALS().userCol("userId").itemCol("movieId").rank(3).maxIter(3).seed(2).fit(d.frame(sw));
        DataFrame recs = m.recommendForAllUsers(4);
        assertEquals(List.of("userId", "movieId", "rating", "rank"), recs.columns());
        assertEquals(DataType.INT64, recs.type("userId"));
        assertEquals(DataType.INT32, recs.type("movieId"));
        List<Row> rows = recs.rows();
        assertEquals(12 * 4, rows.size());
        for (int u = 0; u < 12; u++) {
            long uid = d.userId(u);
            // brute force: every item's score, best first, ties by id
            List<double[]> scored = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                scored.add(new double[] {m.predict(uid, d.itemId(i)), d.itemId(i)});
            }
            scored.sort((x, y) -> x[0] != y[0] ? Double.compare(y[0], x[0]) : Double.compare(x[1], y[1]));
            for (int p = 0; p < 4; p++) {
                Row r = rows.get(u * 4 + p);
                assertEquals(uid, ((Number) r.get("userId")).longValue());
                assertEquals((int) scored.get(p)[1], ((Number) r.get("movieId")).intValue());
                assertEquals(scored.get(p)[0], (Double) r.get("rating"), 0);
                assertEquals(p + 1, ((Number) r.get("rank")).intValue());
            }
        }
        // more than there are items: every item once
        assertEquals(12 * 9, m.recommendForAllUsers(50).count());
        DataFrame byItem = m.recommendForAllItems(2);
        assertEquals(List.of("movieId", "userId", "rating", "rank"), byItem.columns());
        assertEquals(9 * 2, byItem.count());
        // a subset: unknown users and nulls are left out, duplicates count once
        Schema s = Schema.of(new Field("userId", DataType.INT64));
        List<Object[]> subset = new ArrayList<>();
        subset.add(new Object[] {d.userId(5)});
        subset.add(new Object[] {d.userId(2)});
        subset.add(new Object[] {d.userId(5)});
        subset.add(new Object[] {42L});
        subset.add(new Object[] {null});
        List<Row> sub = m.recommendForUserSubset(sw.createDataFrame(s, subset), 3).rows();
        assertEquals(6, sub.size());
        assertEquals(d.userId(2), ((Number) sub.get(0).get("userId")).longValue());
        assertEquals(d.userId(5), ((Number) sub.get(3).get("userId")).longValue());
        assertEquals(rows.get(5 * 4).get("movieId"), sub.get(3).get("movieId"));
        // factors as frames
        DataFrame uf = m.userFactors();
        assertEquals(List.of("id", "f0", "f1", "f2"), uf.columns());
        assertEquals(12, uf.count());
        Row first = uf.head(1).getFirst();
        assertEquals(d.userId(0), ((Number) first.get("id")).longValue());
        assertEquals(m.userFactor(d.userId(0))[1], (Double) first.get("f1"), 0);
        assertEquals(9, m.itemFactors().count());
        assertEquals(3, m.rank());
        assertThrows(MlException.class, () -> m.recommendForAllUsers(0));
    }

    @Test
    void saveAndLoadRoundTrip() {
        Spillway sw = sessions.open("64m", 2, 100);
        Data d = randomData(15, 11, 0.3, 41);
        DataFrame ratings = d.frame(sw);
        ALSModel m = new ALS().userCol("userId").itemCol("movieId").rank(3).maxIter(3).seed(2).coldStartStrategy("drop").fit(ratings);
        Path file = tmp.resolve("als.json");
        m.save(file);
        ALSModel back = ALSModel.load(file);
        Model viaModelIo = ModelIO.load(file);
        assertTrue(viaModelIo instanceof ALSModel);
        assertEquals("drop", back.coldStartStrategy());
        assertEquals(m.rank(), back.rank());
        assertArrayEquals(m.transform(ratings).doubleColumn("prediction"), back.transform(ratings).doubleColumn("prediction"), 0);
        assertArrayEquals(m.summary().objectiveHistory(), back.summary().objectiveHistory(), 0);
        MlException noSession = assertThrows(MlException.class, () -> back.recommendForAllUsers(2));
        assertTrue(noSession.getMessage().contains("recommendForAllUsers(sw, ...)"), noSession.getMessage());
        assertEquals(m.recommendForAllUsers(2).rows(), back.recommendForAllUsers(sw, 2).rows());
    }

    @Test
    void worksInPipelinesAndTrainValidationSplit() {
        Spillway sw = sessions.open("128m", 2, 2048);
        DataFrame ratings = sw.generate(new SyntheticRatings(200, 150, 3, 0.2, 5).ratings(12_000));
        PipelineModel pm = new Pipeline(new ALS().rank(3).maxIter(5).regParam(0.01).coldStartStrategy("drop")).fit(ratings);
        assertEquals(12_000, pm.transform(ratings).count());
        List<ParamMap> grid = new ParamGridBuilder().addGrid("rank", 1, 3).build();
        TuningResult<ALSModel> r = new TrainValidationSplit<ALSModel>(p -> new ALS().rank(p.getInt("rank")).maxIter(8)
                .regParam(0.01).coldStartStrategy("drop"), grid, new RegressionEvaluator().labelCol("rating").metricName("rmse"))
                .seed(1).fit(ratings);
        assertEquals(3, r.bestParams().getInt("rank"), r.toString());
        assertEquals(3, r.bestModel().rank());
        assertTrue(r.bestMetric() < 0.3, r.toString());
    }

    @Test
    void badInputIsAnErrorNamingTheColumnAndRow() {
        Spillway sw = sessions.open("64m", 2, 2);
        Schema s = Schema.of(new Field("user", DataType.INT32), new Field("item", DataType.FLOAT64), new Field("rating", DataType.FLOAT64));
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {1, 1.0, 4.0});
        rows.add(new Object[] {2, 2.0, 3.0});
        rows.add(new Object[] {3, 3.0, 5.0});
        rows.add(new Object[] {1, 2.0, Double.NaN});
        MlException nan = assertThrows(MlException.class, () -> new ALS().fit(sw.createDataFrame(s, rows)));
        assertTrue(nan.getMessage().contains("rating column 'rating' holds NaN at row 3"), nan.getMessage());
        rows.set(3, new Object[] {1, 2.0, null});
        MlException nul = assertThrows(MlException.class, () -> new ALS().fit(sw.createDataFrame(s, rows)));
        assertTrue(nul.getMessage().contains("rating column 'rating' holds null") && nul.getMessage().contains("at row 3"), nul.getMessage());
        rows.set(3, new Object[] {1, 2.5, 1.0});
        MlException frac = assertThrows(MlException.class, () -> new ALS().fit(sw.createDataFrame(s, rows)));
        assertTrue(frac.getMessage().contains("item column 'item' holds 2.5, which is not an integer id at row 3"), frac.getMessage());
        rows.set(3, new Object[] {null, 2.0, 1.0});
        MlException nullId = assertThrows(MlException.class, () -> new ALS().fit(sw.createDataFrame(s, rows)));
        assertTrue(nullId.getMessage().contains("user column 'user' holds null") && nullId.getMessage().contains("at row 3"),
                nullId.getMessage());
        // float64 ids holding whole numbers are fine
        rows.set(3, new Object[] {1, 2.0, 1.0});
        assertEquals(3, new ALS().rank(2).maxIter(2).fit(sw.createDataFrame(s, rows)).itemCount());
        Schema strings = Schema.of(new Field("user", DataType.STRING), new Field("item", DataType.INT32),
                new Field("rating", DataType.FLOAT64));
        MlException str = assertThrows(MlException.class, () -> new ALS().fit(sw.createDataFrame(strings,
                List.<Object[]>of(new Object[] {"ann", 1, 2.0}))));
        assertTrue(str.getMessage().contains("user column 'user' is string") && str.getMessage().contains("denseRank"), str.getMessage());
        MlException rank = assertThrows(MlException.class, () -> new ALS().rank(0));
        assertTrue(rank.getMessage().contains("rank = 0"), rank.getMessage());
        assertThrows(MlException.class, () -> new ALS().coldStartStrategy("skip"));
        assertThrows(MlException.class, () -> new ALS().regParam(-1));
        assertThrows(org.spillway.frame.ColumnNotFoundException.class, () -> new ALS().userCol("nope").fit(sw.createDataFrame(s, rows)));
        MlException empty = assertThrows(MlException.class, () -> new ALS().fit(sw.createDataFrame(s, List.of())));
        assertTrue(empty.getMessage().contains("empty"), empty.getMessage());
        // a singular system (no regularisation, fewer ratings than factors) names the user
        MlException singular = assertThrows(MlException.class, () -> new ALS().rank(3).regParam(0).fit(sw.createDataFrame(s, rows)));
        assertTrue(singular.getMessage().contains("singular"), singular.getMessage());
    }

    @Test
    void syntheticRatingsAreDeterministicLowRankPlusNoise() {
        Spillway sw = sessions.open("64m", 2, 1000);
        SyntheticRatings g = new SyntheticRatings(50, 30, 3, 0.5, 1).ratings(5000);
        DataFrame a = sw.generate(g);
        Spillway other = sessions.open("64m", 1, 333);
        DataFrame b = other.generate(g);
        assertEquals(a.rows(), b.rows());
        int[] users = a.intColumn("user");
        int[] items = a.intColumn("item");
        double[] r = a.doubleColumn("rating");
        double sse = 0;
        double ss = 0;
        TreeSet<Integer> seenUsers = new TreeSet<>();
        for (int j = 0; j < r.length; j++) {
            assertEquals(j % 50, users[j]);
            seenUsers.add(users[j]);
            double t = g.trueRating(users[j], items[j]);
            sse += (r[j] - t) * (r[j] - t);
            ss += t * t;
        }
        assertEquals(0.5, Math.sqrt(sse / r.length), 0.03, "the noise has the asked standard deviation");
        assertEquals(1.0, ss / r.length, 0.2, "true ratings have variance about 1");
        assertEquals(50, seenUsers.size());
        assertTrue(Arrays.stream(items).allMatch(i -> i >= 0 && i < 30));
        // another row seed: same model, other rows
        assertTrue(!Arrays.equals(items, sw.generate(g.rowSeed(1)).intColumn("item")));
        assertArrayEquals(g.trueItemFactor(3), g.rowSeed(1).trueItemFactor(3), 0);
        assertEquals(DataType.FLOAT64, a.type("rating"));
        assertTrue(a.filter(col("rating").isNaN()).count() == 0);
    }
}
