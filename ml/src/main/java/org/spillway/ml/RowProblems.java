package org.spillway.ml;

import java.util.List;
import org.spillway.spill.vector.ColumnVector;

/**
 * Invalid rows found while scanning, by kind: how many, and the first one (its row number in row
 * order and its value). Chunks are scanned in parallel, each into its own instance with chunk-local
 * row numbers; {@link #mergeLater} adds a later chunk's, shifted by the rows before it, so the
 * first row reported is the first in the frame.
 */
final class RowProblems {
    /**
     * One kind of invalid row: {@code column} must {@code rule}; offending rows {@code violation}
     * (e.g. "are null", "do not"); {@code fix} says what to do. {@code showValue} adds the value.
     */
    record Kind(String column, String rule, String violation, String fix, boolean showValue) {
    }

    private final long[] count;
    private final long[] firstRow;
    private final double[] firstValue;

    RowProblems(int kinds) {
        count = new long[kinds];
        firstRow = new long[kinds];
        firstValue = new double[kinds];
    }

    /** Records an invalid row of kind {@code kind} at (chunk-local) row {@code row}. */
    void add(int kind, int row, double value) {
        if (count[kind]++ == 0) {
            firstRow[kind] = row;
            firstValue[kind] = value;
        }
    }

    /**
     * Records every null of {@code columns[j]} (an absent column is null) as a problem of kind
     * {@code nullKinds[j]}; returns which of the chunk's {@code n} rows hold a null, or null if none
     * does. A row's problems are independent of each other, so reading column by column records the
     * same first rows as reading row by row.
     */
    boolean[] nullRows(int n, ColumnVector[] columns, int[] nullKinds) {
        boolean[] rows = null;
        for (int j = 0; j < columns.length; j++) {
            ColumnVector v = columns[j];
            if (v == null || !v.hasNulls()) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                if (v.isNull(i)) {
                    add(nullKinds[j], i, 0);
                    if (rows == null) {
                        rows = new boolean[n];
                    }
                    rows[i] = true;
                }
            }
        }
        return rows;
    }

    /**
     * Row {@code i}'s weight: 1 without a weight column ({@code w} null), else {@code w[i]} if it is
     * finite and non-negative; otherwise NaN, recorded as a problem of kind {@code badKind}.
     */
    double weight(double[] w, int i, int badKind) {
        if (w == null) {
            return 1;
        }
        double wt = w[i];
        if (!(wt >= 0 && wt < Double.POSITIVE_INFINITY)) {
            add(badKind, i, wt);
            return Double.NaN;
        }
        return wt;
    }

    /** Adds the problems of a chunk that comes after those already merged, starting at row {@code offset}. */
    void mergeLater(RowProblems later, long offset) {
        for (int k = 0; k < count.length; k++) {
            if (later.count[k] == 0) {
                continue;
            }
            if (count[k] == 0) {
                firstRow[k] = later.firstRow[k] + offset;
                firstValue[k] = later.firstValue[k];
            }
            count[k] += later.count[k];
        }
    }

    /** Throws an {@link MlException} describing the first kind (in {@code kinds} order) with invalid rows, if any. */
    void throwIfAny(String evaluator, List<Kind> kinds, long rows) {
        for (int k = 0; k < count.length; k++) {
            if (count[k] == 0) {
                continue;
            }
            Kind kind = kinds.get(k);
            StringBuilder sb = new StringBuilder(evaluator).append(": column '").append(kind.column()).append("' must ")
                    .append(kind.rule()).append(", but ").append(EvalColumns.count(count[k])).append(" of ")
                    .append(EvalColumns.count(rows)).append(" rows ").append(kind.violation()).append(" (the first is row ")
                    .append(EvalColumns.count(firstRow[k]));
            if (kind.showValue()) {
                sb.append(", holding ").append(EvalColumns.format(firstValue[k]));
            }
            sb.append("); ").append(kind.fix());
            throw new MlException(sb.toString());
        }
    }
}
