package org.spillway.frame;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.spillway.frame.Expr.Alias;
import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.BinaryExpr.Op;
import org.spillway.frame.Expr.CaseWhen;
import org.spillway.frame.Expr.CastExpr;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.Expr.StringFunction;
import org.spillway.frame.Expr.UdfCall;
import org.spillway.frame.Expr.UnaryExpr;
import org.spillway.frame.Expr.WithMetadata;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * The type rules of expressions: the result type of each node against a schema, and the errors
 * (naming the column, the operator and both types) when they do not fit. Kept beside the logical
 * {@link Expr} tree because a frame's schema is known before anything runs; the executor's
 * evaluators rely on these rules having passed.
 */
final class ExprTypes {
    private ExprTypes() {
    }

    static DataType type(Expr e, Schema schema) {
        return switch (e) {
            case ColumnRef c -> {
                int i = schema.indexOf(c.column());
                if (i < 0) {
                    throw new ColumnNotFoundException(c.column(), schema.names());
                }
                yield schema.type(i);
            }
            case Literal l -> l.literalType() == null ? DataType.STRING : l.literalType();
            case BinaryExpr b -> binary(b, schema);
            case UnaryExpr u -> unary(u, schema);
            case CastExpr c -> cast(c, schema);
            case Alias a -> a.child().type(schema);
            case WithMetadata m -> m.child().type(schema);
            case StringFunction f -> string(f, schema);
            case CaseWhen w -> caseWhen(w, schema);
            case UdfCall u -> u.function().resultType(schema);
            case Expr.FunctionCall f -> FunctionTypes.type(f, schema);
            case Expr.WindowExpr w -> throw notHere(w);
        };
    }

    /** The error for a window expression where only select/withColumn may hold one. */
    static SpillwayException notHere(Expr.WindowExpr w) {
        return new SpillwayException(w + ": a window function may only be used in select(...) or withColumn(...);"
                + " compute it there first, e.g. withColumn(\"r\", ...), then filter or group by that column");
    }

    static Map<String, String> metadata(Expr e, Schema schema) {
        return switch (e) {
            case ColumnRef c -> {
                int i = schema.indexOf(c.column());
                yield i < 0 ? Map.of() : schema.field(i).metadata();
            }
            case Alias a -> a.child().metadata(schema);
            case WithMetadata m -> m.fieldMetadata();
            case UdfCall u -> u.function().metadata(schema);
            default -> Map.of();
        };
    }

    private static boolean isNullLiteral(Expr e) {
        return e instanceof Literal l && l.value() == null;
    }

    private static DataType binary(BinaryExpr b, Schema schema) {
        Op op = b.op();
        DataType lt = isNullLiteral(b.left()) ? null : b.left().type(schema);
        DataType rt = isNullLiteral(b.right()) ? null : b.right().type(schema);
        if (op.isArithmetic()) {
            DataType l = lt == null ? rt : lt;
            DataType r = rt == null ? lt : rt;
            if (l == null) {
                return op == Op.DIVIDE ? DataType.FLOAT64 : DataType.INT64;
            }
            if (!numberLike(l) || !numberLike(r)) {
                throw mismatch(b, lt, rt, "needs numbers");
            }
            if (l.isDecimal() || r.isDecimal()) {
                return DataType.FLOAT64; // arithmetic on decimals computes in float64 (documented on DataType)
            }
            if (op == Op.DIVIDE || l == DataType.FLOAT64 || r == DataType.FLOAT64) {
                return DataType.FLOAT64;
            }
            return DataType.INT64;
        }
        if (op.isComparison()) {
            if (lt != null && rt != null && !comparable(lt, rt, b.left(), b.right())) {
                throw mismatch(b, lt, rt, "cannot compare these types");
            }
            if (lt != null && rt != null && lt != rt) {
                checkTemporalLiteral(b, b.left(), rt);
                checkTemporalLiteral(b, b.right(), lt);
            }
            return DataType.BOOL;
        }
        if ((lt != null && lt != DataType.BOOL) || (rt != null && rt != DataType.BOOL)) {
            throw mismatch(b, lt, rt, "needs bool operands (comparisons or bool columns)");
        }
        return DataType.BOOL;
    }

    /** Numbers and decimals. */
    private static boolean numberLike(DataType t) {
        return t.isNumeric() || t.isDecimal();
    }

    private static boolean comparable(DataType a, DataType b, Expr l, Expr r) {
        if (a == b || (numberLike(a) && numberLike(b))) {
            return true;
        }
        // a decimal column against a number written as a string literal, e.g. '12.50'
        if ((a.isDecimal() && r instanceof Literal rl && rl.value() instanceof String rs && Literals.isDecimalText(rs))
                || (b.isDecimal() && l instanceof Literal ll && ll.value() instanceof String ls && Literals.isDecimalText(ls))) {
            return true;
        }
        // a timestamp_ntz column against a LocalDateTime literal (typed timestamp): the same wall-clock microseconds
        if ((a == DataType.TIMESTAMP_NTZ && r instanceof Literal rl && rl.value() instanceof java.time.LocalDateTime)
                || (b == DataType.TIMESTAMP_NTZ && l instanceof Literal ll && ll.value() instanceof java.time.LocalDateTime)) {
            return true;
        }
        // a date/timestamp/time column against a string literal such as '2024-01-31'
        boolean aTemporal = isTemporal(a);
        boolean bTemporal = isTemporal(b);
        return (aTemporal && b == DataType.STRING && r instanceof Literal)
                || (bTemporal && a == DataType.STRING && l instanceof Literal);
    }

    private static boolean isTemporal(DataType t) {
        return t == DataType.DATE || t == DataType.TIMESTAMP || t == DataType.TIMESTAMP_NTZ || t == DataType.TIME;
    }

    /** A string literal compared with a date or timestamp must parse as one: fail here, not when a chunk is evaluated. */
    private static void checkTemporalLiteral(BinaryExpr b, Expr e, DataType otherType) {
        if (e instanceof Literal l && l.value() instanceof String text && isTemporal(otherType)) {
            try {
                Literals.toLong(text, otherType);
            } catch (RuntimeException ex) {
                throw new SpillwayException("Type error in " + b + ": " + l + " is not a valid " + otherType.displayName()
                        + " (" + ex.getMessage() + "); write dates as 2024-01-31, timestamps as 2024-01-31T10:15:30Z,"
                        + " timestamp_ntz values as 2024-01-31 10:15:30 and times as 10:15:30");
            }
        }
    }

    private static SpillwayException mismatch(BinaryExpr b, DataType lt, DataType rt, String why) {
        Op op = b.op();
        return new SpillwayException("Type error in " + b + ": " + op.symbol() + " " + why + ", but "
                + describe(b.left(), lt) + " and " + describe(b.right(), rt)
                + (op.isArithmetic() || op.isComparison() ? ". Convert one side with .cast(DataType...)" : ""));
    }

    private static String describe(Expr e, DataType t) {
        String what = e instanceof ColumnRef c ? "column '" + c.column() + "'"
                : e instanceof Literal l && l.value() instanceof String ? e.toString() // already quoted
                : "'" + e + "'";
        return what + " is " + (t == null ? "null" : t.displayName());
    }

    private static DataType unary(UnaryExpr u, Schema schema) {
        if (isNullLiteral(u.child())) {
            // SQL: NOT NULL and -NULL are null (typed bool and int64), not a type error
            return u.op() == UnaryExpr.Op.NEGATE ? DataType.INT64 : DataType.BOOL;
        }
        DataType t = u.child().type(schema);
        return switch (u.op()) {
            case NOT -> {
                if (t != DataType.BOOL) {
                    throw new SpillwayException("Type error in " + u + ": NOT needs a bool, but " + u.child() + " is " + t);
                }
                yield DataType.BOOL;
            }
            case IS_NULL, IS_NOT_NULL -> DataType.BOOL;
            case IS_NAN -> {
                if (!t.isNumeric()) {
                    throw new SpillwayException("Type error in " + u + ": isNaN needs a number, but " + u.child() + " is " + t);
                }
                yield DataType.BOOL;
            }
            case NEGATE -> {
                if (!t.isNumeric()) {
                    throw new SpillwayException("Type error in " + u + ": negation needs a number, but " + u.child() + " is " + t);
                }
                yield t == DataType.INT32 ? DataType.INT64 : t;
            }
        };
    }

    private static DataType cast(CastExpr c, Schema schema) {
        DataType from = c.child().type(schema);
        DataType target = c.target();
        boolean ok = from == target || target == DataType.STRING || from == DataType.STRING
                || (numberLike(from) && numberLike(target))
                || (from == DataType.BOOL && target.isNumeric()) || (numberLike(from) && target == DataType.BOOL)
                || (from == DataType.DATE && target == DataType.TIMESTAMP) || (from == DataType.TIMESTAMP && target == DataType.DATE)
                || (from == DataType.TIMESTAMP_NTZ && (target == DataType.TIMESTAMP || target == DataType.DATE))
                || ((from == DataType.TIMESTAMP || from == DataType.DATE) && target == DataType.TIMESTAMP_NTZ);
        if (!ok) {
            throw new SpillwayException("Cannot cast " + c.child() + " from " + from + " to " + target);
        }
        return target;
    }

    private static DataType string(StringFunction f, Schema schema) {
        DataType t = f.child().type(schema);
        if (t != DataType.STRING) {
            throw new SpillwayException("Type error in " + f + ": " + f.fn().name().toLowerCase(Locale.ROOT)
                    + " needs a string, but " + f.child() + " is " + t + ". Use .cast(DataType.STRING) first");
        }
        return switch (f.fn()) {
            case LENGTH -> DataType.INT32;
            case CONTAINS, STARTS_WITH, ENDS_WITH -> DataType.BOOL;
            default -> DataType.STRING;
        };
    }

    private static DataType caseWhen(CaseWhen w, Schema schema) {
        DataType result = null;
        List<Expr> values = new ArrayList<>();
        for (CaseWhen.Branch b : w.branches()) {
            DataType ct = isNullLiteral(b.condition()) ? DataType.BOOL : b.condition().type(schema);
            if (ct != DataType.BOOL) {
                throw new SpillwayException("Type error in " + w + ": the condition " + b.condition() + " is " + ct + ", not bool");
            }
            values.add(b.value());
        }
        if (w.otherwise() != null) {
            values.add(w.otherwise());
        }
        for (Expr v : values) {
            if (isNullLiteral(v)) {
                continue;
            }
            DataType t = v.type(schema);
            result = result == null ? t : unify(w, result, t, v);
        }
        return result == null ? DataType.STRING : result;
    }

    private static DataType unify(CaseWhen w, DataType a, DataType b, Expr at) {
        if (a == b) {
            return a;
        }
        if (a.isNumeric() && b.isNumeric()) {
            return a == DataType.FLOAT64 || b == DataType.FLOAT64 ? DataType.FLOAT64 : DataType.INT64;
        }
        throw new SpillwayException("Type error in " + w + ": branch value " + at + " is " + b
                + " but an earlier one is " + a + "; cast them to one type");
    }
}
