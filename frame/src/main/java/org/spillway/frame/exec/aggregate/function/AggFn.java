package org.spillway.frame.exec.aggregate.function;

import static org.spillway.frame.exec.aggregate.function.StateBits.asDouble;
import static org.spillway.frame.exec.aggregate.function.StateBits.bits;

import java.util.List;
import org.spillway.frame.AggregateExpr;
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
 * One algebraic aggregate's state in a {@link org.spillway.frame.exec.hash.GroupTable}:
 * {@link #width()} longs per group, all zero for a new group. It updates from input values, writes
 * its state as partial columns (so a table can be flushed to chunks, spilled, and merged later),
 * merges such columns, and finishes into the output value. The implementations, one per file in
 * this package, are listed with their states in the package documentation; holistic aggregates
 * (median, quantile, count distinct, top k) have no fixed-width state and are not {@code AggFn}s.
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

    // ---- state longs <-> values, shared by the functions and by the aggregate operator -------

    /** A value of type {@code t} as a state long (strings interned). */
    static long code(HeapColumn v, int i, DataType t, StringPool pool) {
        return switch (t.kind()) {
            case FLOAT64 -> bits(v.doubles[i]);
            case BOOL -> v.bools[i] ? 1 : 0;
            case STRING -> pool.intern(v.strings[i]);
            case BINARY, DECIMAL128 -> {
                byte[] b = org.spillway.frame.udf.HeapColumn.heapToBinary(v.strings[i]);
                yield pool.intern(b, 0, b.length, Hashing.ofBytes(b, 0, b.length));
            }
            default -> v.longs[i];
        };
    }

    /** A vector value as a state long (strings interned). */
    public static long code(ColumnVector v, int i, StringPool pool) {
        return switch (v) {
            case IntVector x -> x.get(i);
            case LongVector x -> x.get(i);
            case DoubleVector x -> bits(x.get(i));
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
            case DoubleVectorBuilder x -> x.append(asDouble(code));
            case BoolVectorBuilder x -> x.append(code != 0);
            case StringVectorBuilder x -> x.append(pool.data(), pool.start((int) code), pool.length((int) code));
        }
    }

    /** Orders two state longs of type {@code t}: doubles numerically (NaN largest), strings by UTF-8 bytes. */
    static int compare(long a, long bb, DataType t, StringPool pool) {
        return switch (t.kind()) {
            case FLOAT64 -> Double.compare(asDouble(a), asDouble(bb));
            case STRING, BINARY, DECIMAL128 -> pool.compare((int) a, (int) bb);
            default -> Long.compare(a, bb);
        };
    }
}
