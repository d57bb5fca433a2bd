package org.spillway.frame.exec.eval;

import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * Compiles a {@link FunctionCall} into its evaluator: the arguments are compiled converted to the type the function
 * computes in (a common type for {@code coalesce}/{@code greatest}/{@code least}, float64 for a decimal given to a math
 * function, string for {@code concat}'s non-string arguments), so that the evaluators read one array kind.
 * {@code between} and {@code in} are compiled as the comparisons they stand for.
 */
final class FunctionCompiler {
    private FunctionCompiler() {
    }

    static PhysicalExpr compile(FunctionCall f, Schema schema) {
        DataType type = f.type(schema); // the type checks, naming the argument
        List<Expr> a = f.args();
        return switch (f.fn()) {
            case COALESCE -> ChoiceEval.coalesce(type, coerceAll(a, type, schema));
            case GREATEST, LEAST -> ChoiceEval.extreme(type, f.fn() == FunctionCall.Fn.GREATEST, coerceAll(a, type, schema));
            case IN -> InEval.compile(f, schema);
            case BETWEEN -> ExprCompiler.compile(new BinaryExpr(BinaryExpr.Op.AND,
                    new BinaryExpr(BinaryExpr.Op.GEQ, a.get(0), a.get(1)), new BinaryExpr(BinaryExpr.Op.LEQ, a.get(0), a.get(2))), schema);
            case CONCAT -> TextEval.concat(coerceAll(a, DataType.STRING, schema));
            case CONCAT_WS -> TextEval.concatWs(org.spillway.frame.FunctionArgs.string(f, 0),
                    coerceAll(a.subList(1, a.size()), DataType.STRING, schema));
            case LIKE, RLIKE, REGEXP_EXTRACT, REGEXP_REPLACE, SPLIT_PART, REPLACE, LTRIM, RTRIM, LPAD, RPAD ->
                    new TextEval(f, coerce(a.getFirst(), DataType.STRING, schema));
            case ABS, ROUND, FLOOR, CEIL, SQRT, LOG, LOG10, EXP, POW -> {
                List<PhysicalExpr> args = new ArrayList<>();
                for (int i = 0; i < a.size(); i++) {
                    if (!f.fn().isLiteralArg(i)) {
                        args.add(coerce(a.get(i), mathInput(a.get(i), schema), schema));
                    }
                }
                yield new MathEval(f, type, args);
            }
            case YEAR, MONTH, DAYOFMONTH, DAYOFWEEK, DAYOFYEAR, HOUR, MINUTE, SECOND, DATE_TRUNC, DATE_ADD, DATE_SUB, DATEDIFF,
                 TO_DATE, TO_TIMESTAMP, UNIX_TIMESTAMP, FROM_UNIXTIME, FROM_UTC_TIMESTAMP, TO_UTC_TIMESTAMP ->
                    DateTimeEval.compile(f, type, schema);
            case CURRENT_DATE, CURRENT_TIMESTAMP -> ExprCompiler.constant((Literal) a.getFirst(), type); // fixed when built
        };
    }

    /** int32, int64 or float64: the type a math function's argument computes in (decimals as float64, a null as int64). */
    private static DataType mathInput(Expr e, Schema schema) {
        if (e instanceof Literal l && l.value() == null) {
            return DataType.INT64;
        }
        DataType t = e.type(schema);
        return t.isDecimal() ? DataType.FLOAT64 : t;
    }

    private static List<PhysicalExpr> coerceAll(List<Expr> exprs, DataType target, Schema schema) {
        List<PhysicalExpr> out = new ArrayList<>(exprs.size());
        for (Expr e : exprs) {
            out.add(coerce(e, target, schema));
        }
        return out;
    }

    /**
     * {@code e} compiled to give values of {@code target}: a null literal as nulls of it, int32 as int64 (both are
     * {@code longs}), numbers widened to float64 and anything cast to string, as the type rules allow.
     */
    static PhysicalExpr coerce(Expr e, DataType target, Schema schema) {
        if (e instanceof Literal l && (l.value() == null || l.literalType().equals(target)
                || (target.isNumeric() && l.literalType().isNumeric()))) {
            return ExprCompiler.constant(l, target);
        }
        DataType t = e.type(schema);
        if (t.equals(target) || (t.isIntegral() && target.isIntegral())) {
            return ExprCompiler.compile(e, schema);
        }
        if (target == DataType.STRING || t.isDecimal()) {
            return ExprCompiler.compile(new Expr.CastExpr(e, target), schema);
        }
        if (target == DataType.FLOAT64 && t.isNumeric()) {
            PhysicalExpr v = ExprCompiler.compile(e, schema);
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
        throw new IllegalStateException("no conversion of " + e + " from " + t + " to " + target + " (the type rules should have failed)");
    }
}
