package org.spillway.frame.exec.aggregate.function;

import java.util.List;
import org.spillway.frame.AggregateExpr;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.exec.hash.Hashing;
import org.spillway.frame.exec.hash.StringPool;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.vector.BoolVector;
import org.spillway.spill.vector.BoolVectorBuilder;
import org.spillway.spill.vector.ColumnVector;
import org.spillway.spill.vector.DoubleVector;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVector;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVector;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVector;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * One algebraic aggregate's state in a {@link GroupTable}: {@link #width()} longs per group, all
 * zero for a new group. It updates from input values, writes its state as partial columns (so a
 * table can be flushed to chunks, spilled, and merged later), merges such columns, and finishes
 * into the output value.
 */
public abstract class AggFn {
    /** Where this state starts within a group's stride. */
    protected int offset;
    /** The input type (null for count()). */
    protected final DataType inType;

    AggFn(DataType inType) {
        this.inType = inType;
    }

    /** The function for {@code a} over inputs of type {@code in} (and {@code in2} for corr). */
    public static AggFn of(AggregateExpr a, DataType in, DataType in2) {
        return switch (a.kind()) {
            case COUNT_ALL -> new Count(null);
            case COUNT -> new Count(in);
            case SUM -> in == DataType.FLOAT64 ? new SumDouble(in) : new SumLong(in);
            case MEAN -> new Mean(in);
            case VAR -> new Moments(in, Moments.VAR);
            case VAR_POP -> new Moments(in, Moments.VAR_POP);
            case STD -> new Moments(in, Moments.STD);
            case STD_POP -> new Moments(in, Moments.STD_POP);
            case MIN -> new MinMax(in, true);
            case MAX -> new MinMax(in, false);
            case FIRST -> new FirstLast(in, true, true);
            case LAST -> new FirstLast(in, false, true);
            case FIRST_ROW -> new FirstLast(in, true, false);
            case CORR -> new Corr(in);
            case MEDIAN, QUANTILE, COUNT_DISTINCT, TOP_K -> throw new IllegalArgumentException(a + " is holistic");
        };
    }

    /** State longs per group. */
    public abstract int width();

    /** Sets where the state starts in the stride. */
    public void place(int offset) {
        this.offset = offset;
    }

    /** The partial-state columns, named with {@code prefix}. */
    public abstract List<Field> partialFields(String prefix);

    /** Where this state starts within a group's stride. */
    public final int offset() {
        return offset;
    }

    /**
     * True if partial column {@code q} is state long {@code offset() + q} as it is (an INT64 column
     * the long, a FLOAT64 column the double with those bits), so that states can be written as
     * partial columns by typed loops over many groups instead of {@link #writePartial} per group.
     */
    public boolean partialIsState() {
        return false;
    }

    /**
     * True if the partial state of a single input row is that row's input value itself, as a column
     * of the input's type (min and max): rows that are each their own group can then be written to
     * partial chunks straight from the input column, without computing their states.
     */
    public boolean partialIsInput() {
        return false;
    }

    /**
     * Updates groups {@code gids[0..n)} from input rows {@code 0..n)}; {@code pos0} + row is each
     * row's position in the input order (for first/last).
     */
    public abstract void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool);

    /**
     * As {@link #update}, reading a column's vector directly instead of values copied to the heap;
     * false (nothing done) if this function has no such path for {@code v}, and the caller then
     * evaluates the input and calls {@link #update}.
     */
    public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
        return false;
    }

    /**
     * Whether {@link #mergeState} is supported: false for first/last and for states that hold
     * string ids (which belong to one table's pool).
     */
    public boolean mergesStates() {
        return false;
    }

    /**
     * Merges the state of a group of another table laid out alike ({@code src} from {@code sbase})
     * into this group's ({@code dst} from {@code dbase}), as {@link #merge} does from partial columns.
     */
    public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not merge states");
    }

    /** Writes group {@code g}'s state to {@code b[col0...]}. */
    public abstract void writePartial(long[] st, int base, VectorBuilder[] b, int col0, StringPool pool);

    /** Merges partial rows {@code 0..n)} (columns {@code cols[col0...]}) into groups {@code gids}. */
    public abstract void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool);

    /** Appends group {@code g}'s result. */
    public abstract void finish(long[] st, int base, VectorBuilder out, StringPool pool);

    // ---- helpers ---------------------------------------------------------------------------

    static double d(long bits) {
        return Double.longBitsToDouble(bits);
    }

    static long b(double v) {
        return Double.doubleToRawLongBits(v);
    }

    /** A value of type {@code t} as a state long (strings interned). */
    static long code(HeapColumn v, int i, DataType t, StringPool pool) {
        return switch (t) {
            case FLOAT64 -> b(v.doubles[i]);
            case BOOL -> v.bools[i] ? 1 : 0;
            case STRING -> pool.intern(v.strings[i]);
            default -> v.longs[i];
        };
    }

    /** A vector value as a state long (strings interned). */
    public static long code(ColumnVector v, int i, StringPool pool) {
        return switch (v) {
            case IntVector x -> x.get(i);
            case LongVector x -> x.get(i);
            case DoubleVector x -> b(x.get(i));
            case BoolVector x -> x.get(i) ? 1 : 0;
            case StringVector x -> {
                int start = x.start(i);
                int len = x.length(i);
                yield pool.intern(x.bytes(), start, len, Hashing.ofBytes(x.bytes(), start, len));
            }
        };
    }

    /** Appends a state long as a value of type {@code t}. */
    public static void append(VectorBuilder out, DataType t, long code, StringPool pool) {
        switch (out) {
            case IntVectorBuilder x -> x.append((int) code);
            case LongVectorBuilder x -> x.append(code);
            case DoubleVectorBuilder x -> x.append(d(code));
            case BoolVectorBuilder x -> x.append(code != 0);
            case StringVectorBuilder x -> x.append(pool.data(), pool.start((int) code), pool.length((int) code));
        }
    }

    /** Orders two state longs of type {@code t}: doubles numerically (NaN largest), strings by UTF-8 bytes. */
    static int compare(long a, long bb, DataType t, StringPool pool) {
        return switch (t) {
            case FLOAT64 -> Double.compare(d(a), d(bb));
            case STRING -> pool.compare((int) a, (int) bb);
            default -> Long.compare(a, bb);
        };
    }

    // ---- count ------------------------------------------------------------------------------

    static final class Count extends AggFn {
        Count(DataType in) {
            super(in);
        }

        @Override
        public int width() {
            return 1;
        }

        @Override
        public boolean partialIsState() {
            return true;
        }

        @Override
        public boolean mergesStates() {
            return true;
        }

        @Override
        public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
            dst[dbase + offset] += src[sbase + offset];
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "n", DataType.INT64));
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            boolean[] nulls = in == null ? null : in.nulls;
            for (int i = 0; i < n; i++) {
                if (nulls == null || !nulls[i]) {
                    st[gids[i] * stride + offset]++;
                }
            }
        }

        @Override
        public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
            boolean nulls = v.hasNulls();
            for (int i = 0; i < n; i++) {
                if (!nulls || !v.isNull(i)) {
                    st[gids[i] * stride + offset]++;
                }
            }
            return true;
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            LongVector v = (LongVector) cols[col0];
            for (int i = 0; i < n; i++) {
                st[gids[i] * stride + offset] += v.get(i);
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            ((LongVectorBuilder) out).append(st[base + offset]);
        }
    }

    // ---- sums -------------------------------------------------------------------------------

    static final class SumLong extends AggFn {
        SumLong(DataType in) {
            super(in);
        }

        @Override
        public int width() {
            return 2;
        }

        @Override
        public boolean partialIsState() {
            return true;
        }

        @Override
        public boolean mergesStates() {
            return true;
        }

        @Override
        public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
            int d = dbase + offset;
            int x = sbase + offset;
            if (src[x] != 0) {
                dst[d] += src[x];
                dst[d + 1] = add(dst[d + 1], src[x + 1]);
            }
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "n", DataType.INT64), new Field(p + "sum", DataType.INT64));
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            long[] v = in.longs;
            boolean[] nulls = in.nulls;
            for (int i = 0; i < n; i++) {
                if (nulls == null || !nulls[i]) {
                    int bb = gids[i] * stride + offset;
                    st[bb]++;
                    st[bb + 1] = add(st[bb + 1], v[i]);
                }
            }
        }

        @Override
        public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
            boolean nulls = v.hasNulls();
            switch (v) {
                case IntVector iv -> {
                    for (int i = 0; i < n; i++) {
                        if (!nulls || !iv.isNull(i)) {
                            int bb = gids[i] * stride + offset;
                            st[bb]++;
                            st[bb + 1] = add(st[bb + 1], iv.get(i));
                        }
                    }
                }
                case LongVector lv -> {
                    for (int i = 0; i < n; i++) {
                        if (!nulls || !lv.isNull(i)) {
                            int bb = gids[i] * stride + offset;
                            st[bb]++;
                            st[bb + 1] = add(st[bb + 1], lv.get(i));
                        }
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        private static long add(long a, long x) {
            long r = a + x;
            if (((a ^ r) & (x ^ r)) < 0) {
                throw new SpillwayException("int64 overflow in sum: " + a + " + " + x
                        + " does not fit; cast the column to float64 first (col(...).cast(DataType.FLOAT64))");
            }
            return r;
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
            ((LongVectorBuilder) bs[col0 + 1]).append(st[base + offset + 1]);
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            LongVector c = (LongVector) cols[col0];
            LongVector s = (LongVector) cols[col0 + 1];
            for (int i = 0; i < n; i++) {
                int bb = gids[i] * stride + offset;
                st[bb] += c.get(i);
                st[bb + 1] = add(st[bb + 1], s.get(i));
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            if (st[base + offset] == 0) {
                out.appendNull();
            } else {
                ((LongVectorBuilder) out).append(st[base + offset + 1]);
            }
        }
    }

    static final class SumDouble extends AggFn {
        SumDouble(DataType in) {
            super(in);
        }

        @Override
        public int width() {
            return 2;
        }

        @Override
        public boolean partialIsState() {
            return true;
        }

        @Override
        public boolean mergesStates() {
            return true;
        }

        @Override
        public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
            int d = dbase + offset;
            int x = sbase + offset;
            if (src[x] != 0) {
                dst[d] += src[x];
                dst[d + 1] = b(d(dst[d + 1]) + d(src[x + 1]));
            }
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "n", DataType.INT64), new Field(p + "sum", DataType.FLOAT64));
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            double[] v = in.doubles;
            boolean[] nulls = in.nulls;
            for (int i = 0; i < n; i++) {
                if (nulls == null || !nulls[i]) {
                    int bb = gids[i] * stride + offset;
                    st[bb]++;
                    st[bb + 1] = b(d(st[bb + 1]) + v[i]);
                }
            }
        }

        @Override
        public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
            if (!(v instanceof DoubleVector dv)) {
                return false;
            }
            boolean nulls = v.hasNulls();
            for (int i = 0; i < n; i++) {
                if (!nulls || !dv.isNull(i)) {
                    int bb = gids[i] * stride + offset;
                    st[bb]++;
                    st[bb + 1] = b(d(st[bb + 1]) + dv.get(i));
                }
            }
            return true;
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
            ((DoubleVectorBuilder) bs[col0 + 1]).append(d(st[base + offset + 1]));
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            LongVector c = (LongVector) cols[col0];
            DoubleVector s = (DoubleVector) cols[col0 + 1];
            for (int i = 0; i < n; i++) {
                int bb = gids[i] * stride + offset;
                st[bb] += c.get(i);
                st[bb + 1] = b(d(st[bb + 1]) + s.get(i));
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            if (st[base + offset] == 0) {
                out.appendNull();
            } else {
                ((DoubleVectorBuilder) out).append(d(st[base + offset + 1]));
            }
        }
    }

    // ---- mean, variance, standard deviation (Welford; Chan et al. to merge) -----------------

    static final class Moments extends AggFn {
        static final int MEAN = 0;
        static final int VAR = 1;
        static final int VAR_POP = 2;
        static final int STD = 3;
        static final int STD_POP = 4;
        private final int what;

        Moments(DataType in, int what) {
            super(in);
            this.what = what;
        }

        @Override
        public int width() {
            return 3; // n, mean, m2
        }

        @Override
        public boolean partialIsState() {
            return true;
        }

        @Override
        public boolean mergesStates() {
            return true;
        }

        @Override
        public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
            int bb = dbase + offset;
            int x = sbase + offset;
            long nb = src[x];
            if (nb == 0) {
                return;
            }
            long na = dst[bb];
            double ma = d(dst[bb + 1]);
            double mb = d(src[x + 1]);
            long nn = na + nb;
            double delta = mb - ma;
            dst[bb] = nn;
            dst[bb + 1] = b(na == 0 ? mb : ma + delta * nb / nn);
            dst[bb + 2] = b(d(dst[bb + 2]) + d(src[x + 2]) + delta * delta * ((double) na * nb / nn));
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "n", DataType.INT64), new Field(p + "mean", DataType.FLOAT64),
                    new Field(p + "m2", DataType.FLOAT64));
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            boolean[] nulls = in.nulls;
            for (int i = 0; i < n; i++) {
                if (nulls != null && nulls[i]) {
                    continue;
                }
                double x = in.asDouble(i);
                int bb = gids[i] * stride + offset;
                long cnt = ++st[bb];
                double mean = d(st[bb + 1]);
                double delta = x - mean;
                mean += delta / cnt;
                st[bb + 1] = b(mean);
                st[bb + 2] = b(d(st[bb + 2]) + delta * (x - mean));
            }
        }

        @Override
        public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
            if (!(v instanceof DoubleVector || v instanceof IntVector || v instanceof LongVector)) {
                return false;
            }
            boolean nulls = v.hasNulls();
            for (int i = 0; i < n; i++) {
                if (nulls && v.isNull(i)) {
                    continue;
                }
                double x = v instanceof DoubleVector dv ? dv.get(i) : v instanceof IntVector iv ? iv.get(i) : ((LongVector) v).get(i);
                int bb = gids[i] * stride + offset;
                long cnt = ++st[bb];
                double mean = d(st[bb + 1]);
                double delta = x - mean;
                mean += delta / cnt;
                st[bb + 1] = b(mean);
                st[bb + 2] = b(d(st[bb + 2]) + delta * (x - mean));
            }
            return true;
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
            ((DoubleVectorBuilder) bs[col0 + 1]).append(d(st[base + offset + 1]));
            ((DoubleVectorBuilder) bs[col0 + 2]).append(d(st[base + offset + 2]));
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            LongVector cn = (LongVector) cols[col0];
            DoubleVector cm = (DoubleVector) cols[col0 + 1];
            DoubleVector c2 = (DoubleVector) cols[col0 + 2];
            for (int i = 0; i < n; i++) {
                long nb = cn.get(i);
                if (nb == 0) {
                    continue;
                }
                int bb = gids[i] * stride + offset;
                long na = st[bb];
                double ma = d(st[bb + 1]);
                double mb = cm.get(i);
                long nn = na + nb;
                double delta = mb - ma;
                st[bb] = nn;
                st[bb + 1] = b(na == 0 ? mb : ma + delta * nb / nn);
                st[bb + 2] = b(d(st[bb + 2]) + c2.get(i) + delta * delta * ((double) na * nb / nn));
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            long cnt = st[base + offset];
            double mean = d(st[base + offset + 1]);
            double m2 = d(st[base + offset + 2]);
            DoubleVectorBuilder o = (DoubleVectorBuilder) out;
            switch (what) {
                case MEAN -> {
                    if (cnt == 0) {
                        o.appendNull();
                    } else {
                        o.append(mean);
                    }
                }
                case VAR, STD -> {
                    if (cnt < 2) {
                        o.appendNull();
                    } else {
                        double v = Math.max(0, m2 / (cnt - 1));
                        o.append(what == VAR ? v : Math.sqrt(v));
                    }
                }
                default -> {
                    if (cnt < 1) {
                        o.appendNull();
                    } else {
                        double v = Math.max(0, m2 / cnt);
                        o.append(what == VAR_POP ? v : Math.sqrt(v));
                    }
                }
            }
        }
    }

    // ---- mean: a sum and a count ------------------------------------------------------------

    /** {@code mean}: the sum of the values (as float64) over their count, like DuckDB's {@code avg}. */
    static final class Mean extends AggFn {
        Mean(DataType in) {
            super(in);
        }

        @Override
        public int width() {
            return 2; // n, sum
        }

        @Override
        public boolean partialIsState() {
            return true;
        }

        @Override
        public boolean mergesStates() {
            return true;
        }

        @Override
        public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
            int d = dbase + offset;
            int x = sbase + offset;
            if (src[x] != 0) {
                dst[d] += src[x];
                dst[d + 1] = b(d(dst[d + 1]) + d(src[x + 1]));
            }
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "n", DataType.INT64), new Field(p + "sum", DataType.FLOAT64));
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            boolean[] nulls = in.nulls;
            for (int i = 0; i < n; i++) {
                if (nulls == null || !nulls[i]) {
                    int bb = gids[i] * stride + offset;
                    st[bb]++;
                    st[bb + 1] = b(d(st[bb + 1]) + in.asDouble(i));
                }
            }
        }

        @Override
        public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
            boolean nulls = v.hasNulls();
            switch (v) {
                case DoubleVector dv -> {
                    for (int i = 0; i < n; i++) {
                        if (!nulls || !dv.isNull(i)) {
                            int bb = gids[i] * stride + offset;
                            st[bb]++;
                            st[bb + 1] = b(d(st[bb + 1]) + dv.get(i));
                        }
                    }
                }
                case IntVector iv -> {
                    for (int i = 0; i < n; i++) {
                        if (!nulls || !iv.isNull(i)) {
                            int bb = gids[i] * stride + offset;
                            st[bb]++;
                            st[bb + 1] = b(d(st[bb + 1]) + iv.get(i));
                        }
                    }
                }
                case LongVector lv -> {
                    for (int i = 0; i < n; i++) {
                        if (!nulls || !lv.isNull(i)) {
                            int bb = gids[i] * stride + offset;
                            st[bb]++;
                            st[bb + 1] = b(d(st[bb + 1]) + lv.get(i));
                        }
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
            ((DoubleVectorBuilder) bs[col0 + 1]).append(d(st[base + offset + 1]));
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            LongVector c = (LongVector) cols[col0];
            DoubleVector sum = (DoubleVector) cols[col0 + 1];
            for (int i = 0; i < n; i++) {
                int bb = gids[i] * stride + offset;
                st[bb] += c.get(i);
                st[bb + 1] = b(d(st[bb + 1]) + sum.get(i));
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            long cnt = st[base + offset];
            if (cnt == 0) {
                out.appendNull();
            } else {
                ((DoubleVectorBuilder) out).append(d(st[base + offset + 1]) / cnt);
            }
        }
    }

    // ---- min / max --------------------------------------------------------------------------

    static final class MinMax extends AggFn {
        private final boolean min;

        MinMax(DataType in, boolean min) {
            super(in);
            this.min = min;
        }

        @Override
        public int width() {
            return 2; // has, value
        }

        @Override
        public boolean partialIsInput() {
            return true;
        }

        @Override
        public boolean mergesStates() {
            return inType != DataType.STRING;
        }

        @Override
        public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
            int x = sbase + offset;
            if (src[x] != 0) {
                offer(dst, dbase + offset, src[x + 1], null);
            }
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "v", inType));
        }

        private void offer(long[] st, int bb, long x, StringPool pool) {
            if (st[bb] == 0) {
                st[bb] = 1;
                st[bb + 1] = x;
                return;
            }
            int c = compare(x, st[bb + 1], inType, pool);
            if (min ? c < 0 : c > 0) {
                st[bb + 1] = x;
            }
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            boolean[] nulls = in.nulls;
            if (inType != DataType.FLOAT64 && inType != DataType.STRING && inType != DataType.BOOL) {
                long[] v = in.longs;
                for (int i = 0; i < n; i++) {
                    if (nulls != null && nulls[i]) {
                        continue;
                    }
                    int bb = gids[i] * stride + offset;
                    long x = v[i];
                    if (st[bb] == 0) {
                        st[bb] = 1;
                        st[bb + 1] = x;
                    } else if (min ? x < st[bb + 1] : x > st[bb + 1]) {
                        st[bb + 1] = x;
                    }
                }
                return;
            }
            for (int i = 0; i < n; i++) {
                if (nulls == null || !nulls[i]) {
                    offer(st, gids[i] * stride + offset, code(in, i, inType, pool), pool);
                }
            }
        }

        @Override
        public boolean updateFrom(long[] st, int stride, int[] gids, int n, ColumnVector v) {
            boolean nulls = v.hasNulls();
            switch (v) {
                case IntVector iv -> {
                    for (int i = 0; i < n; i++) {
                        if (nulls && iv.isNull(i)) {
                            continue;
                        }
                        int bb = gids[i] * stride + offset;
                        long x = iv.get(i);
                        if (st[bb] == 0) {
                            st[bb] = 1;
                            st[bb + 1] = x;
                        } else if (min ? x < st[bb + 1] : x > st[bb + 1]) {
                            st[bb + 1] = x;
                        }
                    }
                }
                case LongVector lv -> {
                    for (int i = 0; i < n; i++) {
                        if (nulls && lv.isNull(i)) {
                            continue;
                        }
                        int bb = gids[i] * stride + offset;
                        long x = lv.get(i);
                        if (st[bb] == 0) {
                            st[bb] = 1;
                            st[bb + 1] = x;
                        } else if (min ? x < st[bb + 1] : x > st[bb + 1]) {
                            st[bb + 1] = x;
                        }
                    }
                }
                case DoubleVector dv -> {
                    for (int i = 0; i < n; i++) {
                        if (nulls && dv.isNull(i)) {
                            continue;
                        }
                        int bb = gids[i] * stride + offset;
                        double x = dv.get(i);
                        if (st[bb] == 0) {
                            st[bb] = 1;
                            st[bb + 1] = b(x);
                        } else {
                            int c = Double.compare(x, d(st[bb + 1]));
                            if (min ? c < 0 : c > 0) {
                                st[bb + 1] = b(x);
                            }
                        }
                    }
                }
                default -> {
                    return false;
                }
            }
            return true;
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            if (st[base + offset] == 0) {
                bs[col0].appendNull();
            } else {
                append(bs[col0], inType, st[base + offset + 1], pool);
            }
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            ColumnVector v = cols[col0];
            for (int i = 0; i < n; i++) {
                if (!v.isNull(i)) {
                    offer(st, gids[i] * stride + offset, code(v, i, pool), pool);
                }
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            writePartial(st, base, new VectorBuilder[] {out}, 0, pool);
        }
    }

    // ---- first / last non-null value in input order ----------------------------------------

    static final class FirstLast extends AggFn {
        private final boolean first;
        private final boolean ignoreNulls;

        FirstLast(DataType in, boolean first, boolean ignoreNulls) {
            super(in);
            this.first = first;
            this.ignoreNulls = ignoreNulls;
        }

        @Override
        public int width() {
            return 4; // has, position, value, value is null
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "pos", DataType.INT64), new Field(p + "v", inType));
        }

        private void offer(long[] st, int bb, long pos, long x, boolean isNull) {
            if (st[bb] == 0 || (first ? pos < st[bb + 1] : pos > st[bb + 1])) {
                st[bb] = 1;
                st[bb + 1] = pos;
                st[bb + 2] = x;
                st[bb + 3] = isNull ? 1 : 0;
            }
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            boolean[] nulls = in.nulls;
            for (int i = 0; i < n; i++) {
                boolean isNull = nulls != null && nulls[i];
                if (isNull && ignoreNulls) {
                    continue;
                }
                int bb = gids[i] * stride + offset;
                long pos = pos0 + i;
                if (st[bb] == 0 || (first ? pos < st[bb + 1] : pos > st[bb + 1])) {
                    offer(st, bb, pos, isNull ? 0 : code(in, i, inType, pool), isNull);
                }
            }
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            if (st[base + offset] == 0) {
                bs[col0].appendNull();
                bs[col0 + 1].appendNull();
                return;
            }
            ((LongVectorBuilder) bs[col0]).append(st[base + offset + 1]);
            if (st[base + offset + 3] != 0) {
                bs[col0 + 1].appendNull();
            } else {
                append(bs[col0 + 1], inType, st[base + offset + 2], pool);
            }
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            LongVector pos = (LongVector) cols[col0];
            ColumnVector v = cols[col0 + 1];
            for (int i = 0; i < n; i++) {
                if (!pos.isNull(i)) {
                    boolean isNull = v.isNull(i);
                    offer(st, gids[i] * stride + offset, pos.get(i), isNull ? 0 : code(v, i, pool), isNull);
                }
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            if (st[base + offset] == 0 || st[base + offset + 3] != 0) {
                out.appendNull();
            } else {
                append(out, inType, st[base + offset + 2], pool);
            }
        }
    }

    // ---- Pearson correlation ----------------------------------------------------------------

    static final class Corr extends AggFn {
        Corr(DataType in) {
            super(in);
        }

        @Override
        public int width() {
            return 6; // n, mx, my, m2x, m2y, cxy
        }

        @Override
        public boolean partialIsState() {
            return true;
        }

        @Override
        public boolean mergesStates() {
            return true;
        }

        @Override
        public void mergeState(long[] dst, int dbase, long[] src, int sbase) {
            int bb = dbase + offset;
            int x = sbase + offset;
            long nb = src[x];
            if (nb == 0) {
                return;
            }
            long na = dst[bb];
            if (na == 0) {
                System.arraycopy(src, x, dst, bb, 6);
                return;
            }
            double mxa = d(dst[bb + 1]);
            double mya = d(dst[bb + 2]);
            double mxb = d(src[x + 1]);
            double myb = d(src[x + 2]);
            long nn = na + nb;
            double dx = mxb - mxa;
            double dy = myb - mya;
            double f = (double) na * nb / nn;
            dst[bb] = nn;
            dst[bb + 1] = b(mxa + dx * nb / nn);
            dst[bb + 2] = b(mya + dy * nb / nn);
            dst[bb + 3] = b(d(dst[bb + 3]) + d(src[x + 3]) + dx * dx * f);
            dst[bb + 4] = b(d(dst[bb + 4]) + d(src[x + 4]) + dy * dy * f);
            dst[bb + 5] = b(d(dst[bb + 5]) + d(src[x + 5]) + dx * dy * f);
        }

        @Override
        public List<Field> partialFields(String p) {
            return List.of(new Field(p + "n", DataType.INT64), new Field(p + "mx", DataType.FLOAT64),
                    new Field(p + "my", DataType.FLOAT64), new Field(p + "m2x", DataType.FLOAT64),
                    new Field(p + "m2y", DataType.FLOAT64), new Field(p + "cxy", DataType.FLOAT64));
        }

        @Override
        public void update(long[] st, int stride, int[] gids, int n, HeapColumn in, HeapColumn in2, long pos0, StringPool pool) {
            for (int i = 0; i < n; i++) {
                if (in.isNull(i) || in2.isNull(i)) {
                    continue;
                }
                double x = in.asDouble(i);
                double y = in2.asDouble(i);
                int bb = gids[i] * stride + offset;
                long cnt = ++st[bb];
                double mx = d(st[bb + 1]);
                double my = d(st[bb + 2]);
                double dx = x - mx;
                double dy = y - my;
                mx += dx / cnt;
                my += dy / cnt;
                st[bb + 1] = b(mx);
                st[bb + 2] = b(my);
                st[bb + 3] = b(d(st[bb + 3]) + dx * (x - mx));
                st[bb + 4] = b(d(st[bb + 4]) + dy * (y - my));
                st[bb + 5] = b(d(st[bb + 5]) + dx * (y - my));
            }
        }

        @Override
        public void writePartial(long[] st, int base, VectorBuilder[] bs, int col0, StringPool pool) {
            ((LongVectorBuilder) bs[col0]).append(st[base + offset]);
            for (int j = 1; j < 6; j++) {
                ((DoubleVectorBuilder) bs[col0 + j]).append(d(st[base + offset + j]));
            }
        }

        @Override
        public void merge(long[] st, int stride, int[] gids, int n, ColumnVector[] cols, int col0, StringPool pool) {
            LongVector cn = (LongVector) cols[col0];
            for (int i = 0; i < n; i++) {
                long nb = cn.get(i);
                if (nb == 0) {
                    continue;
                }
                int bb = gids[i] * stride + offset;
                long na = st[bb];
                double mxb = ((DoubleVector) cols[col0 + 1]).get(i);
                double myb = ((DoubleVector) cols[col0 + 2]).get(i);
                if (na == 0) {
                    st[bb] = nb;
                    for (int j = 1; j < 6; j++) {
                        st[bb + j] = b(((DoubleVector) cols[col0 + j]).get(i));
                    }
                    continue;
                }
                double mxa = d(st[bb + 1]);
                double mya = d(st[bb + 2]);
                long nn = na + nb;
                double dx = mxb - mxa;
                double dy = myb - mya;
                double f = (double) na * nb / nn;
                st[bb] = nn;
                st[bb + 1] = b(mxa + dx * nb / nn);
                st[bb + 2] = b(mya + dy * nb / nn);
                st[bb + 3] = b(d(st[bb + 3]) + ((DoubleVector) cols[col0 + 3]).get(i) + dx * dx * f);
                st[bb + 4] = b(d(st[bb + 4]) + ((DoubleVector) cols[col0 + 4]).get(i) + dy * dy * f);
                st[bb + 5] = b(d(st[bb + 5]) + ((DoubleVector) cols[col0 + 5]).get(i) + dx * dy * f);
            }
        }

        @Override
        public void finish(long[] st, int base, VectorBuilder out, StringPool pool) {
            long cnt = st[base + offset];
            DoubleVectorBuilder o = (DoubleVectorBuilder) out;
            if (cnt == 0) {
                o.appendNull();
                return;
            }
            // as DuckDB: NaN when a variance is zero (including a single pair)
            double m2x = d(st[base + offset + 3]);
            double m2y = d(st[base + offset + 4]);
            double cxy = d(st[base + offset + 5]);
            o.append(cxy / Math.sqrt(m2x * m2y));
        }
    }
}
