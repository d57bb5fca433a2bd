package org.spillway.frame.exec.eval;

import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.BinaryExpr.Op;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;

/** Evaluates arithmetic, comparison and three-valued logic on two operands, with SQL null semantics. */
final class BinaryEval implements PhysicalExpr {
    private final BinaryExpr expr; // for error messages
    private final Op op;
    private final PhysicalExpr left;
    private final PhysicalExpr right;

    BinaryEval(BinaryExpr expr, PhysicalExpr left, PhysicalExpr right) {
        this.expr = expr;
        this.op = expr.op();
        this.left = left;
        this.right = right;
    }


    @Override
    public HeapColumn eval(Chunk chunk) {
        HeapColumn a = left.eval(chunk);
        HeapColumn b = right.eval(chunk);
        int n = chunk.rows();
        if (op == Op.AND || op == Op.OR) {
            return logic(a, b, n);
        }
        HeapColumn out = new HeapColumn(op.isComparison() ? DataType.BOOL
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

    private static boolean[] orNulls(HeapColumn a, HeapColumn b, int n) {
        if (a.nulls == null && b.nulls == null) {
            return null;
        }
        boolean[] out = new boolean[n];
        for (int i = 0; i < n; i++) {
            out[i] = a.isNull(i) || b.isNull(i);
        }
        return out;
    }

    private HeapColumn logic(HeapColumn a, HeapColumn b, int n) {
        HeapColumn out = new HeapColumn(DataType.BOOL, n);
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

    private void compare(HeapColumn a, HeapColumn b, HeapColumn out, int n) {
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

    private void arithDouble(HeapColumn a, HeapColumn b, HeapColumn out, int n) {
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

    private void arithLong(HeapColumn a, HeapColumn b, HeapColumn out, int n) {
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
                throw new SpillwayException("int64 overflow evaluating " + expr
                        + ": cast an operand to float64 with .cast(DataType.FLOAT64) if you need the range");
            }
        }
    }

}
