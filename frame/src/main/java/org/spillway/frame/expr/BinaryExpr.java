package org.spillway.frame.expr;

import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** Arithmetic, comparison and boolean logic on two operands, with SQL null semantics. */
public final class BinaryExpr extends Expr {
    /** The operators. */
    public enum Op {
        PLUS("+"), MINUS("-"), MULTIPLY("*"), DIVIDE("/"), MOD("%"),
        GT(">"), GEQ(">="), LT("<"), LEQ("<="), EQ("="), NEQ("<>"),
        AND("AND"), OR("OR");

        final String symbol;

        Op(String symbol) {
            this.symbol = symbol;
        }

        boolean isArithmetic() {
            return ordinal() <= MOD.ordinal();
        }

        boolean isComparison() {
            return ordinal() >= GT.ordinal() && ordinal() <= NEQ.ordinal();
        }

        /** The operator as written in expressions. */
        public String symbol() {
            return symbol;
        }
    }

    private final Op op;
    private final Expr left;
    private final Expr right;

    /** {@code left op right}. */
    public BinaryExpr(Op op, Expr left, Expr right) {
        this.op = op;
        this.left = left;
        this.right = right;
    }

    /** The operator. */
    public Op op() {
        return op;
    }

    /** The left operand. */
    public Expr left() {
        return left;
    }

    /** The right operand. */
    public Expr right() {
        return right;
    }

    private static boolean isNullLiteral(Expr e) {
        return e instanceof Literal l && l.value() == null;
    }

    @Override
    public DataType type(Schema schema) {
        DataType lt = isNullLiteral(left) ? null : left.type(schema);
        DataType rt = isNullLiteral(right) ? null : right.type(schema);
        if (op.isArithmetic()) {
            DataType l = lt == null ? rt : lt;
            DataType r = rt == null ? lt : rt;
            if (l == null) {
                return op == Op.DIVIDE ? DataType.FLOAT64 : DataType.INT64;
            }
            if (!l.isNumeric() || !r.isNumeric()) {
                throw mismatch(schema, lt, rt, "needs numbers");
            }
            if (op == Op.DIVIDE || l == DataType.FLOAT64 || r == DataType.FLOAT64) {
                return DataType.FLOAT64;
            }
            return DataType.INT64;
        }
        if (op.isComparison()) {
            if (lt != null && rt != null && !comparable(lt, rt, left, right)) {
                throw mismatch(schema, lt, rt, "cannot compare these types");
            }
            if (lt != null && rt != null && lt != rt) {
                checkTemporalLiteral(left, rt);
                checkTemporalLiteral(right, lt);
            }
            return DataType.BOOL;
        }
        if ((lt != null && lt != DataType.BOOL) || (rt != null && rt != DataType.BOOL)) {
            throw mismatch(schema, lt, rt, "needs bool operands (comparisons or bool columns)");
        }
        return DataType.BOOL;
    }

    private static boolean comparable(DataType a, DataType b, Expr l, Expr r) {
        if (a == b || (a.isNumeric() && b.isNumeric())) {
            return true;
        }
        // a date/timestamp column against a string literal such as '2024-01-31'
        boolean aTemporal = a == DataType.DATE || a == DataType.TIMESTAMP;
        boolean bTemporal = b == DataType.DATE || b == DataType.TIMESTAMP;
        return (aTemporal && b == DataType.STRING && r instanceof Literal)
                || (bTemporal && a == DataType.STRING && l instanceof Literal);
    }

    /** A string literal compared with a date or timestamp must parse as one: fail here, not when a chunk is evaluated. */
    private void checkTemporalLiteral(Expr e, DataType otherType) {
        if (e instanceof Literal l && l.value() instanceof String text
                && (otherType == DataType.DATE || otherType == DataType.TIMESTAMP)) {
            try {
                Literals.toLong(text, otherType);
            } catch (RuntimeException ex) {
                throw new SpillwayException("Type error in " + this + ": " + l + " is not a valid " + otherType.displayName()
                        + " (" + ex.getMessage() + "); write dates as 2024-01-31 and timestamps as 2024-01-31T10:15:30Z");
            }
        }
    }

    private SpillwayException mismatch(Schema schema, DataType lt, DataType rt, String why) {
        return new SpillwayException("Type error in " + this + ": " + op.symbol + " " + why + ", but "
                + describe(left, lt) + " and " + describe(right, rt)
                + (op.isArithmetic() || op.isComparison() ? ". Convert one side with .cast(DataType...)" : ""));
    }

    private static String describe(Expr e, DataType t) {
        String what = e instanceof ColumnRef c ? "column '" + c.column() + "'"
                : e instanceof Literal l && l.value() instanceof String ? e.toString() // already quoted
                : "'" + e + "'";
        return what + " is " + (t == null ? "null" : t.displayName());
    }

    @Override
    public Values eval(Chunk chunk) {
        Values a = operand(left, right, chunk);
        Values b = operand(right, left, chunk);
        int n = chunk.rows();
        if (op == Op.AND || op == Op.OR) {
            return logic(a, b, n);
        }
        Values out = new Values(op.isComparison() ? DataType.BOOL
                : (op == Op.DIVIDE || a.type == DataType.FLOAT64 || b.type == DataType.FLOAT64) ? DataType.FLOAT64 : DataType.INT64, n);
        boolean[] nulls = orNulls(a, b, n);
        out.nulls = nulls;
        if (op.isComparison()) {
            compare(a, b, out, n);
        } else if (out.type == DataType.FLOAT64) {
            arithDouble(a, b, out, n);
        } else {
            arithLong(a, b, out, n);
        }
        return out;
    }

    /** Evaluates {@code e}, converting a literal to the other side's type where that is how it compares. */
    private static Values operand(Expr e, Expr other, Chunk chunk) {
        if (e instanceof Literal lit) {
            // also when the other side is a literal: lit(null).eq(lit(1)) and
            // lit("2024-01-31").eq(lit(LocalDate...)) must compare values of one type
            DataType ot = other.type(chunk.schema());
            if (lit.value() == null || (lit.literalType() == DataType.STRING && (ot == DataType.DATE || ot == DataType.TIMESTAMP))) {
                return lit.evalAs(ot, chunk.rows());
            }
        }
        return e.eval(chunk);
    }

    private static boolean[] orNulls(Values a, Values b, int n) {
        if (a.nulls == null && b.nulls == null) {
            return null;
        }
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = a.isNull(i) || b.isNull(i);
        }
        return out;
    }

    private Values logic(Values a, Values b, int n) {
        Values out = new Values(DataType.BOOL, n);
        boolean and = op == Op.AND;
        for (int i = 0; i < n; i++) {
            boolean an = a.isNull(i);
            boolean bn = b.isNull(i);
            boolean av = !an && a.bools[i];
            boolean bv = !bn && b.bools[i];
            if (and) {
                if ((!an && !av) || (!bn && !bv)) {
                    out.bools[i] = false;
                } else if (an || bn) {
                    out.setNull(i);
                } else {
                    out.bools[i] = true;
                }
            } else {
                if (av || bv) {
                    out.bools[i] = true;
                } else if (an || bn) {
                    out.setNull(i);
                } else {
                    out.bools[i] = false;
                }
            }
        }
        return out;
    }

    private void compare(Values a, Values b, Values out, int n) {
        boolean[] r = out.bools;
        if (a.strings != null && b.strings != null) {
            for (int i = 0; i < n; i++) {
                if (!out.isNull(i)) {
                    r[i] = test(a.strings[i].compareTo(b.strings[i]));
                }
            }
        } else if (a.bools != null && b.bools != null) {
            for (int i = 0; i < n; i++) {
                r[i] = test(Boolean.compare(a.bools[i], b.bools[i]));
            }
        } else if (a.longs != null && b.longs != null) {
            long[] x = a.longs;
            long[] y = b.longs;
            switch (op) {
                case GT -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = x[i] > y[i];
                    }
                }
                case GEQ -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = x[i] >= y[i];
                    }
                }
                case LT -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = x[i] < y[i];
                    }
                }
                case LEQ -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = x[i] <= y[i];
                    }
                }
                case EQ -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = x[i] == y[i];
                    }
                }
                default -> {
                    for (int i = 0; i < n; i++) {
                        r[i] = x[i] != y[i];
                    }
                }
            }
        } else {
            for (int i = 0; i < n; i++) {
                double x = a.asDouble(i);
                double y = b.asDouble(i);
                r[i] = switch (op) {
                    case GT -> x > y;
                    case GEQ -> x >= y;
                    case LT -> x < y;
                    case LEQ -> x <= y;
                    case EQ -> x == y;
                    default -> x != y;
                };
            }
        }
        // SQL compares strings by UTF-8 bytes; Java's compareTo uses UTF-16 units, which differs only
        // for supplementary characters against U+E000..U+FFFF: accepted, documented in the README.
    }

    private boolean test(int c) {
        return switch (op) {
            case GT -> c > 0;
            case GEQ -> c >= 0;
            case LT -> c < 0;
            case LEQ -> c <= 0;
            case EQ -> c == 0;
            default -> c != 0;
        };
    }

    private void arithDouble(Values a, Values b, Values out, int n) {
        double[] r = out.doubles;
        for (int i = 0; i < n; i++) {
            if (out.isNull(i)) {
                continue;
            }
            double x = a.asDouble(i);
            double y = b.asDouble(i);
            switch (op) {
                case PLUS -> r[i] = x + y;
                case MINUS -> r[i] = x - y;
                case MULTIPLY -> r[i] = x * y;
                case DIVIDE -> {
                    if (y == 0) {
                        out.setNull(i);
                    } else {
                        r[i] = x / y;
                    }
                }
                default -> {
                    if (y == 0) {
                        out.setNull(i);
                    } else {
                        r[i] = x % y;
                    }
                }
            }
        }
    }

    private void arithLong(Values a, Values b, Values out, int n) {
        long[] r = out.longs;
        long[] x = a.longs;
        long[] y = b.longs;
        for (int i = 0; i < n; i++) {
            if (out.isNull(i)) {
                continue;
            }
            try {
                switch (op) {
                    case PLUS -> r[i] = Math.addExact(x[i], y[i]);
                    case MINUS -> r[i] = Math.subtractExact(x[i], y[i]);
                    case MULTIPLY -> r[i] = Math.multiplyExact(x[i], y[i]);
                    default -> {
                        if (y[i] == 0) {
                            out.setNull(i);
                        } else {
                            r[i] = x[i] % y[i];
                        }
                    }
                }
            } catch (ArithmeticException e) {
                if (EvalMask.ignored(i)) {
                    out.setNull(i); // a CASE branch not taken for this row
                    continue;
                }
                throw new SpillwayException("int64 overflow evaluating " + this
                        + ": cast an operand to float64 with .cast(DataType.FLOAT64) if you need the range");
            }
        }
    }

    @Override
    public void collectColumns(Set<String> out) {
        left.collectColumns(out);
        right.collectColumns(out);
    }

    @Override
    public String toString() {
        return "(" + left + " " + op.symbol + " " + right + ")";
    }
}
