package org.spillway.frame.exec.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.CaseWhen;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.Literals;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.frame.udf.VectorFunction;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * Compiles the logical {@link Expr} tree into evaluators for one input schema: the types of every
 * node are resolved once here, literals that meet a column of another type (a null, or a date
 * written as a string) are converted once to that type, and the evaluators hold no reference to
 * the schema.
 */
public final class ExprCompiler {
    private ExprCompiler() {
    }

    /** Compiles {@code e} for chunks of {@code schema} (type errors are thrown here, naming the column). */
    public static PhysicalExpr compile(Expr e, Schema schema) {
        return switch (e) {
            case Expr.ColumnRef c -> {
                String column = c.column();
                yield chunk -> HeapColumn.of(chunk.column(column));
            }
            case Literal l -> constant(l, l.literalType() == null ? DataType.STRING : l.literalType());
            case Expr.BinaryExpr b when DecimalCompare.applies(b, schema) -> DecimalCompare.compile(b, schema);
            case Expr.BinaryExpr b -> new BinaryEval(b, operand(b.left(), b.right(), schema), operand(b.right(), b.left(), schema));
            case Expr.UnaryExpr u -> new UnaryEval(u, u.child() instanceof Literal l && l.value() == null
                    ? constant(l, u.type(schema)) : compile(u.child(), schema));
            case Expr.CastExpr c -> new CastEval(c, compile(c.child(), schema));
            case Expr.Alias a -> compile(a.child(), schema);
            case Expr.WithMetadata m -> compile(m.child(), schema);
            case Expr.StringFunction f -> new StringFunctionEval(f, compile(f.child(), schema));
            case CaseWhen w -> caseWhen(w, schema);
            case Expr.FunctionCall f -> FunctionCompiler.compile(f, schema);
            case Expr.UdfCall u -> {
                VectorFunction fn = u.function();
                yield fn::apply;
            }
            case Expr.WindowExpr w -> throw new org.spillway.frame.SpillwayException(w + ": a window function may only be"
                    + " used in select(...) or withColumn(...)");
        };
    }

    /** Compiles each of {@code exprs}. */
    public static List<PhysicalExpr> compileAll(List<? extends Expr> exprs, Schema schema) {
        List<PhysicalExpr> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            out.add(compile(e, schema));
        }
        return out;
    }

    /** An operand of a binary operator: a literal takes the other side's type where that is how it compares. */
    private static PhysicalExpr operand(Expr e, Expr other, Schema schema) {
        if (e instanceof Literal lit) {
            // also when the other side is a literal: lit(null).eq(lit(1)) and
            // lit("2024-01-31").eq(lit(LocalDate...)) must compare values of one type
            DataType ot = other.type(schema);
            if (lit.value() == null || (lit.literalType() == DataType.STRING && isTemporal(ot))
                    || (lit.value() instanceof java.time.LocalDateTime && ot == DataType.TIMESTAMP_NTZ)) {
                return constant(lit, ot);
            }
        }
        return compile(e, schema);
    }

    private static boolean isTemporal(DataType t) {
        return t == DataType.DATE || t == DataType.TIMESTAMP || t == DataType.TIMESTAMP_NTZ || t == DataType.TIME;
    }

    private static PhysicalExpr caseWhen(CaseWhen w, Schema schema) {
        DataType t = w.type(schema);
        List<PhysicalExpr> conditions = new ArrayList<>();
        List<PhysicalExpr> values = new ArrayList<>();
        for (CaseWhen.Branch b : w.branches()) {
            conditions.add(compile(b.condition(), schema));
            values.add(branchValue(b.value(), t, schema));
        }
        PhysicalExpr otherwise = w.otherwise() == null ? null : branchValue(w.otherwise(), t, schema);
        return new CaseWhenEval(t, conditions, values, otherwise);
    }

    /** A branch value as the CASE's type: literals converted once, int64 values widened to float64 when the CASE is float64. */
    private static PhysicalExpr branchValue(Expr e, DataType t, Schema schema) {
        if (e instanceof Literal l) {
            return constant(l, t);
        }
        PhysicalExpr v = compile(e, schema);
        if (t != DataType.FLOAT64 || e.type(schema) == DataType.FLOAT64) {
            return v;
        }
        return chunk -> {
            HeapColumn x = v.eval(chunk);
            HeapColumn d = new HeapColumn(DataType.FLOAT64, x.n);
            d.nulls = x.nulls;
            for (int i = 0; i < x.n; i++) {
                d.doubles[i] = x.asDouble(i);
            }
            return d;
        };
    }

    /** A literal as a constant column of {@code target} (a null literal takes any type). */
    static PhysicalExpr constant(Literal lit, DataType target) {
        Object value = lit.value();
        if (value == null) {
            return chunk -> HeapColumn.nulls(target, chunk.rows());
        }
        DataType type = lit.literalType();
        if (target.isDecimal()) {
            java.math.BigInteger u = org.spillway.spill.vector.DecimalValues.unscaled(Literals.toBigDecimal(value), target);
            if (target.kind() == DataType.Kind.DECIMAL) {
                long x = u.longValueExact();
                return chunk -> {
                    HeapColumn out = new HeapColumn(target, chunk.rows());
                    Arrays.fill(out.longs, x);
                    return out;
                };
            }
            String x = HeapColumn.binaryToHeap(org.spillway.spill.vector.DecimalValues.wideBytes(u));
            return chunk -> {
                HeapColumn out = new HeapColumn(target, chunk.rows());
                Arrays.fill(out.strings, x);
                return out;
            };
        }
        Object v = target == type ? value
                : target == DataType.FLOAT64 && value instanceof Number n ? (Object) n.doubleValue()
                : target == DataType.STRING ? value.toString()
                : target == DataType.BINARY && value instanceof String s ? Literals.parseHex(s)
                : (Object) Literals.toLong(value, target);
        return switch (target.kind()) {
            case DECIMAL, INT32, INT64, DATE, TIMESTAMP, TIMESTAMP_NTZ, TIME -> {
                long x = Literals.toLong(v, target);
                yield chunk -> {
                    HeapColumn out = new HeapColumn(target, chunk.rows());
                    Arrays.fill(out.longs, x);
                    return out;
                };
            }
            case FLOAT64 -> {
                double x = ((Number) v).doubleValue();
                yield chunk -> {
                    HeapColumn out = new HeapColumn(target, chunk.rows());
                    Arrays.fill(out.doubles, x);
                    return out;
                };
            }
            case BOOL -> {
                boolean x = (Boolean) v;
                yield chunk -> {
                    HeapColumn out = new HeapColumn(target, chunk.rows());
                    Arrays.fill(out.bools, x);
                    return out;
                };
            }
            case STRING, BINARY, DECIMAL128 -> {
                String x = v instanceof byte[] b ? org.spillway.frame.udf.HeapColumn.binaryToHeap(b) : v.toString();
                yield chunk -> {
                    HeapColumn out = new HeapColumn(target, chunk.rows());
                    Arrays.fill(out.strings, x);
                    return out;
                };
            }
        };
    }
}
