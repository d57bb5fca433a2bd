package org.spillway.frame.stats;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.Literals;
import org.spillway.frame.Expr.UnaryExpr;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.ChunkStats;

/**
 * Decides from a chunk's min/max/null-count statistics that a filter is false (or null) for every
 * row, so the chunk need not be read. Understands comparisons of a column with a literal, IS [NOT]
 * NULL, AND and OR, and {@code IN} and {@code BETWEEN} as the comparisons they stand for ({@link #asComparisons});
 * anything else is "cannot tell" (the chunk is read). Sound by construction: it
 * only skips what the filter would drop anyway. NaN is not in float64 statistics, and every
 * comparison with NaN is false, so only {@code <>} on float64 is never pruned.
 */
public final class StatsPruner {
    private StatsPruner() {
    }

    /** True if no row of a chunk with {@code stats} (columns as in {@code schema}) can pass {@code predicate}. */
    public static boolean canSkip(Expr predicate, Schema schema, ChunkStats stats) {
        return switch (predicate) {
            case BinaryExpr b when b.op() == BinaryExpr.Op.AND -> canSkip(b.left(), schema, stats) || canSkip(b.right(), schema, stats);
            case BinaryExpr b when b.op() == BinaryExpr.Op.OR -> canSkip(b.left(), schema, stats) && canSkip(b.right(), schema, stats);
            case BinaryExpr b -> comparison(b, schema, stats);
            case UnaryExpr u when u.child() instanceof ColumnRef c && u.op() == UnaryExpr.Op.IS_NULL -> {
                int i = schema.indexOf(c.column());
                yield i >= 0 && stats.column(i).known() && stats.column(i).nullCount() == 0;
            }
            case UnaryExpr u when u.child() instanceof ColumnRef c && u.op() == UnaryExpr.Op.IS_NOT_NULL -> {
                int i = schema.indexOf(c.column());
                yield i >= 0 && stats.column(i).nullCount() == stats.rows();
            }
            case Expr.FunctionCall f when asComparisons(f) != null -> canSkip(asComparisons(f), schema, stats);
            default -> false;
        };
    }

    /** The longest {@code IN} list {@link #asComparisons} rewrites (a longer one is not pruned). */
    static final int MAX_IN_LIST = 256;

    /**
     * {@code x IN (c1, c2, ...)} over constants as {@code x = c1 OR x = c2 ...} and {@code x BETWEEN a AND b} as
     * {@code x >= a AND x <= b}: the same rows are true, in the comparisons pruning understands; null for any other
     * expression.
     */
    public static Expr asComparisons(Expr e) {
        if (!(e instanceof Expr.FunctionCall f)) {
            return null;
        }
        java.util.List<Expr> a = f.args();
        return switch (f.fn()) {
            case BETWEEN -> new BinaryExpr(BinaryExpr.Op.AND, new BinaryExpr(BinaryExpr.Op.GEQ, a.get(0), a.get(1)),
                    new BinaryExpr(BinaryExpr.Op.LEQ, a.get(0), a.get(2)));
            case IN -> {
                if (a.size() < 2 || a.size() > MAX_IN_LIST + 1 || !a.stream().skip(1).allMatch(x -> x instanceof Literal)) {
                    yield null;
                }
                Expr or = null;
                for (Expr item : a.subList(1, a.size())) {
                    Expr eq = new BinaryExpr(BinaryExpr.Op.EQ, a.getFirst(), item);
                    or = or == null ? eq : new BinaryExpr(BinaryExpr.Op.OR, or, eq);
                }
                yield or;
            }
            default -> null;
        };
    }

    private static boolean comparison(BinaryExpr b, Schema schema, ChunkStats stats) {
        BinaryExpr.Op op = b.op();
        ColumnRef col;
        Literal lit;
        if (b.left() instanceof ColumnRef c && b.right() instanceof Literal l) {
            col = c;
            lit = l;
        } else if (b.left() instanceof Literal l && b.right() instanceof ColumnRef c) {
            col = c;
            lit = l;
            op = flip(op);
            if (op == null) {
                return false;
            }
        } else {
            return false;
        }
        int i = schema.indexOf(col.column());
        if (i < 0 || lit.value() == null) {
            return false;
        }
        ChunkStats.ColumnStats cs = stats.column(i);
        if (!cs.known()) {
            return false;
        }
        DataType t = schema.type(i);
        if (cs.min() == null || cs.max() == null) {
            // every value is null (or, for float64, NaN): a comparison is never true
            return cs.nullCount() == stats.rows() || (t == DataType.FLOAT64 && op != BinaryExpr.Op.NEQ);
        }
        if (t == DataType.STRING && op != BinaryExpr.Op.EQ && op != BinaryExpr.Op.NEQ && !isAscii(lit.value())) {
            // Statistics order strings by UTF-8 bytes, filters by String.compareTo; the two agree on
            // every comparison with an ASCII literal, and equality never depends on the order.
            return false;
        }
        int cmpMin;
        int cmpMax;
        try {
            cmpMin = compare(cs.min(), lit.value(), t);
            cmpMax = compare(cs.max(), lit.value(), t);
        } catch (RuntimeException e) {
            return false; // a literal we cannot compare exactly: read the chunk
        }
        return switch (op) {
            case GT -> cmpMax <= 0;
            case GEQ -> cmpMax < 0;
            case LT -> cmpMin >= 0;
            case LEQ -> cmpMin > 0;
            case EQ -> cmpMin > 0 || cmpMax < 0;
            case NEQ -> t != DataType.FLOAT64 && cmpMin == 0 && cmpMax == 0;
            default -> false;
        };
    }

    private static boolean isAscii(Object v) {
        if (!(v instanceof String s)) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static BinaryExpr.Op flip(BinaryExpr.Op op) {
        return switch (op) {
            case GT -> BinaryExpr.Op.LT;
            case GEQ -> BinaryExpr.Op.LEQ;
            case LT -> BinaryExpr.Op.GT;
            case LEQ -> BinaryExpr.Op.GEQ;
            case EQ, NEQ -> op;
            default -> null;
        };
    }

    /** Compares a statistic (the column's Java value) with a literal, in the column's type. */
    static int compare(Object stat, Object literal, DataType t) {
        switch (t.kind()) {
            case INT32, INT64, DATE, TIMESTAMP, TIMESTAMP_NTZ, TIME -> {
                long s = ((Number) stat).longValue();
                if (literal instanceof Double || literal instanceof Float) {
                    // as the filter compares an integer with a double: -0.0 equals 0, NaN equals nothing
                    double a = (double) s;
                    double b = ((Number) literal).doubleValue();
                    if (Double.isNaN(b)) {
                        throw new IllegalArgumentException("NaN");
                    }
                    return a < b ? -1 : a > b ? 1 : 0;
                }
                return Long.compare(s, Literals.toLong(literal, t));
            }
            case FLOAT64 -> {
                double a = ((Number) stat).doubleValue();
                double b = ((Number) literal).doubleValue();
                return a < b ? -1 : a > b ? 1 : 0; // as the filter compares: -0.0 equals 0.0

            }
            case STRING -> {
                if (!(literal instanceof String l)) {
                    throw new IllegalArgumentException("not a string");
                }
                return Arrays.compareUnsigned(((String) stat).getBytes(StandardCharsets.UTF_8), l.getBytes(StandardCharsets.UTF_8));
            }
            case BOOL -> {
                return Boolean.compare((Boolean) stat, (Boolean) literal);
            }
            case BINARY -> {
                // bounds and filters both order binary values as unsigned bytes
                return Arrays.compareUnsigned((byte[]) stat, (byte[]) literal);
            }
            case DECIMAL, DECIMAL128 -> {
                // bounds are unscaled (int64 or stored bytes); the filter compares exactly, as here
                java.math.BigDecimal a = stat instanceof byte[] b ? org.spillway.spill.vector.DecimalValues.ofWide(b, t.scale())
                        : java.math.BigDecimal.valueOf(((Number) stat).longValue(), t.scale());
                if (literal instanceof String str && !Literals.isDecimalText(str)) {
                    throw new IllegalArgumentException("not a number");
                }
                try {
                    return a.compareTo(Literals.toBigDecimal(literal));
                } catch (ArithmeticException | org.spillway.frame.SpillwayException e) {
                    throw new IllegalArgumentException(e.getMessage());
                }
            }
        }
        throw new IllegalArgumentException(t.toString());
    }
}
