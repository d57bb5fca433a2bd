package org.spillway.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.spillway.datasets.GaussianBlobs;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Spillway;
import org.spillway.frame.testkit.SpillwaySessions;
import org.spillway.frame.testkit.SpillwayTest;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;

/** k-means against a plain Lloyd implementation, on known clusters, at two parallelisms, spilled, saved and tuned. */
@SpillwayTest
class KMeansTest {
    SpillwaySessions sessions;
    @TempDir
    Path dir;

    static final String[] X3 = {"x0", "x1", "x2"};

    /** The rows of the feature columns, row by row. */
    static double[][] points(DataFrame f, String... cols) {
        double[][] byCol = new double[cols.length][];
        for (int j = 0; j < cols.length; j++) {
            byCol[j] = f.doubleColumn(cols[j]);
        }
        double[][] out = new double[byCol[0].length][cols.length];
        for (int i = 0; i < out.length; i++) {
            for (int j = 0; j < cols.length; j++) {
                out[i][j] = byCol[j][i];
            }
        }
        return out;
    }

    static double sq(double[] a, double[] b) {
        double s = 0;
        for (int j = 0; j < a.length; j++) {
            s += (a[j] - b[j]) * (a[j] - b[j]);
        }
        return s;
    }

    static int nearest(double[] x, double[][] c) {
        int best = 0;
        for (int k = 1; k < c.length; k++) {
            if (sq(x, c[k]) < sq(x, c[best])) {
                best = k;
            }
        }
        return best;
    }

    /** A straightforward Lloyd: exact distances, means, empty clusters kept, stop when no centre moves more than tol. */
    record Ref(double[][] centers, double cost, long[] sizes, int iterations) {
    }

    static Ref lloyd(double[][] x, double[][] init, int maxIter, double tol) {
        int k = init.length;
        int d = init[0].length;
        double[][] c = new double[k][];
        for (int i = 0; i < k; i++) {
            c[i] = init[i].clone();
        }
        int iter = 0;
        boolean converged = false;
        while (iter < maxIter && !converged) {
            double[][] sum = new double[k][d];
            long[] n = new long[k];
            for (double[] p : x) {
                int b = nearest(p, c);
                n[b]++;
                for (int j = 0; j < d; j++) {
                    sum[b][j] += p[j];
                }
            }
            converged = true;
            for (int i = 0; i < k; i++) {
                if (n[i] == 0) {
                    continue;
                }
                double[] next = new double[d];
                for (int j = 0; j < d; j++) {
                    next[j] = sum[i][j] / n[i];
                }
                if (sq(next, c[i]) > tol * tol) {
                    converged = false;
                }
                c[i] = next;
            }
            iter++;
        }
        double cost = 0;
        long[] sizes = new long[k];
        for (double[] p : x) {
            int b = nearest(p, c);
            sizes[b]++;
            cost += sq(p, c[b]);
        }
        return new Ref(c, cost, sizes, iter);
    }

    @Test
    void costAndCentresEqualAPlainLloydFromTheSameStart() {
        Spillway sw = sessions.open("64m", 2, 1000);
        GaussianBlobs blobs = new GaussianBlobs(6, 3, 8_000, 5).clusterStd(2.5);
        DataFrame f = sw.generate(blobs);
        double[][] x = points(f, X3);
        for (String mode : new String[] {"random", "k-means||"}) {
            // the start: what initMode gives, read back from a model of no iterations
            KMeansModel start = new KMeans().k(6).seed(3).initMode(mode).maxIter(0).featuresCols(X3).fit(f);
            double[][] init = start.clusterCenters();
            assertEquals(0, start.summary().numIter());
            Ref ref0 = lloyd(x, init, 0, 0);
            assertEquals(ref0.cost, start.summary().trainingCost(), 1e-9 * ref0.cost, mode + ": cost of the start");
            for (int maxIter : new int[] {1, 3, 50}) {
                KMeansModel m = new KMeans().initialCenters(init).maxIter(maxIter).tol(1e-4).featuresCols(X3).fit(f);
                Ref ref = lloyd(x, init, maxIter, 1e-4);
                assertEquals(ref.cost, m.summary().trainingCost(), 1e-9 * ref.cost, mode + " maxIter " + maxIter + ": cost");
                assertEquals(ref.iterations, m.summary().numIter(), mode + " maxIter " + maxIter + ": iterations");
                assertArrayEquals(ref.sizes, m.summary().clusterSizes());
                for (int c = 0; c < 6; c++) {
                    assertArrayEquals(ref.centers[c], m.clusterCenters()[c], 1e-9, "centre " + c);
                }
                // the same start through initMode and the seed gives the same model
                if (maxIter == 50) {
                    KMeansModel direct = new KMeans().k(6).seed(3).initMode(mode).maxIter(50).featuresCols(X3).fit(f);
                    assertTrue(Arrays.deepEquals(m.clusterCenters(), direct.clusterCenters()));
                    assertTrue(m.summary().converged(), "50 iterations converge here");
                }
            }
        }
    }

    @Test
    void recoversTheCentresOfGaussianBlobs() {
        Spillway sw = sessions.open("64m", 2, 4096);
        GaussianBlobs blobs = new GaussianBlobs(8, 4, 40_000, 21);
        assertTrue(blobs.minCenterDistance() > 5, "precondition: separated blobs, " + blobs.minCenterDistance());
        DataFrame f = sw.generate(blobs);
        KMeansModel m = new KMeans().k(8).seed(1).maxIter(50).featuresCols(blobs.featureNames()).fit(f);
        double[][] found = m.clusterCenters();
        int[] match = new int[8];
        for (int c = 0; c < 8; c++) {
            match[c] = nearest(blobs.centers()[c], found);
            assertTrue(Math.sqrt(sq(blobs.centers()[c], found[match[c]])) < 0.1, "true centre " + c + " is near a found one");
        }
        assertEquals(8, Arrays.stream(match).distinct().count(), "one found centre per true one");
        // the predictions agree with the true clusters, up to the renumbering
        DataFrame pred = m.transform(f);
        assertEquals(DataType.INT32, pred.type("prediction"));
        int[] truth = pred.intColumn("cluster");
        int[] p = pred.intColumn("prediction");
        int agree = 0;
        for (int i = 0; i < p.length; i++) {
            agree += match[truth[i]] == p[i] ? 1 : 0;
        }
        assertTrue(agree > 0.999 * p.length, agree + " of " + p.length + " rows in their true cluster");
        long[] sizes = m.summary().clusterSizes();
        assertEquals(40_000, Arrays.stream(sizes).sum());
        for (int c = 0; c < 8; c++) {
            int cc = c;
            assertEquals(sizes[c], Arrays.stream(p).filter(v -> v == cc).count(), "size of cluster " + c);
        }
        // the cost is about rows x dims x std^2
        assertEquals(40_000 * 4.0, m.summary().trainingCost(), 40_000 * 4.0 * 0.03);
    }

    private static KMeansModel fitBlobs(Spillway sw, GaussianBlobs blobs, String mode) {
        DataFrame f = sw.generate(blobs);
        return new KMeans().k(blobs.k()).seed(9).initMode(mode).maxIter(30).featuresCols(blobs.featureNames()).fit(f);
    }

    @Test
    void parallelismOneAndTwoGiveTheSameModel() {
        GaussianBlobs blobs = new GaussianBlobs(10, 5, 30_000, 4).clusterStd(4);
        for (String mode : new String[] {"k-means||", "random"}) {
            KMeansModel one = fitBlobs(sessions.open("64m", 1, 1000), blobs, mode);
            KMeansModel two = fitBlobs(sessions.open("64m", 2, 1000), blobs, mode);
            assertTrue(Arrays.deepEquals(one.clusterCenters(), two.clusterCenters()), mode);
            assertEquals(one.summary().trainingCost(), two.summary().trainingCost(), 0.0);
            assertArrayEquals(one.summary().costHistory(), two.summary().costHistory(), 0.0);
            assertArrayEquals(one.summary().clusterSizes(), two.summary().clusterSizes());
        }
    }

    @Test
    void spilledEqualsInMemory() {
        GaussianBlobs blobs = new GaussianBlobs(7, 6, 120_000, 8).clusterStd(3);
        KMeansModel inMemory = fitBlobs(sessions.open("256m", 2, 2000), blobs, "k-means||");
        Spillway tiny = sessions.open("2m", 2, 2000);
        KMeansModel spilled = fitBlobs(tiny, blobs, "k-means||");
        assertTrue(tiny.budget().spilledBytes() > 0, "5.8 MB of features under a 2 MB limit must spill: " + tiny.memoryReport());
        assertTrue(Arrays.deepEquals(inMemory.clusterCenters(), spilled.clusterCenters()));
        assertEquals(inMemory.summary().trainingCost(), spilled.summary().trainingCost(), 0.0);
        assertArrayEquals(inMemory.summary().clusterSizes(), spilled.summary().clusterSizes());
    }

    @Test
    void anEmptyClusterKeepsItsCentreAndRepeatedChunksAreHandled() {
        Spillway sw = sessions.open("64m", 2, 500);
        GaussianBlobs blobs = new GaussianBlobs(3, 3, 3_000, 13);
        DataFrame f = sw.generate(blobs);
        double[][] init = new KMeans().k(3).seed(1).initMode("random").maxIter(0).featuresCols(X3).fit(f).clusterCenters();
        double[][] withFar = {init[0], init[1], init[2], {1000, 1000, 1000}};
        KMeansModel m = new KMeans().initialCenters(withFar).featuresCols(X3).fit(f);
        assertArrayEquals(new double[] {1000, 1000, 1000}, m.clusterCenters()[3], 0.0, "no row is near it: it stays (as in Spark)");
        assertEquals(0, m.summary().clusterSizes()[3]);
        assertEquals(lloyd(points(f, X3), withFar, 20, 1e-4).cost, m.summary().trainingCost(), 1e-9 * m.summary().trainingCost());
        // the same rows twice: chunks of equal values share a fingerprint, and every row still has its own draws
        DataFrame twice = f.union(f).collect();
        for (String mode : new String[] {"k-means||", "random"}) {
            KMeansModel a = new KMeans().k(3).seed(5).initMode(mode).featuresCols(X3).fit(twice);
            Spillway one = sessions.open("64m", 1, 500);
            KMeansModel b = new KMeans().k(3).seed(5).initMode(mode).featuresCols(X3).fit(one.generate(blobs).union(one.generate(blobs))
                    .collect());
            assertEquals(6_000, Arrays.stream(a.summary().clusterSizes()).sum());
            assertEquals(a.summary().trainingCost(), b.summary().trainingCost(), 0.0, mode);
        }
    }

    @Test
    void saveAndLoad() {
        Spillway sw = sessions.open("64m", 2, 1000);
        GaussianBlobs blobs = new GaussianBlobs(4, 3, 5_000, 2);
        DataFrame f = sw.generate(blobs);
        KMeansModel m = new KMeans().k(4).seed(2).featuresCols(X3).predictionCol("segment").fit(f);
        Path file = dir.resolve("kmeans.json");
        m.save(file);
        KMeansModel back = KMeansModel.load(file.toString());
        assertTrue(Arrays.deepEquals(m.clusterCenters(), back.clusterCenters()));
        assertEquals(m.summary(), back.summary());
        assertEquals("segment", back.predictionCol());
        assertArrayEquals(m.transform(f).intColumn("segment"), back.transform(f).intColumn("segment"));
        assertTrue(Models.load(file) instanceof KMeansModel);
        // one row at a time, as PipelineModel.transformRow does
        double[] x = {1, 2, 3};
        assertEquals(m.predict(x), back.transformRow(java.util.Map.of("x0", 1.0, "x1", 2, "x2", 3L)).get("segment"));
    }

    @Test
    void worksInAPipelineAndInHyperparameterSearch() {
        Spillway sw = sessions.open("64m", 2, 1000);
        GaussianBlobs blobs = new GaussianBlobs(4, 3, 4_000, 6).clusterStd(0.3);
        assertTrue(blobs.minCenterDistance() > 5, "precondition: separated blobs, " + blobs.minCenterDistance());
        DataFrame f = sw.generate(blobs).drop(GaussianBlobs.CLUSTER);
        PipelineModel pm = new Pipeline(new StandardScaler().inputCols(X3), new KMeans().k(4).seed(1)).fit(f);
        DataFrame out = pm.transform(f);
        assertEquals(4, Arrays.stream(out.intColumn("prediction")).distinct().count());
        Path file = dir.resolve("pipeline.json");
        pm.save(file);
        assertArrayEquals(out.intColumn("prediction"), Models.load(file, PipelineModel.class).transform(f).intColumn("prediction"));

        List<ParamMap> grid = new ParamGridBuilder().addGrid("k", 2, 4, 7).build();
        ClusteringEvaluator eval = new ClusteringEvaluator().featuresCols(X3);
        TuningResult<KMeansModel> tvs = new TrainValidationSplit<KMeansModel>(p -> new KMeans().k(p.getInt("k")).seed(1).featuresCols(X3),
                grid, eval).fit(f);
        assertEquals(4, tvs.bestParams().getInt("k"), "four blobs: " + tvs);
        TuningResult<KMeansModel> cv = new CrossValidator<KMeansModel>(p -> new KMeans().k(p.getInt("k")).seed(1).featuresCols(X3),
                grid, eval).numFolds(2).fit(f);
        assertEquals(4, cv.bestParams().getInt("k"), "four blobs: " + cv);
        assertEquals(4, cv.bestModel().k());
    }

    /** The silhouette by its definition, in O(n^2). */
    static double bruteSilhouette(double[][] x, int[] cl) {
        int k = Arrays.stream(cl).max().orElseThrow() + 1;
        long[] size = new long[k];
        for (int c : cl) {
            size[c]++;
        }
        double total = 0;
        for (int i = 0; i < x.length; i++) {
            if (size[cl[i]] == 1) {
                continue;
            }
            double[] sum = new double[k];
            for (int j = 0; j < x.length; j++) {
                sum[cl[j]] += sq(x[i], x[j]);
            }
            double a = sum[cl[i]] / (size[cl[i]] - 1);
            double b = Double.POSITIVE_INFINITY;
            for (int c = 0; c < k; c++) {
                if (c != cl[i] && size[c] > 0) {
                    b = Math.min(b, sum[c] / size[c]);
                }
            }
            total += (b - a) / Math.max(a, b);
        }
        return total / x.length;
    }

    @Test
    void silhouetteEqualsTheBruteForceDefinition() {
        Spillway sw = sessions.open("64m", 2, 100);
        GaussianBlobs blobs = new GaussianBlobs(3, 3, 600, 12).clusterStd(3);
        DataFrame f = sw.generate(blobs);
        KMeansModel m = new KMeans().k(3).seed(4).featuresCols(X3).fit(f);
        DataFrame pred = m.transform(f);
        ClusteringMetrics got = new ClusteringEvaluator().featuresCols(X3).evaluate(pred);
        double want = bruteSilhouette(points(f, X3), pred.intColumn("prediction"));
        assertEquals(want, got.silhouette(), 1e-9 * Math.abs(want));
        assertEquals(600, got.rows());
        // the true clusters, as int32 ids, with every other column but them as features by default
        double wantTrue = bruteSilhouette(points(f, X3), f.intColumn("cluster"));
        assertEquals(wantTrue, new ClusteringEvaluator().predictionCol("cluster").evaluate(f).silhouette(), 1e-9);
        // a cluster of one row scores 0, an empty cluster id is skipped
        Schema s = Schema.of(new Field("a", DataType.FLOAT64), new Field("b", DataType.FLOAT64), new Field("c", DataType.INT64));
        double[][] pts = {{0, 0}, {0, 1}, {1, 0}, {9, 9}, {10, 9}, {30, 30}, {0.5, 0.5}};
        int[] ids = {0, 0, 0, 2, 2, 5, 2};
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < pts.length; i++) {
            rows.add(new Object[] {pts[i][0], pts[i][1], (long) ids[i]});
        }
        double small = new ClusteringEvaluator().predictionCol("c").evaluate(sw.createDataFrame(s, rows)).silhouette();
        assertEquals(bruteSilhouette(pts, ids), small, 1e-12);
    }

    @Test
    void badInputIsAnErrorNamingColumnAndRow() {
        Spillway sw = sessions.open("64m", 2, 4);
        Schema s = Schema.of(new Field("a", DataType.FLOAT64), new Field("b", DataType.INT32), new Field("name", DataType.STRING));
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            rows.add(new Object[] {i * 1.0, i, "r" + i});
        }
        rows.set(6, new Object[] {Double.NaN, 6, "r6"});
        DataFrame nan = sw.createDataFrame(s, rows);
        MlException e = assertThrows(MlException.class, () -> new KMeans().featuresCols("a", "b").fit(nan));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("NaN") && e.getMessage().contains("row 6"), e.getMessage());
        rows.set(6, new Object[] {6.0, null, "r6"});
        DataFrame nulls = sw.createDataFrame(s, rows);
        e = assertThrows(MlException.class, () -> new KMeans().featuresCols("a", "b").fit(nulls));
        assertTrue(e.getMessage().contains("'b'") && e.getMessage().contains("null") && e.getMessage().contains("row 6"), e.getMessage());
        rows.set(6, new Object[] {6.0, 6, "r6"});
        DataFrame ok = sw.createDataFrame(s, rows);
        e = assertThrows(MlException.class, () -> new KMeans().k(11).featuresCols("a", "b").fit(ok));
        assertTrue(e.getMessage().contains("k = 11") && e.getMessage().contains("10 rows"), e.getMessage());
        e = assertThrows(MlException.class, () -> new KMeans().k(1));
        assertTrue(e.getMessage().contains("k = 1"), e.getMessage());
        assertThrows(ColumnNotFoundException.class, () -> new KMeans().featuresCols("a", "nope").fit(ok));
        e = assertThrows(MlException.class, () -> new KMeans().fit(ok));
        assertTrue(e.getMessage().contains("'name'") && e.getMessage().contains("strings"), e.getMessage());
        assertThrows(MlException.class, () -> new KMeans().initMode("kmeans++"));
        assertThrows(MlException.class, () -> new KMeans().distanceMeasure("cosine"));
        assertThrows(MlException.class, () -> new KMeans().featuresCols("a", "b").initialCenters(new double[][] {{1, 2, 3}, {4, 5, 6}})
                .fit(ok));
        // a model's transform gives null for a row with a null or NaN feature
        KMeansModel m = new KMeans().k(2).featuresCols("a", "b").fit(ok);
        rows.set(3, new Object[] {Double.NaN, 3, "r3"});
        rows.set(6, new Object[] {6.0, null, "r6"});
        List<Object> pred = m.transform(sw.createDataFrame(s, rows)).column("prediction");
        assertEquals(null, pred.get(3));
        assertEquals(null, pred.get(6));
        assertTrue(pred.get(0) instanceof Integer);
        // the evaluator: one cluster only, a negative id
        Schema ps = Schema.of(new Field("a", DataType.FLOAT64), new Field("prediction", DataType.INT32));
        DataFrame one = sw.createDataFrame(ps, List.of(new Object[] {1.0, 0}, new Object[] {2.0, 0}));
        e = assertThrows(MlException.class, () -> new ClusteringEvaluator().evaluate(one));
        assertTrue(e.getMessage().contains("two clusters"), e.getMessage());
        DataFrame neg = sw.createDataFrame(ps, List.of(new Object[] {1.0, 0}, new Object[] {2.0, -1}));
        e = assertThrows(MlException.class, () -> new ClusteringEvaluator().evaluate(neg));
        assertTrue(e.getMessage().contains("row 1") && e.getMessage().contains("-1"), e.getMessage());
    }
}
