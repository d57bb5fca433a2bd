package org.spillway.frame.exec.eval;

import java.util.Locale;
import org.spillway.frame.Expr.StringFunction;
import org.spillway.frame.Expr.StringFunction.Fn;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;

/** Evaluates the string functions (length, lower, upper, trim, contains, startsWith, endsWith, substring). */
final class StringFunctionEval implements PhysicalExpr {
    private final Fn fn;
    private final PhysicalExpr child;
    private final String arg;
    private final int pos;
    private final int len;

    StringFunctionEval(StringFunction expr, PhysicalExpr child) {
        this.fn = expr.fn();
        this.child = child;
        this.arg = expr.arg();
        this.pos = expr.pos();
        this.len = expr.len();
    }


    @Override
    public HeapColumn eval(Chunk chunk) {
        HeapColumn v = child.eval(chunk);
        int n = chunk.rows();
        DataType outType = switch (fn) {
            case LENGTH -> DataType.INT32;
            case CONTAINS, STARTS_WITH, ENDS_WITH -> DataType.BOOL;
            default -> DataType.STRING;
        };
        HeapColumn out = new HeapColumn(outType, n);
        out.nulls = v.nulls;
        for (int i = 0; i < n; i++) {
            String s = v.strings[i];
            if (s == null) {
                continue;
            }
            switch (fn) {
                case LENGTH -> out.longs[i] = s.codePointCount(0, s.length());
                case LOWER -> out.strings[i] = s.toLowerCase(Locale.ROOT);
                case UPPER -> out.strings[i] = s.toUpperCase(Locale.ROOT);
                case TRIM -> out.strings[i] = s.strip();
                case CONTAINS -> out.bools[i] = s.contains(arg);
                case STARTS_WITH -> out.bools[i] = s.startsWith(arg);
                case ENDS_WITH -> out.bools[i] = s.endsWith(arg);
                case SUBSTRING -> out.strings[i] = substring(s);
            }
        }
        return out;
    }

    private String substring(String s) {
        // Spark's substringSQL: the end is computed from the unclamped start, so a window that lies
        // wholly or partly before the first character keeps only its part inside the string
        int cps = s.codePointCount(0, s.length());
        long first = pos > 0 ? pos - 1L : pos < 0 ? (long) cps + pos : 0;
        int end = (int) Math.min(cps, first + len);
        int start = (int) Math.max(0, first);
        if (start >= end) {
            return "";
        }
        return s.substring(s.offsetByCodePoints(0, start), s.offsetByCodePoints(0, end));
    }

}
