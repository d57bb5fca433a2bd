package org.spillway.frame.udf;

import java.util.Arrays;
import org.spillway.spill.DataType;
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
 * The heap result of evaluating an expression over one chunk: one primitive array by type
 * (int32, int64, date, timestamp, timestamp_ntz and time in {@code longs}; float64 in {@code doubles}; bool in
 * {@code bools}; strings as Java strings; binary values as Java strings of one char per byte, ISO-8859-1, so
 * that {@code compareTo} orders them as unsigned bytes: see {@code binaryToHeap}; decimals as their unscaled
 * values, in {@code longs} up to 18 digits and as the 16 stored bytes in {@code strings} beyond, see
 * {@code org.spillway.spill.vector.DecimalValues}) and a null mask ({@code null} when nothing is null).
 * Intermediates stay on the heap and live for one chunk; only the final output is copied
 * off-heap into a budgeted chunk.
 */
public final class HeapColumn {
    /** The logical type. */
    public final DataType type;
    /** Number of rows. */
    public final int n;
    /** Integral values (int32, int64, date, timestamp, timestamp_ntz, time). */
    public long[] longs;
    /** float64 values. */
    public double[] doubles;
    /** bool values. */
    public boolean[] bools;
    /** string values (and binary values, one char per byte). */
    public String[] strings;
    /** nulls[i] = row i is null; null array when there are none. */
    public boolean[] nulls;

    /** Allocates values of {@code type} for {@code n} rows. */
    public HeapColumn(DataType type, int n) {
        this.type = type;
        this.n = n;
        switch (type.kind()) {
            case INT32, INT64, DATE, TIMESTAMP, TIMESTAMP_NTZ, TIME, DECIMAL -> longs = new long[n];
            case FLOAT64 -> doubles = new double[n];
            case BOOL -> bools = new boolean[n];
            case STRING, BINARY, DECIMAL128 -> strings = new String[n];
        }
    }

    /** True if row i is null. */
    public boolean isNull(int i) {
        return nulls != null && nulls[i];
    }

    /** Marks row i null. */
    public void setNull(int i) {
        if (nulls == null) {
            nulls = new boolean[n];
        }
        nulls[i] = true;
    }

    /** Row i as a double (numeric types only). */
    public double asDouble(int i) {
        return doubles != null ? doubles[i] : longs[i];
    }

    /** Reads a whole vector. */
    public static HeapColumn of(ColumnVector v) {
        int n = v.size();
        HeapColumn out = new HeapColumn(v.type(), n);
        switch (v) {
            case IntVector iv -> {
                for (int i = 0; i < n; i++) {
                    out.longs[i] = iv.get(i);
                }
            }
            case LongVector lv -> {
                for (int i = 0; i < n; i++) {
                    out.longs[i] = lv.get(i);
                }
            }
            case DoubleVector dv -> {
                for (int i = 0; i < n; i++) {
                    out.doubles[i] = dv.get(i);
                }
            }
            case BoolVector bv -> {
                for (int i = 0; i < n; i++) {
                    out.bools[i] = bv.get(i);
                }
            }
            case StringVector sv -> {
                boolean binary = sv.type() != DataType.STRING;
                if (sv.isDictionary()) {
                    String[] dict = new String[sv.dictionarySize()];
                    for (int i = 0; i < n; i++) {
                        if (!sv.isNull(i)) {
                            int c = sv.code(i);
                            String s = dict[c];
                            if (s == null) {
                                s = binary ? binaryToHeap(sv.getBytes(i)) : sv.getString(i);
                                dict[c] = s;
                            }
                            out.strings[i] = s;
                        }
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        out.strings[i] = sv.isNull(i) ? null : binary ? binaryToHeap(sv.getBytes(i)) : sv.getString(i);
                    }
                }
            }
        }
        if (v.hasNulls()) {
            out.nulls = new boolean[n];
            for (int i = 0; i < n; i++) {
                out.nulls[i] = v.isNull(i);
            }
        }
        return out;
    }

    /** A column of {@code n} nulls of {@code type}. */
    public static HeapColumn nulls(DataType type, int n) {
        HeapColumn out = new HeapColumn(type, n);
        out.nulls = new boolean[n];
        Arrays.fill(out.nulls, true);
        return out;
    }

    /** Appends rows {@code [0, n)} (or the selected ones) to a builder of the same type. */
    public void appendTo(VectorBuilder b, boolean[] selection) {
        for (int i = 0; i < n; i++) {
            if (selection != null && !selection[i]) {
                continue;
            }
            if (isNull(i)) {
                b.appendNull();
                continue;
            }
            switch (b) {
                case IntVectorBuilder ib -> ib.append((int) longs[i]);
                case LongVectorBuilder lb -> lb.append(longs[i]);
                case DoubleVectorBuilder db -> db.append(doubles[i]);
                case BoolVectorBuilder bb -> bb.append(bools[i]);
                case StringVectorBuilder sb -> {
                    if (sb.type() != DataType.STRING) {
                        byte[] bytes = heapToBinary(strings[i]);
                        sb.append(bytes, 0, bytes.length);
                    } else {
                        sb.append(strings[i]);
                    }
                }
            }
        }
    }

    /**
     * The heap form of a binary value in evaluators: one char per byte (ISO-8859-1), so that
     * {@link String#compareTo} orders values as unsigned bytes.
     */
    public static String binaryToHeap(byte[] b) {
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** The bytes of a binary value's heap form ({@link #binaryToHeap}). */
    public static byte[] heapToBinary(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
