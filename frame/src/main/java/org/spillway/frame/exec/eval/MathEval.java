package org.spillway.frame.exec.eval;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.FunctionCall.Fn;
import org.spillway.frame.FunctionArgs;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;

/**
 * The math functions {@code abs}, {@code round}, {@code floor}, {@code ceil}, {@code sqrt}, {@code log},
 * {@code log10}, {@code exp} and {@code pow}, as Spark computes them ({@code StrictMath}; {@code round} half-up on the
 * value's shortest decimal form; {@code log} of a number <= 0 is null; NaN and infinities as IEEE arithmetic gives
 * them). An integer result that does not fit ({@code abs} of the smallest int64, {@code floor} of NaN) is an error
 * naming the value, or null in rows a CASE branch does not take ({@link EvalMask}).
 */
final class MathEval implements PhysicalExpr {
    private static final long[] POWERS_OF_TEN = new long[19];

    static {
        POWERS_OF_TEN[0] = 1;
        for (int i = 1; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
        }
    }

    private final FunctionCall expr; // for error messages
    private final Fn fn;
    private final DataType type;
    private final List<PhysicalExpr> args; // the non-constant arguments, as int32/int64 or float64
    private final int scale; // round's

    MathEval(FunctionCall expr, DataType type, List<PhysicalExpr> args) {
        this.expr = expr;
        this.fn = expr.fn();
        this.type = type;
        this.args = List.copyOf(args);
        this.scale = fn == Fn.ROUND ? FunctionArgs.integer(expr, 1) : 0;
    }

    @Override
    public HeapColumn eval(Chunk chunk) {
        int n = chunk.rows();
        HeapColumn x = args.getFirst().eval(chunk);
        HeapColumn out = new HeapColumn(type, n);
        if (fn == Fn.POW) {
            HeapColumn y = args.get(1).eval(chunk);
            for (int i = 0; i < n; i++) {
                if (x.isNull(i) || y.isNull(i)) {
                    out.setNull(i);
                } else {
                    out.doubles[i] = StrictMath.pow(x.asDouble(i), y.asDouble(i));
                }
            }
            return out;
        }
        out.nulls = x.nulls == null ? null : x.nulls.clone();
        boolean integral = x.longs != null;
        for (int i = 0; i < n; i++) {
            if (out.isNull(i)) {
                continue;
            }
            try {
                if (integral) {
                    integral(x.longs[i], out, i);
                } else {
                    floating(x.doubles[i], out, i);
                }
            } catch (ArithmeticException e) {
                if (EvalMask.ignored(i)) {
                    out.setNull(i); // a CASE branch not taken for this row
                    continue;
                }
                String value = integral ? String.valueOf(x.longs[i]) : String.valueOf(x.doubles[i]);
                throw new SpillwayException("Cannot evaluate " + expr + " for " + value + ": " + e.getMessage());
            }
        }
        return out;
    }

    private void integral(long v, HeapColumn out, int i) {
        switch (fn) {
            case ABS -> out.longs[i] = Math.absExact(v);
            case ROUND -> out.longs[i] = roundLong(v);
            case FLOOR, CEIL -> out.longs[i] = v;
            default -> floating(v, out, i);
        }
    }

    private void floating(double v, HeapColumn out, int i) {
        switch (fn) {
            case ABS -> out.doubles[i] = Math.abs(v);
            case ROUND -> out.doubles[i] = roundDouble(v, scale);
            case FLOOR -> out.longs[i] = toLong(Math.floor(v));
            case CEIL -> out.longs[i] = toLong(Math.ceil(v));
            case SQRT -> out.doubles[i] = Math.sqrt(v);
            case LOG, LOG10 -> {
                if (v <= 0) {
                    out.setNull(i); // Spark: no logarithm of 0 or a negative number
                } else {
                    out.doubles[i] = fn == Fn.LOG ? StrictMath.log(v) : StrictMath.log10(v);
                }
            }
            case EXP -> out.doubles[i] = StrictMath.exp(v);
            default -> throw new IllegalStateException(fn.sqlName());
        }
    }

    /** Spark's {@code round} of a double: half-up on its shortest decimal form ({@code 2.675} rounds to {@code 2.68}). */
    static double roundDouble(double v, int scale) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return v;
        }
        return BigDecimal.valueOf(v).setScale(scale, RoundingMode.HALF_UP).doubleValue();
    }

    /** An integer rounded half-up (away from zero) to {@code 10^-scale}; unchanged for {@code scale >= 0}. */
    private long roundLong(long v) {
        if (scale >= 0) {
            return v;
        }
        if (-scale >= POWERS_OF_TEN.length) {
            return 0; // |v| < 0.5 * 10^19
        }
        long p = POWERS_OF_TEN[-scale];
        long q = v / p;
        long r = v % p;
        if (Math.abs(r) >= p - Math.abs(r)) {
            q += Long.signum(v);
        }
        long result = Math.multiplyExact(q, p);
        if (type == DataType.INT32 && result != (int) result) {
            throw new ArithmeticException("int32 overflow");
        }
        return result;
    }

    private static long toLong(double d) {
        if (Double.isNaN(d) || d >= 0x1p63 || d < -0x1p63) {
            throw new ArithmeticException("the result is not an int64 (floor and ceil give int64, as Spark)");
        }
        return (long) d;
    }
}
