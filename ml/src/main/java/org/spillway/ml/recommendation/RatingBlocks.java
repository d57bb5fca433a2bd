package org.spillway.ml.recommendation;

import static org.spillway.frame.Functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.DataFrame;
import org.spillway.frame.Functions;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.ml.MlException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.LongVector;

/**
 * The ratings as ALS streams them: checked, their ids numbered densely ({@link IdIndex}), and stored
 * twice in the session's chunk store (which spills), once sorted by user and once by item, each as
 * {@code (dst int32, src int32, r float64)}: Spark's "in blocks" of each side, with every rating of a
 * destination in one run of rows.
 *
 * <p>Cost: the input is collected once (unless it is already), then one checking pass, a distinct
 * per side (a parallel aggregation that spills), and two external sorts (which spill); the sorted
 * copies take about 16 bytes per rating each. The ids of both sides and their lookup tables are on
 * the heap.
 */
final class RatingBlocks implements AutoCloseable {
    final IdIndex users;
    final IdIndex items;
    final DataType userType;
    final DataType itemType;
    final long ratings;
    /** Sorted by (user, item): dst = user, src = item. */
    final DataFrame byUser;
    /** Sorted by (item, user): dst = item, src = user. */
    final DataFrame byItem;

    private RatingBlocks(IdIndex users, IdIndex items, DataType userType, DataType itemType, long ratings, DataFrame byUser,
                         DataFrame byItem) {
        this.users = users;
        this.items = items;
        this.userType = userType;
        this.itemType = itemType;
        this.ratings = ratings;
        this.byUser = byUser;
        this.byItem = byItem;
    }

    /** Checks the columns' types (before any pass), naming the column. */
    static void checkSchema(Schema s, String userCol, String itemCol, String ratingCol, String learner) {
        for (String c : new String[] {userCol, itemCol, ratingCol}) {
            if (!s.contains(c)) {
                throw new ColumnNotFoundException(c, s.names());
            }
        }
        checkIdColumn(s, userCol, "user", learner);
        checkIdColumn(s, itemCol, "item", learner);
        DataType rt = s.type(s.indexOf(ratingCol));
        if (rt != DataType.INT32 && rt != DataType.INT64 && rt != DataType.FLOAT64) {
            throw new MlException(learner + ": the rating column '" + ratingCol + "' is " + rt + "; it must be numeric (int32, int64 or "
                    + "float64)");
        }
    }

    static void checkIdColumn(Schema s, String c, String role, String learner) {
        DataType t = s.type(s.indexOf(c));
        if (!IdIndex.idType(t)) {
            throw new MlException(learner + ": the " + role + " column '" + c + "' is " + t + "; ids must be integers (int32 or int64,"
                    + " or float64 holding whole numbers). Number string ids first, e.g. withColumn(\"" + c + "_id\", denseRank().over("
                    + "Window.orderBy(\"" + c + "\")))");
        }
    }

    /** Builds the blocks of {@code frame}; the caller closes them. */
    static RatingBlocks prepare(DataFrame frame, String userCol, String itemCol, String ratingCol, String learner) {
        Schema s = frame.schema();
        checkSchema(s, userCol, itemCol, ratingCol, learner);
        DataType userType = s.type(s.indexOf(userCol)) == DataType.INT32 ? DataType.INT32 : DataType.INT64;
        DataType itemType = s.type(s.indexOf(itemCol)) == DataType.INT32 ? DataType.INT32 : DataType.INT64;
        DataFrame data = frame.isCollected() ? frame : frame.select(userCol, itemCol, ratingCol).collect();
        boolean owned = data != frame;
        DataFrame byUser = null;
        DataFrame byItem = null;
        try {
            long rows = check(data, userCol, itemCol, ratingCol, learner);
            if (rows == 0) {
                throw new MlException(learner + ": the ratings frame is empty");
            }
            IdIndex users = new IdIndex(distinctIds(data, userCol));
            IdIndex items = new IdIndex(distinctIds(data, itemCol));
            org.spillway.frame.Expr u = Functions.udf(new ToIndex(userCol, users));
            org.spillway.frame.Expr i = Functions.udf(new ToIndex(itemCol, items));
            org.spillway.frame.Expr r = col(ratingCol).cast(DataType.FLOAT64).as(HalfStep.RATING);
            byUser = data.select(u.as(HalfStep.DST), i.as(HalfStep.SRC), r).sort(HalfStep.DST, HalfStep.SRC).collect();
            byItem = data.select(i.as(HalfStep.DST), u.as(HalfStep.SRC), r).sort(HalfStep.DST, HalfStep.SRC).collect();
            return new RatingBlocks(users, items, userType, itemType, rows, byUser, byItem);
        } catch (RuntimeException | Error e) {
            if (byUser != null) {
                byUser.unpersist();
            }
            if (byItem != null) {
                byItem.unpersist();
            }
            throw e;
        } finally {
            if (owned) {
                data.unpersist();
            }
        }
    }

    /** The first bad value of a chunk. */
    private record Problem(int rows, int row, String message, String hint) {
    }

    /** One pass: nulls, NaN and infinite ratings, ids that are not whole numbers; returns the row count. */
    private static long check(DataFrame data, String userCol, String itemCol, String ratingCol, String learner) {
        long[] offset = {0};
        data.mapChunksOrdered(c -> problem(c, userCol, itemCol, ratingCol), p -> {
            if (p.message != null) {
                throw new MlException(String.format(Locale.ROOT, "%s: %s at row %,d (counting from 0)%s", learner, p.message,
                        offset[0] + p.row, p.hint));
            }
            offset[0] += p.rows;
        });
        return offset[0];
    }

    private static Problem problem(Chunk c, String userCol, String itemCol, String ratingCol) {
        int n = c.rows();
        String[] cols = {userCol, itemCol};
        String[] roles = {"user", "item"};
        for (int k = 0; k < 2; k++) {
            ColumnVector v = c.column(cols[k]);
            for (int i = 0; i < n; i++) {
                if (v.isNull(i)) {
                    return new Problem(n, i, "the " + roles[k] + " column '" + cols[k] + "' holds null", "; drop those rows first");
                }
                if (v instanceof DoubleVector d && !IdIndex.wholeNumber(d.get(i))) {
                    return new Problem(n, i, "the " + roles[k] + " column '" + cols[k] + "' holds " + d.get(i)
                            + ", which is not an integer id", "");
                }
                if (v instanceof LongVector l && l.get(i) == Long.MIN_VALUE) {
                    return new Problem(n, i, "the " + roles[k] + " column '" + cols[k] + "' holds " + Long.MIN_VALUE
                            + ", which ALS does not take as an id", "");
                }
            }
        }
        ColumnVector r = c.column(ratingCol);
        for (int i = 0; i < n; i++) {
            if (r.isNull(i)) {
                return new Problem(n, i, "the rating column '" + ratingCol + "' holds null", "; drop or fill those rows first");
            }
            if (r instanceof DoubleVector d && !Double.isFinite(d.get(i))) {
                return new Problem(n, i, "the rating column '" + ratingCol + "' holds " + d.get(i), "; ratings must be finite");
            }
        }
        return new Problem(n, -1, null, null);
    }

    /** The distinct ids of a column, sorted, by the frame's (parallel, spilling) distinct. */
    private static long[] distinctIds(DataFrame data, String column) {
        DataFrame d = data.select(col(column).cast(DataType.INT64).as("id")).distinct();
        List<long[]> parts = new ArrayList<>();
        d.mapChunksOrdered(c -> {
            LongVector v = (LongVector) c.column(0);
            long[] a = new long[c.rows()];
            for (int i = 0; i < a.length; i++) {
                a[i] = v.get(i);
            }
            return a;
        }, parts::add);
        int total = 0;
        for (long[] p : parts) {
            total = Math.addExact(total, p.length);
        }
        long[] all = new long[total];
        int at = 0;
        for (long[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        Arrays.sort(all);
        return all;
    }

    /** Maps an id column to its dense index (int32); -1 for an id the index does not hold. */
    static final class ToIndex implements VectorFunction {
        private final String column;
        private final IdIndex index;

        ToIndex(String column, IdIndex index) {
            this.column = column;
            this.index = index;
        }

        @Override
        public DataType resultType(Schema input) {
            if (!input.contains(column)) {
                throw new ColumnNotFoundException(column, input.names());
            }
            return DataType.INT32;
        }

        @Override
        public Set<String> inputColumns() {
            return Set.of(column);
        }

        @Override
        public HeapColumn apply(Chunk chunk) {
            ColumnVector v = chunk.column(column);
            int n = chunk.rows();
            HeapColumn out = new HeapColumn(DataType.INT32, n);
            for (int i = 0; i < n; i++) {
                out.longs[i] = v.isNull(i) ? -1 : index.indexOf(IdIndex.idAt(v, i));
            }
            return out;
        }
    }

    @Override
    public void close() {
        byUser.unpersist();
        byItem.unpersist();
    }
}
