package org.spillway.datasets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Clusters of points around <em>known</em> centres, for testing clustering (as scikit-learn's
 * {@code make_blobs}): {@code k} centres drawn uniformly in the box {@code [-centerBox, centerBox]^dims}
 * (default 10), and {@code n} rows, each in a cluster drawn uniformly among the {@code k} and placed at
 * its centre plus independent normal noise of standard deviation {@code clusterStd} (default 1) per
 * coordinate.
 *
 * <pre>{@code
 * var blobs = new GaussianBlobs(5, 3, 1_000_000, 7);
 * DataFrame frame = sw.generate(blobs);       // x0, x1, x2 (float64), cluster (int32); no file
 * blobs.centers();                            // the 5 true centres
 * }</pre>
 *
 * <p>Columns: {@code x0 .. x<dims-1>} float64 and {@code cluster} int32, the true cluster of the row
 * ({@code 0 .. k-1}, the index into {@link #centers()}). Row {@code i} depends only on the settings,
 * the seed and {@code i}, so frames are the same at any parallelism; the values are the same on every
 * machine ({@link StrictMath}). The centres depend only on {@code k}, {@code dims}, {@code centerBox}
 * and the seed, not on {@code n} or {@code clusterStd}. Nothing keeps two centres apart: with many
 * clusters in few dimensions some overlap (check {@link #minCenterDistance()} against
 * {@code clusterStd}). Cost: about {@code dims} normal draws per row; immutable and thread-safe.
 */
public final class GaussianBlobs implements RowGenerator {
    /** The name of the true-cluster column. */
    public static final String CLUSTER = "cluster";

    private static final long CENTER_SALT = 0x43454E54L;
    private static final long ROW_SALT = 0x524F5753L;

    private final int k;
    private final int dims;
    private final long rows;
    private final long seed;
    private final double clusterStd;
    private final double centerBox;
    private final double[][] centers;
    private final Schema schema;

    /**
     * {@code n} rows in {@code k} clusters of {@code dims} features, cluster standard deviation 1,
     * centres in {@code [-10, 10]^dims}.
     *
     * @throws IllegalArgumentException if {@code k < 1}, {@code dims < 1} or {@code n < 0}
     */
    public GaussianBlobs(int k, int dims, long n, long seed) {
        this(k, dims, n, seed, 1.0, 10.0);
    }

    private GaussianBlobs(int k, int dims, long n, long seed, double clusterStd, double centerBox) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1: " + k);
        }
        if (dims < 1 || dims > 100_000) {
            throw new IllegalArgumentException("dims must be in 1..100000: " + dims);
        }
        if (n < 0) {
            throw new IllegalArgumentException("rows must be >= 0: " + n);
        }
        if (!(clusterStd >= 0) || Double.isInfinite(clusterStd)) {
            throw new IllegalArgumentException("clusterStd must be a finite number >= 0: " + clusterStd);
        }
        if (!(centerBox > 0) || Double.isInfinite(centerBox)) {
            throw new IllegalArgumentException("centerBox must be a finite number > 0: " + centerBox);
        }
        this.k = k;
        this.dims = dims;
        this.rows = n;
        this.seed = seed;
        this.clusterStd = clusterStd;
        this.centerBox = centerBox;
        RowRandom r = new RowRandom();
        long base = RowRandom.family(seed, CENTER_SALT);
        centers = new double[k][dims];
        for (int c = 0; c < k; c++) {
            r.start(base, c);
            for (int j = 0; j < dims; j++) {
                centers[c][j] = (2 * r.uniform() - 1) * centerBox;
            }
        }
        List<Field> fields = new ArrayList<>(dims + 1);
        for (int j = 0; j < dims; j++) {
            fields.add(new Field("x" + j, DataType.FLOAT64));
        }
        fields.add(new Field(CLUSTER, DataType.INT32));
        schema = new Schema(fields);
    }

    /** The same clusters with another noise standard deviation per coordinate (default 1). */
    public GaussianBlobs clusterStd(double sd) {
        return new GaussianBlobs(k, dims, rows, seed, sd, centerBox);
    }

    /** Centres drawn in {@code [-half, half]^dims} (default 10). */
    public GaussianBlobs centerBox(double half) {
        return new GaussianBlobs(k, dims, rows, seed, clusterStd, half);
    }

    /** The same clusters with {@code n} rows. */
    public GaussianBlobs withRows(long n) {
        return new GaussianBlobs(k, dims, n, seed, clusterStd, centerBox);
    }

    /** The true centres, {@code k} rows of {@code dims} values (a copy). */
    public double[][] centers() {
        double[][] out = new double[k][];
        for (int c = 0; c < k; c++) {
            out[c] = centers[c].clone();
        }
        return out;
    }

    /** The smallest euclidean distance between two true centres (infinite for one cluster). */
    public double minCenterDistance() {
        double min = Double.POSITIVE_INFINITY;
        for (int a = 0; a < k; a++) {
            for (int b = a + 1; b < k; b++) {
                double s = 0;
                for (int j = 0; j < dims; j++) {
                    double t = centers[a][j] - centers[b][j];
                    s += t * t;
                }
                min = Math.min(min, Math.sqrt(s));
            }
        }
        return min;
    }

    /** The number of clusters. */
    public int k() {
        return k;
    }

    /** The number of features. */
    public int dims() {
        return dims;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The noise standard deviation per coordinate. */
    public double clusterStd() {
        return clusterStd;
    }

    /** The names of the feature columns, {@code x0 .. x<dims-1>}. */
    public String[] featureNames() {
        String[] out = new String[dims];
        for (int j = 0; j < dims; j++) {
            out[j] = "x" + j;
        }
        return out;
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public long rows() {
        return rows;
    }

    /** {@inheritDoc} Runs on the calling thread. */
    @Override
    public void fill(long fromRow, int count, List<VectorBuilder> builders) {
        RowGenerator.checkFill(this, fromRow, count, builders);
        DoubleVectorBuilder[] x = new DoubleVectorBuilder[dims];
        for (int j = 0; j < dims; j++) {
            x[j] = (DoubleVectorBuilder) builders.get(j);
        }
        IntVectorBuilder cluster = (IntVectorBuilder) builders.get(dims);
        RowRandom r = new RowRandom();
        long base = RowRandom.family(seed, ROW_SALT);
        for (int i = 0; i < count; i++) {
            r.start(base, fromRow + i);
            int c = (int) Rng.below(r.next(), k);
            double[] centre = centers[c];
            for (int j = 0; j < dims; j++) {
                x[j].append(centre[j] + clusterStd * r.normal());
            }
            cluster.append(c);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "GaussianBlobs(k %d, %d dims, %d rows, seed %d, clusterStd %s, centerBox %s)", k, dims, rows,
                seed, clusterStd, centerBox);
    }
}
