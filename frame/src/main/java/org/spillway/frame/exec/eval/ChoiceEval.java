package org.spillway.frame.exec.eval;

import java.util.List;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;

/**
 * {@code coalesce}, {@code greatest} and {@code least}: per row, one of the arguments' values (all already of the
 * result type). {@code coalesce} evaluates an argument only for the rows still null (as SQL, an error in a row an
 * earlier argument settled gives no error: {@link EvalMask}); {@code greatest}/{@code least} skip nulls and order
 * float64 with NaN above every number and strings by code point (the order of their UTF-8 bytes), as Spark and DuckDB.
 */
final class ChoiceEval {
    private ChoiceEval() {
    }

    static PhysicalExpr coalesce(DataType type, List<PhysicalExpr> args) {
        List<PhysicalExpr> in = List.copyOf(args);
        return chunk -> {
            int n = chunk.rows();
            HeapColumn out = HeapColumn.nulls(type, n);
            int open = n;
            for (PhysicalExpr arg : in) {
                if (open == 0) {
                    break;
                }
                boolean[] need = out.nulls.clone();
                boolean[] prev = EvalMask.push(need);
                HeapColumn v;
                try {
                    v = arg.eval(chunk);
                } finally {
                    EvalMask.pop(prev);
                }
                for (int i = 0; i < n; i++) {
                    if (need[i] && !v.isNull(i)) {
                        copy(v, i, out);
                        open--;
                    }
                }
            }
            return out;
        };
    }

    static PhysicalExpr extreme(DataType type, boolean greatest, List<PhysicalExpr> args) {
        List<PhysicalExpr> in = List.copyOf(args);
        return chunk -> {
            int n = chunk.rows();
            HeapColumn out = HeapColumn.nulls(type, n);
            for (PhysicalExpr arg : in) {
                HeapColumn v = arg.eval(chunk);
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        continue;
                    }
                    if (out.nulls[i]) {
                        copy(v, i, out);
                        continue;
                    }
                    int c = compare(v, out, i);
                    if (greatest ? c > 0 : c < 0) {
                        copy(v, i, out);
                    }
                }
            }
            return out;
        };
    }

    /** {@code a[i]} against {@code b[i]}, both of one type. */
    private static int compare(HeapColumn a, HeapColumn b, int i) {
        return switch (b.type.kind()) {
            case FLOAT64 -> compareDoubles(a.doubles[i], b.doubles[i]);
            case BOOL -> Boolean.compare(a.bools[i], b.bools[i]);
            case STRING -> compareCodePoints(a.strings[i], b.strings[i]);
            case BINARY, DECIMAL128 -> a.strings[i].compareTo(b.strings[i]); // one char per byte: unsigned byte order
            default -> Long.compare(a.longs[i], b.longs[i]);
        };
    }

    /** NaN above every number and equal to itself; -0.0 equals 0.0 (the first one stays). */
    static int compareDoubles(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Boolean.compare(Double.isNaN(x), Double.isNaN(y));
        }
        return x < y ? -1 : x > y ? 1 : 0;
    }

    /** Strings by code point, which is the order of their UTF-8 bytes (Java's compareTo orders UTF-16 units). */
    static int compareCodePoints(String s, String t) {
        int n = Math.min(s.length(), t.length());
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            char d = t.charAt(i);
            if (c != d) {
                return fixup(c) - fixup(d);
            }
        }
        return s.length() - t.length();
    }

    /** Moves surrogates (U+D800..U+DFFF) above U+E000..U+FFFF, so that UTF-16 units order as code points. */
    private static int fixup(char c) {
        return c >= 0xE000 ? c - 0x800 : c >= 0xD800 ? c + 0x2000 : c;
    }

    private static void copy(HeapColumn from, int i, HeapColumn to) {
        to.nulls[i] = false;
        switch (to.type.kind()) {
            case FLOAT64 -> to.doubles[i] = from.doubles[i];
            case BOOL -> to.bools[i] = from.bools[i];
            case STRING, BINARY, DECIMAL128 -> to.strings[i] = from.strings[i];
            default -> to.longs[i] = from.longs[i];
        }
    }
}
