package org.spillway.frame.exec.eval;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.BinaryExpr.Op;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.Literals;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.vector.DecimalValues;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * Binary operators with a decimal operand. Comparisons are exact: against a literal (a number,
 * BigDecimal or decimal text) the literal is turned once into a bound on the unscaled values
 * ({@code price > 10.555} on {@code decimal(10,2)} is {@code unscaled > 1055}); two decimals of one
 * scale compare their unscaled values. Anything else (arithmetic, decimals of different scales,
 * a decimal against a float64 column) computes in float64, as {@link DataType} documents.
 */
final class DecimalCompare {
    private DecimalCompare() {
    }

    static boolean applies(BinaryExpr b, Schema schema) {
        if (!b.op().isComparison() && !b.op().isArithmetic()) {
            return false;
        }
        return isDecimal(b.left(), schema) || isDecimal(b.right(), schema);
    }

    private static boolean isDecimal(Expr e, Schema schema) {
        return !(e instanceof Literal l && l.value() == null) && e.type(schema).isDecimal();
    }

    static PhysicalExpr compile(BinaryExpr b, Schema schema) {
        Op op = b.op();
        if (op.isComparison()) {
            DataType lt = isNullLiteral(b.left()) ? null : b.left().type(schema);
            DataType rt = isNullLiteral(b.right()) ? null : b.right().type(schema);
            if (lt != null && lt.isDecimal() && b.right() instanceof Literal l && l.value() != null) {
                return againstLiteral(op, ExprCompiler.compile(b.left(), schema), lt, Literals.toBigDecimal(l.value()));
            }
            if (rt != null && rt.isDecimal() && b.left() instanceof Literal l && l.value() != null) {
                return againstLiteral(flip(op), ExprCompiler.compile(b.right(), schema), rt, Literals.toBigDecimal(l.value()));
            }
            if (lt != null && rt != null && lt.isDecimal() && rt.isDecimal() && lt.kind() == rt.kind() && lt.scale() == rt.scale()) {
                return sameScale(op, ExprCompiler.compile(b.left(), schema), ExprCompiler.compile(b.right(), schema));
            }
        }
        return ExprCompiler.compile(new BinaryExpr(op, asDouble(b.left(), schema), asDouble(b.right(), schema)), schema);
    }

    private static boolean isNullLiteral(Expr e) {
        return e instanceof Literal l && l.value() == null;
    }

    private static Expr asDouble(Expr e, Schema schema) {
        return isDecimal(e, schema) ? new Expr.CastExpr(e, DataType.FLOAT64) : e;
    }

    private static Op flip(Op op) {
        return switch (op) {
            case GT -> Op.LT;
            case GEQ -> Op.LEQ;
            case LT -> Op.GT;
            case LEQ -> Op.GEQ;
            default -> op;
        };
    }

    /** Per row, the sign of (value - literal); never 0 when the literal falls between two representable values. */
    private interface Sign {
        int of(HeapColumn v, int i);
    }

    private static PhysicalExpr againstLiteral(Op op, PhysicalExpr side, DataType t, BigDecimal x) {
        BigDecimal scaled = x.movePointRight(t.scale());
        BigInteger floor = scaled.setScale(0, RoundingMode.FLOOR).toBigIntegerExact();
        boolean exact = scaled.compareTo(new BigDecimal(floor)) == 0;
        Sign sign;
        if (!DecimalValues.fits(floor, t.precision()) && floor.signum() > 0) {
            sign = (v, i) -> -1; // the literal is above every value of the type
        } else if (!DecimalValues.fits(floor.add(BigInteger.ONE), t.precision()) && floor.signum() < 0) {
            sign = (v, i) -> 1; // below every value
        } else if (t.kind() == DataType.Kind.DECIMAL) {
            long f = floor.longValueExact();
            sign = exact ? (v, i) -> Long.compare(v.longs[i], f) : (v, i) -> v.longs[i] <= f ? -1 : 1;
        } else {
            String f = HeapColumn.binaryToHeap(DecimalValues.wideBytes(floor));
            sign = exact ? (v, i) -> Integer.signum(v.strings[i].compareTo(f)) : (v, i) -> v.strings[i].compareTo(f) <= 0 ? -1 : 1;
        }
        return chunk -> apply(op, side.eval(chunk), null, sign, chunk);
    }

    private static PhysicalExpr sameScale(Op op, PhysicalExpr left, PhysicalExpr right) {
        return chunk -> {
            HeapColumn a = left.eval(chunk);
            HeapColumn b = right.eval(chunk);
            Sign sign = a.longs != null ? (v, i) -> Long.compare(v.longs[i], b.longs[i])
                    : (v, i) -> Integer.signum(v.strings[i].compareTo(b.strings[i]));
            return apply(op, a, b, sign, chunk);
        };
    }

    private static HeapColumn apply(Op op, HeapColumn a, HeapColumn b, Sign sign, Chunk chunk) {
        int n = chunk.rows();
        HeapColumn out = new HeapColumn(DataType.BOOL, n);
        for (int i = 0; i < n; i++) {
            if (a.isNull(i) || (b != null && b.isNull(i))) {
                out.setNull(i);
                continue;
            }
            int s = sign.of(a, i);
            out.bools[i] = switch (op) {
                case EQ -> s == 0;
                case NEQ -> s != 0;
                case LT -> s < 0;
                case LEQ -> s <= 0;
                case GT -> s > 0;
                case GEQ -> s >= 0;
                default -> throw new IllegalStateException(op.toString());
            };
        }
        return out;
    }
}
