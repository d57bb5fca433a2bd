package org.spillway.ml.recommendation;

import java.util.List;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.RowGenerator;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * The top {@code m} sources (items, or users) of each selected destination (user, or item) by the
 * dot product of their factors, as rows {@code (dst id, src id, rating, rank)}: {@code m} rows per
 * destination, best first, {@code rank} counting from 1; ties go to the smaller source index (the
 * smaller id). Destinations come in the order given. A {@link RowGenerator}, so the session fills
 * the result chunk by chunk on its workers into its (spilling) chunk store: row {@code r} belongs to
 * destination {@code r / m}, and a block of rows scores its destinations against every source, in
 * groups of destinations against tiles of sources that stay in the core's cache.
 */
final class TopKRows implements RowGenerator {
    private static final int GROUP = 32;
    private static final int TILE = 256;

    private final int[] dst;
    private final double[] dstFactors;
    private final double[] srcFactors;
    private final int rank;
    private final int m;
    private final long[] dstIds;
    private final long[] srcIds;
    private final Schema schema;

    TopKRows(int[] dst, double[] dstFactors, double[] srcFactors, int rank, int m, long[] dstIds, long[] srcIds, String dstCol,
             DataType dstType, String srcCol, DataType srcType) {
        this.dst = dst;
        this.dstFactors = dstFactors;
        this.srcFactors = srcFactors;
        this.rank = rank;
        this.m = Math.min(m, srcIds.length);
        this.dstIds = dstIds;
        this.srcIds = srcIds;
        this.schema = Schema.of(new Field(dstCol, dstType), new Field(srcCol, srcType), new Field("rating", DataType.FLOAT64),
                new Field("rank", DataType.INT32));
    }

    @Override
    public Schema schema() {
        return schema;
    }

    @Override
    public long rows() {
        return (long) dst.length * m;
    }

    @Override
    public void fill(long fromRow, int count, List<VectorBuilder> builders) {
        RowGenerator.checkFill(this, fromRow, count, builders);
        if (count == 0) {
            return;
        }
        int q0 = (int) (fromRow / m);
        int q1 = (int) ((fromRow + count - 1) / m);
        long end = fromRow + count;
        int k = rank;
        int nSrc = srcIds.length;
        double[][] score = new double[GROUP][m];
        int[][] index = new int[GROUP][m];
        int[] size = new int[GROUP];
        for (int g = q0; g <= q1; g += GROUP) {
            int gs = Math.min(GROUP, q1 + 1 - g);
            java.util.Arrays.fill(size, 0);
            for (int t0 = 0; t0 < nSrc; t0 += TILE) {
                int t1 = Math.min(nSrc, t0 + TILE);
                for (int q = 0; q < gs; q++) {
                    int uo = dst[g + q] * k;
                    double[] sc = score[q];
                    int[] ix = index[q];
                    for (int it = t0; it < t1; it++) {
                        int so = it * k;
                        double s = 0;
                        for (int c = 0; c < k; c++) {
                            s += dstFactors[uo + c] * srcFactors[so + c];
                        }
                        size[q] = offer(sc, ix, size[q], s, it);
                    }
                }
            }
            for (int q = 0; q < gs; q++) {
                sortBestFirst(score[q], index[q], size[q]);
                long first = (long) (g + q) * m;
                for (int p = 0; p < m; p++) {
                    long row = first + p;
                    if (row < fromRow || row >= end) {
                        continue;
                    }
                    appendId(builders.get(0), dstIds[dst[g + q]]);
                    appendId(builders.get(1), srcIds[index[q][p]]);
                    ((DoubleVectorBuilder) builders.get(2)).append(score[q][p]);
                    ((IntVectorBuilder) builders.get(3)).append(p + 1);
                }
            }
        }
    }

    static void appendId(VectorBuilder b, long id) {
        if (b instanceof IntVectorBuilder ib) {
            ib.append((int) id);
        } else {
            ((LongVectorBuilder) b).append(id);
        }
    }

    /** True if (s, i) ranks below (t, j): a lower score, or the same score and a larger index. */
    private static boolean worse(double s, int i, double t, int j) {
        return s < t || s == t && i > j;
    }

    /** Offers (s, i) to the min-heap of the best {@code m} (root: the worst kept); returns the new size. */
    private int offer(double[] sc, int[] ix, int n, double s, int i) {
        if (n < m) {
            int c = n;
            while (c > 0) {
                int parent = (c - 1) >>> 1;
                if (!worse(s, i, sc[parent], ix[parent])) {
                    break;
                }
                sc[c] = sc[parent];
                ix[c] = ix[parent];
                c = parent;
            }
            sc[c] = s;
            ix[c] = i;
            return n + 1;
        }
        if (!worse(sc[0], ix[0], s, i)) {
            return n;
        }
        int c = 0;
        while (true) {
            int l = 2 * c + 1;
            if (l >= n) {
                break;
            }
            int r = l + 1;
            int w = r < n && worse(sc[r], ix[r], sc[l], ix[l]) ? r : l;
            if (!worse(sc[w], ix[w], s, i)) {
                break;
            }
            sc[c] = sc[w];
            ix[c] = ix[w];
            c = w;
        }
        sc[c] = s;
        ix[c] = i;
        return n;
    }

    /** Insertion sort, best first. */
    private static void sortBestFirst(double[] sc, int[] ix, int n) {
        for (int a = 1; a < n; a++) {
            double s = sc[a];
            int i = ix[a];
            int b = a - 1;
            while (b >= 0 && worse(sc[b], ix[b], s, i)) {
                sc[b + 1] = sc[b];
                ix[b + 1] = ix[b];
                b--;
            }
            sc[b + 1] = s;
            ix[b + 1] = i;
        }
    }
}
