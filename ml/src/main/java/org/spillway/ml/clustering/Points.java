package org.spillway.ml.clustering;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.ml.FeatureLayout;
import org.spillway.ml.MlException;
import org.spillway.ml.linear.Vectors;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;

/**
 * A clustering learner's view of its input: the feature columns collected once into the session's
 * chunk store (which spills past the memory limit; an already collected frame is used as it is),
 * checked by a first parallel pass that fails, naming the column and row, on a null, NaN or
 * infinite value, and that records each chunk's row count and a 64-bit fingerprint of its values.
 *
 * <p>The fingerprints let a later pass find the position of the chunk it is given (a chunk does not
 * know its index): a row's random draws and its global row number then depend only on the data and
 * the seed, never on the number of workers or on which chunks were spilled. Chunks with identical
 * values share a fingerprint; they are interchangeable, and {@link #occurrences} lists every one.
 */
public final class Points implements AutoCloseable {
    private final DataFrame data;
    private final boolean owned;
    private final List<String> columns;
    private final String learner;
    private long rows;
    private long[] chunkStart = new long[0];
    private int[] chunkRows = new int[0];
    private long[] fingerprint = new long[0];
    private Map<Long, int[]> byFingerprint = Map.of();

    private Points(DataFrame data, boolean owned, List<String> columns, String learner) {
        this.data = data;
        this.owned = owned;
        this.columns = List.copyOf(columns);
        this.learner = learner;
    }

    /**
     * Checks the feature columns, collects them (unless {@code frame} is collected already) and
     * validates every value in one pass.
     *
     * @param frame    the input
     * @param features the feature columns, or null for every column of the frame
     * @param learner  the learner's name, which starts messages
     * @throws ColumnNotFoundException if a feature column is missing
     * @throws MlException             on a column that is not plain numeric, or a null, NaN or infinite value
     */
    public static Points prepare(DataFrame frame, List<String> features, String learner) {
        List<String> cols = features == null ? frame.schema().names() : features;
        checkColumns(frame.schema(), cols, learner);
        DataFrame data;
        boolean owned;
        if (frame.isCollected()) {
            data = frame;
            owned = false;
        } else {
            data = frame.select(cols.toArray(String[]::new)).collect();
            owned = true;
        }
        Points p = new Points(data, owned, cols, learner);
        try {
            p.validate();
        } catch (RuntimeException | Error e) {
            p.close();
            throw e;
        }
        return p;
    }

    /**
     * Checks that every column exists and is a plain numeric feature (int32, int64, float64 or bool,
     * not an encoded column).
     */
    public static void checkColumns(Schema schema, List<String> cols, String learner) {
        if (cols.isEmpty()) {
            throw new MlException(learner + ": no feature columns; name them with featuresCols(...)");
        }
        for (String c : cols) {
            if (c == null || !schema.contains(c)) {
                throw new ColumnNotFoundException(c == null ? "(null)" : c, schema.names());
            }
        }
        FeatureLayout layout;
        try {
            layout = FeatureLayout.of(schema, cols);
        } catch (MlException e) {
            throw new MlException(learner + ": " + e.getMessage(), e);
        }
        for (FeatureLayout.Block b : layout.blocks()) {
            if (b.kind() != FeatureLayout.Kind.NUMERIC) {
                throw new MlException(learner + ": column '" + b.column() + "' is an encoded (" + b.kind().name().toLowerCase(Locale.ROOT)
                        + ") column; clustering measures euclidean distances between plain numeric columns, so leave it out "
                        + "with featuresCols(...)");
            }
        }
    }

    /** The (collected) data. */
    public DataFrame data() {
        return data;
    }

    /** The feature columns, in order. */
    public List<String> columns() {
        return columns;
    }

    /** The number of features. */
    public int dims() {
        return columns.size();
    }

    /** Rows. */
    public long rows() {
        return rows;
    }

    /** The number of non-empty chunks (those every pass visits). */
    public int chunks() {
        return chunkRows.length;
    }

    /** The first global row of non-empty chunk {@code c}. */
    public long chunkStart(int c) {
        return chunkStart[c];
    }

    /** The rows of non-empty chunk {@code c}. */
    public int chunkRows(int c) {
        return chunkRows[c];
    }

    /** The learner's name. */
    public String learner() {
        return learner;
    }

    /** Runs {@code map} on every chunk in parallel, passing results to {@code inOrder} in chunk order. */
    public <R> void pass(Function<Chunk, R> map, Consumer<R> inOrder) {
        data.mapChunksOrdered(map, inOrder);
    }

    /** The feature vectors of {@code c}, in column order (for {@link Tile#read}). */
    public ColumnVector[] vectors(Chunk c) {
        ColumnVector[] v = new ColumnVector[columns.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = c.column(columns.get(j));
        }
        return v;
    }

    /**
     * The positions (non-empty chunk numbers) of the chunks whose values are those of {@code c},
     * found by its fingerprint; costs one read of its values.
     */
    public int[] occurrences(Chunk c) {
        long fp = fingerprint(vectors(c), c.rows());
        int[] at = byFingerprint.get(fp);
        if (at == null) {
            throw new IllegalStateException(learner + ": a chunk of the training data changed between passes");
        }
        return at;
    }

    /** A 64-bit hash of a chunk's row count and values (column by column). */
    static long fingerprint(ColumnVector[] cols, int n) {
        long h = 0x9E3779B97F4A7C15L * (n + 1);
        double[] buf = new double[Math.min(n, Tile.ROWS)];
        for (ColumnVector v : cols) {
            for (int from = 0; from < n; from += buf.length) {
                int cnt = Math.min(buf.length, n - from);
                Vectors.readDoubles(v, from, buf, cnt);
                for (int i = 0; i < cnt; i++) {
                    h = Rand.mix(h ^ Double.doubleToRawLongBits(buf[i]));
                }
            }
        }
        return h;
    }

    private record Check(int rows, long fingerprint, int badRow, String problem) {
    }

    private void validate() {
        List<Check> checks = new ArrayList<>();
        long[] offset = {0};
        pass(this::check, ch -> {
            if (ch.problem != null) {
                throw new MlException(String.format(Locale.ROOT, "%s: %s at row %,d (counting from 0)", learner, ch.problem,
                        offset[0] + ch.badRow));
            }
            offset[0] += ch.rows;
            checks.add(ch);
        });
        rows = offset[0];
        int n = checks.size();
        chunkStart = new long[n];
        chunkRows = new int[n];
        fingerprint = new long[n];
        Map<Long, int[]> map = new HashMap<>();
        long start = 0;
        for (int c = 0; c < n; c++) {
            chunkStart[c] = start;
            chunkRows[c] = checks.get(c).rows;
            fingerprint[c] = checks.get(c).fingerprint;
            start += chunkRows[c];
            int[] prev = map.get(fingerprint[c]);
            int[] next = prev == null ? new int[] {c} : java.util.Arrays.copyOf(prev, prev.length + 1);
            next[next.length - 1] = c;
            map.put(fingerprint[c], next);
        }
        byFingerprint = map;
        if (rows == 0) {
            throw new MlException(learner + ": the training frame is empty");
        }
    }

    private Check check(Chunk c) {
        int n = c.rows();
        ColumnVector[] v = vectors(c);
        for (int j = 0; j < v.length; j++) {
            if (v[j].hasNulls()) {
                for (int i = 0; i < n; i++) {
                    if (v[j].isNull(i)) {
                        return new Check(n, 0, i, "the feature column '" + columns.get(j) + "' holds null; fill it with an "
                                + "Imputer, drop those rows (na().drop()) or leave the column out with featuresCols(...)");
                    }
                }
            }
        }
        double[] buf = new double[Math.min(n, Tile.ROWS)];
        for (int j = 0; j < v.length; j++) {
            for (int from = 0; from < n; from += buf.length) {
                int cnt = Math.min(buf.length, n - from);
                Vectors.readDoubles(v[j], from, buf, cnt);
                for (int i = 0; i < cnt; i++) {
                    if (!Double.isFinite(buf[i])) {
                        return new Check(n, 0, from + i, "the feature column '" + columns.get(j) + "' holds " + buf[i]
                                + "; features must be finite (replace or filter such values first)");
                    }
                }
            }
        }
        return new Check(n, fingerprint(v, n), -1, null);
    }

    /** Frees the collected copy, if this made one. */
    @Override
    public void close() {
        if (owned) {
            data.unpersist();
        }
    }
}
