package org.spillway.frame.expr;

import java.util.Locale;
import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** String functions: length, lower, upper, trim, contains, startsWith, endsWith, substring. */
public final class StringFunction extends Expr {
    /** The functions. */
    public enum Fn { LENGTH, LOWER, UPPER, TRIM, CONTAINS, STARTS_WITH, ENDS_WITH, SUBSTRING }

    private final Fn fn;
    private final Expr child;
    private final String arg;
    private final int pos;
    private final int len;

    /** {@code fn(child, arg | pos, len)}. */
    public StringFunction(Fn fn, Expr child, String arg, int pos, int len) {
        this.fn = fn;
        this.child = child;
        this.arg = arg;
        this.pos = pos;
        this.len = len;
        if ((fn == Fn.CONTAINS || fn == Fn.STARTS_WITH || fn == Fn.ENDS_WITH) && arg == null) {
            throw new SpillwayException(fn.name().toLowerCase(Locale.ROOT) + " needs a non-null string argument");
        }
        if (fn == Fn.SUBSTRING && len < 0) {
            throw new SpillwayException("substring length must be >= 0, got " + len);
        }
    }

    @Override
    public DataType type(Schema schema) {
        DataType t = child.type(schema);
        if (t != DataType.STRING) {
            throw new SpillwayException("Type error in " + this + ": " + fn.name().toLowerCase(Locale.ROOT)
                    + " needs a string, but " + child + " is " + t + ". Use .cast(DataType.STRING) first");
        }
        return switch (fn) {
            case LENGTH -> DataType.INT32;
            case CONTAINS, STARTS_WITH, ENDS_WITH -> DataType.BOOL;
            default -> DataType.STRING;
        };
    }

    @Override
    public Values eval(Chunk chunk) {
        Values v = child.eval(chunk);
        int n = chunk.rows();
        DataType outType = switch (fn) {
            case LENGTH -> DataType.INT32;
            case CONTAINS, STARTS_WITH, ENDS_WITH -> DataType.BOOL;
            default -> DataType.STRING;
        };
        Values out = new Values(outType, n);
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

    @Override
    public void collectColumns(Set<String> out) {
        child.collectColumns(out);
    }

    @Override
    public String name() {
        return toString();
    }

    @Override
    public String toString() {
        String f = fn.name().toLowerCase(Locale.ROOT);
        return switch (fn) {
            case CONTAINS, STARTS_WITH, ENDS_WITH -> f + "(" + child + ", '" + arg + "')";
            case SUBSTRING -> "substring(" + child + ", " + pos + ", " + len + ")";
            default -> f + "(" + child + ")";
        };
    }
}
