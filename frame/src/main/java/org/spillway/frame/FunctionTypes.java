package org.spillway.frame;

import java.util.List;
import org.spillway.frame.Expr.BinaryExpr;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.FunctionCall.Fn;
import org.spillway.frame.Expr.Literal;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * The type rules of {@link FunctionCall}s: the result type against a schema, and errors naming the function, the
 * argument and its type when they do not fit. {@code in} and {@code between} take the rules of the comparisons they
 * stand for; {@code coalesce}, {@code greatest} and {@code least} the common type of their arguments. The date and time
 * functions take dates, timestamps and timestamp_ntz (and times for the time fields) as they are, without implicit
 * conversions from text: an error says to parse it with {@code toDate}/{@code toTimestamp} first.
 */
final class FunctionTypes {
    /** The types with a date: the day fields, {@code date_trunc}, {@code date_add} and {@code datediff} take them. */
    private static final List<DataType> DATE_TYPES = List.of(DataType.DATE, DataType.TIMESTAMP, DataType.TIMESTAMP_NTZ);
    /** The types with a time of day: {@code hour}, {@code minute}, {@code second} take them. */
    private static final List<DataType> TIME_TYPES = List.of(DataType.TIMESTAMP, DataType.TIMESTAMP_NTZ, DataType.TIME);
    /** What {@code to_date}, {@code to_timestamp} and {@code unix_timestamp} convert: dates, timestamps and ISO text. */
    private static final List<DataType> PARSEABLE_TYPES = List.of(DataType.DATE, DataType.TIMESTAMP, DataType.TIMESTAMP_NTZ,
            DataType.STRING);

    private FunctionTypes() {
    }

    static DataType type(FunctionCall f, Schema schema) {
        List<Expr> a = f.args();
        return switch (f.fn()) {
            case COALESCE, GREATEST, LEAST -> common(f, schema);
            case IN -> {
                for (Expr item : a.subList(1, a.size())) {
                    comparison(f, new BinaryExpr(BinaryExpr.Op.EQ, a.getFirst(), item), schema);
                }
                yield DataType.BOOL;
            }
            case BETWEEN -> {
                comparison(f, new BinaryExpr(BinaryExpr.Op.GEQ, a.get(0), a.get(1)), schema);
                comparison(f, new BinaryExpr(BinaryExpr.Op.LEQ, a.get(0), a.get(2)), schema);
                yield DataType.BOOL;
            }
            case LIKE, RLIKE -> {
                string(f, schema);
                yield DataType.BOOL;
            }
            case REGEXP_EXTRACT, REGEXP_REPLACE, SPLIT_PART, REPLACE, LTRIM, RTRIM, LPAD, RPAD -> {
                string(f, schema);
                yield DataType.STRING;
            }
            case CONCAT, CONCAT_WS -> {
                for (Expr e : a) {
                    e.type(schema); // any type: non-strings are cast to string; this checks the columns exist
                }
                yield DataType.STRING;
            }
            case ABS -> {
                DataType t = numericInput(f, 0, schema);
                yield t == DataType.INT32 ? DataType.INT64 : t;
            }
            case ROUND -> numericInput(f, 0, schema);
            case FLOOR, CEIL -> {
                numericInput(f, 0, schema);
                yield DataType.INT64;
            }
            case SQRT, LOG, LOG10, EXP -> {
                numericInput(f, 0, schema);
                yield DataType.FLOAT64;
            }
            case POW -> {
                numericInput(f, 0, schema);
                numericInput(f, 1, schema);
                yield DataType.FLOAT64;
            }
            case YEAR, MONTH, DAYOFMONTH, DAYOFWEEK, DAYOFYEAR -> {
                temporal(f, 0, schema, DATE_TYPES);
                yield DataType.INT32;
            }
            case HOUR, MINUTE, SECOND -> {
                temporal(f, 0, schema, TIME_TYPES);
                yield DataType.INT32;
            }
            case DATE_TRUNC -> temporal(f, 1, schema, DATE_TYPES);
            case DATE_ADD, DATE_SUB -> {
                temporal(f, 0, schema, DATE_TYPES);
                integral(f, 1, schema);
                yield DataType.DATE;
            }
            case DATEDIFF -> {
                temporal(f, 0, schema, DATE_TYPES);
                temporal(f, 1, schema, DATE_TYPES);
                yield DataType.INT32;
            }
            case TO_DATE, TO_TIMESTAMP -> {
                temporal(f, 0, schema, a.size() == 2 ? List.of(DataType.STRING) : PARSEABLE_TYPES);
                yield f.fn() == Fn.TO_DATE ? DataType.DATE : DataType.TIMESTAMP;
            }
            case UNIX_TIMESTAMP -> {
                temporal(f, 0, schema, PARSEABLE_TYPES);
                yield DataType.INT64;
            }
            case FROM_UNIXTIME -> {
                numericInput(f, 0, schema);
                yield DataType.TIMESTAMP;
            }
            case FROM_UTC_TIMESTAMP -> {
                temporal(f, 0, schema, List.of(DataType.TIMESTAMP, DataType.TIMESTAMP_NTZ));
                yield DataType.TIMESTAMP_NTZ;
            }
            case TO_UTC_TIMESTAMP -> {
                temporal(f, 0, schema, List.of(DataType.TIMESTAMP_NTZ));
                yield DataType.TIMESTAMP;
            }
            case CURRENT_DATE -> DataType.DATE;
            case CURRENT_TIMESTAMP -> DataType.TIMESTAMP;
        };
    }

    /**
     * The type of argument {@code i} of a date-time function, checked to be one of {@code allowed} (a null literal is
     * the first of them).
     */
    static DataType temporal(FunctionCall f, int i, Schema schema, List<DataType> allowed) {
        Expr e = f.args().get(i);
        if (isNullLiteral(e)) {
            return allowed.getFirst();
        }
        DataType t = e.type(schema);
        if (!allowed.contains(t)) {
            StringBuilder names = new StringBuilder();
            for (DataType a : allowed) {
                names.append(names.isEmpty() ? "" : a == allowed.getLast() ? " or " : ", ").append(a.displayName());
            }
            String hint = t == DataType.STRING ? ". Use toDate(col, pattern) or toTimestamp(col, pattern) first"
                    : t == DataType.TIMESTAMP && allowed.contains(DataType.TIMESTAMP_NTZ)
                    ? ". Use fromUtcTimestamp(col, zone) for the wall clock of a timestamp in a zone"
                    : ". Use .cast(DataType...) first";
            throw new SpillwayException("Type error in " + f + ": " + f.fn().sqlName() + " needs a " + names
                    + (i > 0 ? " as argument " + (i + 1) : "") + ", but " + describe(e, t) + hint);
        }
        return t;
    }

    private static void integral(FunctionCall f, int i, Schema schema) {
        Expr e = f.args().get(i);
        DataType t = isNullLiteral(e) ? DataType.INT32 : e.type(schema);
        if (!t.isIntegral()) {
            throw new SpillwayException("Type error in " + f + ": " + f.fn().sqlName() + " needs an integer number of days as argument "
                    + (i + 1) + ", but " + describe(e, t) + ". Use .cast(DataType.INT32) first");
        }
    }

    /**
     * The type argument {@code i} of a numeric function computes in: int32, int64 or float64 (a decimal computes in
     * float64, as arithmetic does; a null literal is int64).
     */
    static DataType numericInput(FunctionCall f, int i, Schema schema) {
        Expr e = f.args().get(i);
        if (isNullLiteral(e)) {
            return DataType.INT64;
        }
        DataType t = e.type(schema);
        if (t.isDecimal()) {
            return DataType.FLOAT64;
        }
        if (!t.isNumeric()) {
            throw new SpillwayException("Type error in " + f + ": " + f.fn().sqlName() + " needs a number, but " + describe(e, t)
                    + ". Use .cast(DataType.FLOAT64) first");
        }
        return t;
    }

    private static void string(FunctionCall f, Schema schema) {
        Expr e = f.args().getFirst();
        DataType t = isNullLiteral(e) ? DataType.STRING : e.type(schema);
        if (t != DataType.STRING) {
            throw new SpillwayException("Type error in " + f + ": " + f.fn().sqlName() + " needs a string, but " + describe(e, t)
                    + ". Use .cast(DataType.STRING) first");
        }
    }

    private static void comparison(FunctionCall f, BinaryExpr b, Schema schema) {
        try {
            b.type(schema);
        } catch (ColumnNotFoundException e) {
            throw e;
        } catch (SpillwayException e) {
            throw new SpillwayException("In " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * The common type of the arguments (null literals take it): one type, or numbers: int64 for int32 and int64,
     * float64 when one is float64 or the numbers mix decimals with others.
     */
    private static DataType common(FunctionCall f, Schema schema) {
        DataType result = null;
        Expr first = null;
        for (Expr e : f.args()) {
            if (isNullLiteral(e)) {
                continue;
            }
            DataType t = e.type(schema);
            if (result == null) {
                result = t;
                first = e;
            } else if (!result.equals(t)) {
                if ((result.isNumeric() || result.isDecimal()) && (t.isNumeric() || t.isDecimal())) {
                    result = result == DataType.FLOAT64 || t == DataType.FLOAT64 || result.isDecimal() || t.isDecimal()
                            ? DataType.FLOAT64 : DataType.INT64;
                } else {
                    throw new SpillwayException("Type error in " + f + ": the arguments of " + f.fn().sqlName()
                            + " need a common type, but " + describe(first, result) + " and " + describe(e, t)
                            + "; cast them to one type with .cast(DataType...)");
                }
            }
        }
        return result == null ? DataType.STRING : result;
    }

    private static boolean isNullLiteral(Expr e) {
        return e instanceof Literal l && l.value() == null;
    }

    private static String describe(Expr e, DataType t) {
        String what = e instanceof ColumnRef c ? "column '" + c.column() + "'"
                : e instanceof Literal l && l.value() instanceof String ? e.toString()
                : "'" + e + "'";
        return what + " is " + t.displayName();
    }
}
