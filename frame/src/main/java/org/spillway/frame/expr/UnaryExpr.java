package org.spillway.frame.expr;

import java.util.Set;
import org.spillway.frame.Expr;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/** NOT, IS NULL, IS NOT NULL and negation. */
public final class UnaryExpr extends Expr {
    /** The operators. */
    public enum Op { NOT, IS_NULL, IS_NOT_NULL, NEGATE }

    private final Op op;
    private final Expr child;

    /** {@code op child}. */
    public UnaryExpr(Op op, Expr child) {
        this.op = op;
        this.child = child;
    }

    /** The operator. */
    public Op op() {
        return op;
    }

    /** The operand. */
    public Expr child() {
        return child;
    }

    private boolean childIsNullLiteral() {
        return child instanceof Literal l && l.value() == null;
    }

    @Override
    public DataType type(Schema schema) {
        if (childIsNullLiteral()) {
            // SQL: NOT NULL and -NULL are null (typed bool and int64), not a type error
            return op == Op.NEGATE ? DataType.INT64 : DataType.BOOL;
        }
        DataType t = child.type(schema);
        return switch (op) {
            case NOT -> {
                if (t != DataType.BOOL) {
                    throw new SpillwayException("Type error in " + this + ": NOT needs a bool, but " + child + " is " + t);
                }
                yield DataType.BOOL;
            }
            case IS_NULL, IS_NOT_NULL -> DataType.BOOL;
            case NEGATE -> {
                if (!t.isNumeric()) {
                    throw new SpillwayException("Type error in " + this + ": negation needs a number, but " + child + " is " + t);
                }
                yield t == DataType.INT32 ? DataType.INT64 : t;
            }
        };
    }

    @Override
    public Values eval(Chunk chunk) {
        int n = chunk.rows();
        Values v = childIsNullLiteral() ? ((Literal) child).evalAs(type(chunk.schema()), n) : child.eval(chunk);
        switch (op) {
            case IS_NULL, IS_NOT_NULL -> {
                Values out = new Values(DataType.BOOL, n);
                boolean want = op == Op.IS_NULL;
                for (int i = 0; i < n; i++) {
                    out.bools[i] = v.isNull(i) == want;
                }
                return out;
            }
            case NOT -> {
                Values out = new Values(DataType.BOOL, n);
                out.nulls = v.nulls;
                for (int i = 0; i < n; i++) {
                    out.bools[i] = !v.bools[i];
                }
                return out;
            }
            default -> {
                Values out = new Values(v.type == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.INT64, n);
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
                            throw new SpillwayException("int64 overflow evaluating " + this
                                    + ": cast the operand to float64 with .cast(DataType.FLOAT64) if you need the range");
                        }
                        out.longs[i] = -v.longs[i];
                    }
                }
                return out;
            }
        }
    }

    @Override
    public void collectColumns(Set<String> out) {
        child.collectColumns(out);
    }

    @Override
    public String toString() {
        return switch (op) {
            case NOT -> "(NOT " + child + ")";
            case IS_NULL -> "(" + child + " IS NULL)";
            case IS_NOT_NULL -> "(" + child + " IS NOT NULL)";
            case NEGATE -> "(-" + child + ")";
        };
    }
}
