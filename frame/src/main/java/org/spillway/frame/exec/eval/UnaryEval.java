package org.spillway.frame.exec.eval;

import org.spillway.frame.Expr.UnaryExpr;
import org.spillway.frame.Expr.UnaryExpr.Op;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;

/** Evaluates NOT, IS NULL, IS NOT NULL, isNaN and negation. */
final class UnaryEval implements PhysicalExpr {
    private final UnaryExpr expr; // for error messages
    private final Op op;
    private final PhysicalExpr child;

    UnaryEval(UnaryExpr expr, PhysicalExpr child) {
        this.expr = expr;
        this.op = expr.op();
        this.child = child;
    }


    @Override
    public HeapColumn eval(Chunk chunk) {
        int n = chunk.rows();
        HeapColumn v = child.eval(chunk);
        switch (op) {
            case IS_NULL, IS_NOT_NULL -> {
                HeapColumn out = new HeapColumn(DataType.BOOL, n);
                boolean want = op == Op.IS_NULL;
                for (int i = 0; i < n; i++) {
                    out.bools[i] = v.isNull(i) == want;
                }
                return out;
            }
            case IS_NAN -> {
                HeapColumn out = new HeapColumn(DataType.BOOL, n);
                out.nulls = v.nulls;
                if (v.doubles != null) {
                    for (int i = 0; i < n; i++) {
                        out.bools[i] = Double.isNaN(v.doubles[i]);
                    }
                }
                return out;
            }
            case NOT -> {
                HeapColumn out = new HeapColumn(DataType.BOOL, n);
                out.nulls = v.nulls;
                for (int i = 0; i < n; i++) {
                    out.bools[i] = !v.bools[i];
                }
                return out;
            }
            default -> {
                HeapColumn out = new HeapColumn(v.type == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.INT64, n);
                out.nulls = v.nulls;
                if (v.doubles != null) {
                    for (int i = 0; i < n; i++) {
                        out.doubles[i] = -v.doubles[i];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        if (v.longs[i] == Long.MIN_VALUE && !v.isNull(i)) {
                            if (EvalMask.ignored(i)) {
                                if (out.nulls == v.nulls) {
                                    out.nulls = v.nulls == null ? null : v.nulls.clone();
                                }
                                out.setNull(i);
                                continue;
                            }
                            throw new SpillwayException("int64 overflow evaluating " + expr
                                    + ": cast the operand to float64 with .cast(DataType.FLOAT64) if you need the range");
                        }
                        out.longs[i] = -v.longs[i];
                    }
                }
                return out;
            }
        }
    }

}
