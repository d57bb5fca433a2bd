package org.spillway.frame;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr.CaseWhen;
import org.spillway.frame.Expr.ColumnRef;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.udf.VectorFunction;

/**
 * Static factories for expressions, meant for {@code import static org.spillway.frame.Functions.*}
 * ({@code ./spillway shell} does this for you).
 */
public final class Functions {
    private Functions() {
    }

    /** A reference to the column named {@code name}. */
    public static Expr col(String name) {
        return new ColumnRef(name);
    }

    /**
     * A literal: a number, String, Boolean, LocalDate, Instant, LocalDateTime, LocalTime (a time), byte[] (a binary
     * value) or null. An {@code Expr} is returned unchanged, so every method taking an operand accepts both.
     * A LocalDateTime is a timestamp literal (its wall clock read as UTC); compared with a timestamp_ntz column it is
     * that column's wall clock.
     */
    public static Expr lit(Object value) {
        return value instanceof Expr e ? e : new Literal(value);
    }

    /** Starts {@code when(cond).then(value).otherwise(value)}, Polars style. */
    public static CaseWhen.Pending when(Expr condition) {
        return new CaseWhen.Pending(List.of(), condition, null);
    }

    /** Starts {@code when(cond, value).when(...).otherwise(value)}; rows matching no branch get the otherwise value (null if none). */
    public static CaseWhen when(Expr condition, Object value) {
        return new CaseWhen(List.of(new CaseWhen.Branch(condition, lit(value))), null);
    }

    /**
     * A call of a vectorised user-defined function: an expression whose values {@code function}
     * computes chunk by chunk (see {@link VectorFunction} for its protocol).
     */
    public static Expr udf(VectorFunction function) {
        return new Expr.UdfCall(function);
    }

    // ---- scalar functions ---------------------------------------------------------------------
    // Each takes columns as an Expr or a column name (a String names a column: write lit("text") for a text
    // constant); other Java values are literals. Nulls give null unless the Javadoc says otherwise.

    private static Expr callAll(Expr.FunctionCall.Fn fn, Object... args) {
        List<Expr> list = new ArrayList<>(args.length);
        for (Object a : args) {
            list.add(a instanceof Expr e ? e : lit(a));
        }
        return new Expr.FunctionCall(fn, list);
    }

    private static Expr call(Expr.FunctionCall.Fn fn, Object column, Object... constants) {
        Object[] all = new Object[constants.length + 1];
        all[0] = in(column);
        System.arraycopy(constants, 0, all, 1, constants.length);
        return callAll(fn, all);
    }

    private static Object[] columns(Object... columns) {
        Object[] out = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            out[i] = in(columns[i]);
        }
        return out;
    }

    /**
     * The first non-null of {@code columns} (SQL {@code COALESCE}), evaluated lazily: a column is computed only for
     * the rows the earlier ones left null. The type is the arguments' common type (numbers widen: int32 and int64 to
     * int64, with float64 or a decimal of another type to float64); other mixes are an error naming the types.
     */
    public static Expr coalesce(Object... columns) {
        return callAll(Expr.FunctionCall.Fn.COALESCE, columns(columns));
    }

    /**
     * The largest non-null value of two or more columns, null only when all are (as Spark and DuckDB); their common
     * type as {@link #coalesce}. NaN is larger than every number, strings compare by code point.
     */
    public static Expr greatest(Object... columns) {
        return callAll(Expr.FunctionCall.Fn.GREATEST, columns(columns));
    }

    /** The smallest non-null value of two or more columns; see {@link #greatest}. */
    public static Expr least(Object... columns) {
        return callAll(Expr.FunctionCall.Fn.LEAST, columns(columns));
    }

    // ---- strings ------------------------------------------------------------------------------

    /** {@link Expr#length()} of a column (name) or expression. */
    public static Expr length(Object column) {
        return in(column).length();
    }

    /** {@link Expr#lower()} of a column (name) or expression. */
    public static Expr lower(Object column) {
        return in(column).lower();
    }

    /** {@link Expr#upper()} of a column (name) or expression. */
    public static Expr upper(Object column) {
        return in(column).upper();
    }

    /** {@link Expr#trim()} of a column (name) or expression. */
    public static Expr trim(Object column) {
        return in(column).trim();
    }

    /** Leading white space removed (Java's {@code stripLeading}, as {@link Expr#trim()}: Unicode white space, not only spaces). */
    public static Expr ltrim(Object column) {
        return call(Expr.FunctionCall.Fn.LTRIM, column);
    }

    /** Trailing white space removed ({@code stripTrailing}; see {@link #ltrim}). */
    public static Expr rtrim(Object column) {
        return call(Expr.FunctionCall.Fn.RTRIM, column);
    }

    /** {@link Expr#substring(int, int)} of a column (name) or expression. */
    public static Expr substring(Object column, int pos, int len) {
        return in(column).substring(pos, len);
    }

    /**
     * The strings of {@code columns} joined, null if any is null (Spark's {@code concat}; DuckDB's {@code concat}
     * skips nulls, its {@code ||} does not). Values of other types are cast to string.
     */
    public static Expr concat(Object... columns) {
        return callAll(Expr.FunctionCall.Fn.CONCAT, columns(columns));
    }

    /**
     * The non-null strings of {@code columns} joined with {@code separator}; never null ("" when every one is null),
     * as Spark's and DuckDB's {@code concat_ws}. Values of other types are cast to string.
     */
    public static Expr concatWs(String separator, Object... columns) {
        Object[] all = new Object[columns.length + 1];
        all[0] = separator == null ? null : lit(separator);
        System.arraycopy(columns(columns), 0, all, 1, columns.length);
        return callAll(Expr.FunctionCall.Fn.CONCAT_WS, all);
    }

    /**
     * Group {@code group} (0: the whole match) of the first match of the Java regular expression {@code regex}; ""
     * when nothing matches or the group took no part in the match (as Spark and DuckDB). An invalid expression, or a
     * group the expression does not have, is an error naming it, thrown here.
     */
    public static Expr regexpExtract(Object column, String regex, int group) {
        return call(Expr.FunctionCall.Fn.REGEXP_EXTRACT, column, regex, group);
    }

    /**
     * Every match of the Java regular expression {@code regex} replaced by {@code replacement}, in which {@code $1} or
     * {@code ${name}} insert a group and {@code \} escapes (Spark's {@code regexp_replace}; DuckDB replaces only the
     * first match unless given {@code 'g'}, and writes groups {@code \1}). Invalid ones are errors thrown here.
     */
    public static Expr regexpReplace(Object column, String regex, String replacement) {
        return call(Expr.FunctionCall.Fn.REGEXP_REPLACE, column, regex, replacement);
    }

    /**
     * Part {@code part} of the string split at each {@code delimiter} (plain text): 1-based, negative counts from the
     * end, "" when there is no such part; an empty delimiter does not split; {@code part} 0 is an error (Spark's
     * {@code split_part}; DuckDB's splits at every character for an empty delimiter and gives "" for part 0). Spark's
     * {@code split}, which returns an array, is not available: Spillway has no list types.
     */
    public static Expr splitPart(Object column, String delimiter, int part) {
        return call(Expr.FunctionCall.Fn.SPLIT_PART, column, delimiter, part);
    }

    /** Every occurrence of the text {@code search} replaced by {@code replacement}; an empty {@code search} changes nothing. */
    public static Expr replace(Object column, String search, String replacement) {
        return call(Expr.FunctionCall.Fn.REPLACE, column, search, replacement);
    }

    /**
     * The string padded on the left with repeats of {@code pad} to {@code len} characters (code points), or cut to its
     * first {@code len} characters when longer; "" for {@code len <= 0}; an empty {@code pad} leaves a shorter string
     * as it is (Spark's {@code lpad}; DuckDB fails on an empty pad).
     */
    public static Expr lpad(Object column, int len, String pad) {
        return call(Expr.FunctionCall.Fn.LPAD, column, len, pad);
    }

    /** The string padded on the right; see {@link #lpad}. */
    public static Expr rpad(Object column, int len, String pad) {
        return call(Expr.FunctionCall.Fn.RPAD, column, len, pad);
    }

    // ---- math ---------------------------------------------------------------------------------
    // Decimals compute in float64, as arithmetic does.

    /** The absolute value: int64 for integers (abs of the smallest int64 is an error), float64 for float64. */
    public static Expr abs(Object column) {
        return call(Expr.FunctionCall.Fn.ABS, column);
    }

    /** {@link #round(Object, int)} to an integer value. */
    public static Expr round(Object column) {
        return round(column, 0);
    }

    /**
     * Rounded half-up (halves away from zero) to {@code scale} decimal places (negative: to tens, hundreds...).
     * Integers stay integers (of their type; a result out of its range is an error); float64 rounds its shortest
     * decimal form, as Spark ({@code round(1.005, 2)} is 1.01; DuckDB rounds the binary value, 1.00499..., to 1.0);
     * NaN and infinities stay as they are.
     */
    public static Expr round(Object column, int scale) {
        return call(Expr.FunctionCall.Fn.ROUND, column, scale);
    }

    /**
     * The largest integer not above the value, as int64 (as Spark; DuckDB keeps float64); NaN, an infinity or a value
     * beyond int64 is an error (as {@code cast}; Spark gives 0 or saturates).
     */
    public static Expr floor(Object column) {
        return call(Expr.FunctionCall.Fn.FLOOR, column);
    }

    /** The smallest integer not below the value, as int64; see {@link #floor}. */
    public static Expr ceil(Object column) {
        return call(Expr.FunctionCall.Fn.CEIL, column);
    }

    /** The square root, float64: NaN for a negative number (as Spark and DuckDB). */
    public static Expr sqrt(Object column) {
        return call(Expr.FunctionCall.Fn.SQRT, column);
    }

    /** The natural logarithm, float64: null for 0 and negative numbers (as Spark; DuckDB gives -Infinity for 0, NaN below). */
    public static Expr log(Object column) {
        return call(Expr.FunctionCall.Fn.LOG, column);
    }

    /** The base-10 logarithm; null for 0 and negative numbers, see {@link #log}. */
    public static Expr log10(Object column) {
        return call(Expr.FunctionCall.Fn.LOG10, column);
    }

    /** e raised to the value, float64 (infinity when it overflows). */
    public static Expr exp(Object column) {
        return call(Expr.FunctionCall.Fn.EXP, column);
    }

    /**
     * {@code base} raised to {@code exponent}, float64 (Java's {@code StrictMath.pow}, as Spark: a NaN exponent gives
     * NaN, and so does 1 or -1 raised to an infinity, where DuckDB and C give 1).
     */
    public static Expr pow(Object base, Object exponent) {
        return callAll(Expr.FunctionCall.Fn.POW, in(base), in(exponent));
    }

    // ---- joins --------------------------------------------------------------------------------

    /** Join keys named alike on both sides, each kept once in the result (SQL {@code USING}); see {@link JoinOn}. */
    public static JoinOn on(String... columns) {
        return JoinOn.using(columns);
    }

    /** The join key pair {@code left = right} (add more with {@link JoinOn#and}); both columns stay in the result. */
    public static JoinOn on(Expr left, Expr right) {
        return JoinOn.pair(left, right);
    }

    // ---- aggregates (for groupBy(...).agg(...) and agg(...)) --------------------------------

    private static Expr in(Object column) {
        return column instanceof String s ? col(s) : lit(column);
    }

    /**
     * The one-input aggregate {@code kind} of a column (name) or expression. Each public factory
     * below is one call of this (or of the general form), so that they differ only in name, kind
     * and Javadoc: the user-facing names stay explicit, the construction is written once.
     */
    private static AggregateExpr agg(AggregateExpr.Kind kind, Object column) {
        return agg(kind, in(column), null, Double.NaN);
    }

    /** Aggregate {@code kind} of {@code input} (null for {@code count()}), {@code input2} (corr) and {@code q} (quantile). */
    private static AggregateExpr agg(AggregateExpr.Kind kind, Expr input, Expr input2, double q) {
        return new AggregateExpr(kind, input, input2, q, null);
    }

    /** The number of rows (of the group). */
    public static AggregateExpr count() {
        return agg(AggregateExpr.Kind.COUNT_ALL, null, null, Double.NaN);
    }

    /** The number of non-null values of a column (name) or expression. */
    public static AggregateExpr count(Object column) {
        return agg(AggregateExpr.Kind.COUNT, column);
    }

    /** The number of distinct non-null values. */
    public static AggregateExpr countDistinct(Object column) {
        return agg(AggregateExpr.Kind.COUNT_DISTINCT, column);
    }

    /** The sum of the non-null values: int64 for integers (overflow is an error), float64 for float64. */
    public static AggregateExpr sum(Object column) {
        return agg(AggregateExpr.Kind.SUM, column);
    }

    /** The arithmetic mean. */
    public static AggregateExpr mean(Object column) {
        return agg(AggregateExpr.Kind.MEAN, column);
    }

    /** Same as {@link #mean}. */
    public static AggregateExpr avg(Object column) {
        return mean(column);
    }

    /** The smallest value (strings by UTF-8 bytes; NaN is larger than every number). */
    public static AggregateExpr min(Object column) {
        return agg(AggregateExpr.Kind.MIN, column);
    }

    /** The largest value. */
    public static AggregateExpr max(Object column) {
        return agg(AggregateExpr.Kind.MAX, column);
    }

    /** The first non-null value in input order (Spark's {@code first(col, ignoreNulls = true)}). */
    public static AggregateExpr first(Object column) {
        return agg(AggregateExpr.Kind.FIRST, column);
    }

    /** The value of the group's first row in input order, even if null (what {@code dropDuplicates} keeps). */
    public static AggregateExpr firstRow(Object column) {
        return agg(AggregateExpr.Kind.FIRST_ROW, column);
    }

    /** The last non-null value in input order. */
    public static AggregateExpr last(Object column) {
        return agg(AggregateExpr.Kind.LAST, column);
    }

    /** The sample standard deviation (n - 1 in the denominator; null for fewer than two values). */
    public static AggregateExpr std(Object column) {
        return agg(AggregateExpr.Kind.STD, column);
    }

    /** Same as {@link #std}. */
    public static AggregateExpr stddev(Object column) {
        return std(column);
    }

    /** The population standard deviation (n in the denominator). */
    public static AggregateExpr stdPop(Object column) {
        return agg(AggregateExpr.Kind.STD_POP, column);
    }

    /** The sample variance. */
    public static AggregateExpr var(Object column) {
        return agg(AggregateExpr.Kind.VAR, column);
    }

    /** Same as {@link #var}. */
    public static AggregateExpr variance(Object column) {
        return var(column);
    }

    /** The population variance. */
    public static AggregateExpr varPop(Object column) {
        return agg(AggregateExpr.Kind.VAR_POP, column);
    }

    /** The median: the interpolated 0.5 quantile, as pandas and DuckDB compute it. */
    public static AggregateExpr median(Object column) {
        return agg(AggregateExpr.Kind.MEDIAN, column);
    }

    /** The {@code q} quantile with linear interpolation between the closest ranks. */
    public static AggregateExpr quantile(Object column, double q) {
        return agg(AggregateExpr.Kind.QUANTILE, in(column), null, q);
    }

    /**
     * Pearson's correlation of {@code a} and {@code b} over rows where both are non-null: null without such rows,
     * NaN when either has zero variance (as DuckDB).
     */
    public static AggregateExpr corr(Object a, Object b) {
        return agg(AggregateExpr.Kind.CORR, in(a), in(b), Double.NaN);
    }

    // ---- orderings -------------------------------------------------------------------------

    /** Ascending order on a column (name) or expression, nulls last (as DuckDB and Polars). */
    public static SortOrder asc(Object column) {
        return new SortOrder(in(column), true, false);
    }

    /** Descending order, nulls last. */
    public static SortOrder desc(Object column) {
        return new SortOrder(in(column), false, false);
    }

    // ---- dates and times ----------------------------------------------------------------------
    //
    // One zone rule, whatever the session: a timestamp (an instant) is read in UTC, a timestamp_ntz (a wall clock) as
    // it is. For the fields of an instant in another zone, take its wall clock there: hour(fromUtcTimestamp(ts, zone)).

    /** The year of a date, timestamp (in UTC) or timestamp_ntz, int32 (e.g. 2024; -44 for 45 BC, as ISO years count). */
    public static Expr year(Object column) {
        return call(Expr.FunctionCall.Fn.YEAR, column);
    }

    /** The month, 1 (January) to 12, of a date, timestamp (in UTC) or timestamp_ntz. */
    public static Expr month(Object column) {
        return call(Expr.FunctionCall.Fn.MONTH, column);
    }

    /** The day of the month, 1 to 31, of a date, timestamp (in UTC) or timestamp_ntz. */
    public static Expr dayOfMonth(Object column) {
        return call(Expr.FunctionCall.Fn.DAYOFMONTH, column);
    }

    /**
     * The day of the week of a date, timestamp (in UTC) or timestamp_ntz, numbered as Spark's {@code dayofweek}: 1 =
     * Sunday, 2 = Monday ... 7 = Saturday (DuckDB's {@code dayofweek} counts 0 = Sunday ... 6; ISO 1 = Monday ... 7).
     */
    public static Expr dayOfWeek(Object column) {
        return call(Expr.FunctionCall.Fn.DAYOFWEEK, column);
    }

    /** The day of the year, 1 to 366, of a date, timestamp (in UTC) or timestamp_ntz. */
    public static Expr dayOfYear(Object column) {
        return call(Expr.FunctionCall.Fn.DAYOFYEAR, column);
    }

    /** The hour, 0 to 23, of a timestamp (in UTC), timestamp_ntz or time. */
    public static Expr hour(Object column) {
        return call(Expr.FunctionCall.Fn.HOUR, column);
    }

    /** The minute, 0 to 59, of a timestamp (in UTC), timestamp_ntz or time. */
    public static Expr minute(Object column) {
        return call(Expr.FunctionCall.Fn.MINUTE, column);
    }

    /** The whole seconds, 0 to 59, of a timestamp, timestamp_ntz or time (the fraction is dropped). */
    public static Expr second(Object column) {
        return call(Expr.FunctionCall.Fn.SECOND, column);
    }

    /**
     * {@code column} truncated to the start of its {@code unit} (Spark's {@code date_trunc(fmt, ts)}, unit first): year,
     * quarter, month, week (from Monday), day, hour, minute, second, millisecond or microsecond (case-insensitive; also
     * Spark's yyyy, yy, mon, mm, dd). The result has the column's type: a timestamp is truncated in UTC, a
     * timestamp_ntz as it is, and a date stays a date (units below a day leave it unchanged; Spark gives a timestamp).
     *
     * @throws SpillwayException naming an unknown unit
     */
    public static Expr dateTrunc(String unit, Object column) {
        return callAll(Expr.FunctionCall.Fn.DATE_TRUNC, unit, in(column));
    }

    /**
     * The date {@code days} days after that of {@code column} (a date, or the date of a timestamp in UTC or of a
     * timestamp_ntz); {@code days} is an int (constant) or an integer column (name or Expr). A date out of range is an
     * error.
     */
    public static Expr dateAdd(Object column, Object days) {
        return callAll(Expr.FunctionCall.Fn.DATE_ADD, in(column), in(days));
    }

    /** The date {@code days} days before that of {@code column}; see {@link #dateAdd}. */
    public static Expr dateSub(Object column, Object days) {
        return callAll(Expr.FunctionCall.Fn.DATE_SUB, in(column), in(days));
    }

    /**
     * The number of days from {@code start} to {@code end}, int32 (Spark's {@code datediff(end, start)}: end first;
     * DuckDB's {@code date_diff('day', start, end)}); timestamps count by their UTC dates, the time of day is ignored.
     */
    public static Expr dateDiff(Object end, Object start) {
        return callAll(Expr.FunctionCall.Fn.DATEDIFF, in(end), in(start));
    }

    /**
     * The date of a column: ISO text ({@code 2024-02-29}), the UTC date of a timestamp, the date of a timestamp_ntz;
     * a date is kept. Exactly {@code cast(DataType.DATE)}: unparsable text is an error naming it.
     */
    public static Expr toDate(Object column) {
        return call(Expr.FunctionCall.Fn.TO_DATE, column);
    }

    /**
     * Text parsed as a date with a {@link java.time.format.DateTimeFormatter} pattern ({@code "dd.MM.yyyy"},
     * {@code "MMM d, yyyy"}): the whole text must match, strictly (no 30 February), letters case-insensitive and English;
     * fields the pattern lacks are taken from 1970-01-01, as Spark. A value that does not parse is an error naming it
     * and the pattern (Spark's default gives null: filter, or wrap in {@code when}, first).
     *
     * @throws SpillwayException naming an invalid pattern, when the expression is built
     */
    public static Expr toDate(Object column, String pattern) {
        return call(Expr.FunctionCall.Fn.TO_DATE, column, pattern);
    }

    /**
     * The timestamp of a column: ISO text (with an offset or zone, else read as UTC), a date (its midnight in UTC), a
     * timestamp_ntz (its wall clock in UTC). Exactly {@code cast(DataType.TIMESTAMP)}.
     */
    public static Expr toTimestamp(Object column) {
        return call(Expr.FunctionCall.Fn.TO_TIMESTAMP, column);
    }

    /**
     * Text parsed as a timestamp with a {@link java.time.format.DateTimeFormatter} pattern
     * ({@code "yyyy-MM-dd HH:mm:ss"}, {@code "yyyy-MM-dd'T'HH:mm:ssXXX"}): the wall clock is in the zone or offset the
     * text gives ({@code VV}, {@code XXX}, {@code Z} in the pattern), else in UTC; a missing time is midnight. Parsing
     * is as {@link #toDate(Object, String)}'s.
     *
     * @throws SpillwayException naming an invalid pattern, when the expression is built
     */
    public static Expr toTimestamp(Object column, String pattern) {
        return call(Expr.FunctionCall.Fn.TO_TIMESTAMP, column, pattern);
    }

    /**
     * The whole seconds since 1970-01-01T00:00Z, int64, of a timestamp (rounded down), a date (its midnight in UTC), a
     * timestamp_ntz (its wall clock in UTC) or ISO text (as {@link #toTimestamp(Object)}).
     */
    public static Expr unixTimestamp(Object column) {
        return call(Expr.FunctionCall.Fn.UNIX_TIMESTAMP, column);
    }

    /** {@code unixTimestamp(toTimestamp(column, pattern))}: text parsed with a pattern, as seconds since the epoch. */
    public static Expr unixTimestamp(Object column, String pattern) {
        return unixTimestamp(toTimestamp(column, pattern));
    }

    /**
     * The timestamp of a number of seconds since 1970-01-01T00:00Z: integers exactly, float64 to the nearest
     * microsecond (DuckDB's {@code to_timestamp}, Spark's {@code timestamp_seconds}; Spark's {@code from_unixtime} gives
     * text instead). NaN, infinities and values out of range are errors.
     */
    public static Expr fromUnixTime(Object column) {
        return call(Expr.FunctionCall.Fn.FROM_UNIXTIME, column);
    }

    /**
     * The wall clock (timestamp_ntz) that a timestamp shows in {@code zone} (a region such as {@code "Europe/Berlin"},
     * following its daylight-saving rules, or an offset such as {@code "+05:30"}); a timestamp_ntz is read as a UTC
     * wall clock. Extract local fields from it: {@code hour(fromUtcTimestamp("ts", "Europe/Berlin"))}. As Spark's
     * {@code from_utc_timestamp}, but typed: the result is a wall clock, not an instant.
     *
     * @throws SpillwayException naming an unknown zone
     */
    public static Expr fromUtcTimestamp(Object column, String zone) {
        return call(Expr.FunctionCall.Fn.FROM_UTC_TIMESTAMP, column, zone);
    }

    /**
     * The timestamp (instant) at which {@code zone}'s clocks show a timestamp_ntz wall clock: the inverse of
     * {@link #fromUtcTimestamp}. A wall clock a daylight-saving change skips is moved forward by the length of the gap
     * (02:30 on a spring-forward night in Berlin is 03:30 CEST); one it repeats is its earlier instant (java.time's
     * rule).
     *
     * @throws SpillwayException naming an unknown zone
     */
    public static Expr toUtcTimestamp(Object column, String zone) {
        return call(Expr.FunctionCall.Fn.TO_UTC_TIMESTAMP, column, zone);
    }

    /**
     * Today's date in UTC, fixed when this expression is built: every row, and every run of a frame holding it, sees
     * the same date (for a zone's date: {@code toDate(fromUtcTimestamp(currentTimestamp(), zone))}).
     */
    public static Expr currentDate() {
        return callAll(Expr.FunctionCall.Fn.CURRENT_DATE, LocalDate.now(ZoneOffset.UTC));
    }

    /**
     * The current instant (to the microsecond), fixed when this expression is built: every row, and every run of a
     * frame holding it, sees the same value. Build it once and reuse it where a query needs one value in several places.
     */
    public static Expr currentTimestamp() {
        Instant now = Instant.now();
        return callAll(Expr.FunctionCall.Fn.CURRENT_TIMESTAMP, now.minusNanos(now.getNano() % 1000));
    }

    // ---- window functions (see Window) ----------------------------------------------------------

    /** The row's position in its window partition, from 1 (Spark's {@code row_number}); use with {@code .over(w)}. */
    public static WindowFunction rowNumber() {
        return new WindowFunction(WindowFunction.Kind.ROW_NUMBER, null, 0, null, null);
    }

    /** 1 + the rows of the partition before the row's peers (equal order keys): ties share a rank, with gaps after. */
    public static WindowFunction rank() {
        return new WindowFunction(WindowFunction.Kind.RANK, null, 0, null, null);
    }

    /** 1 + the distinct order values before the row's: ties share a rank, without gaps. */
    public static WindowFunction denseRank() {
        return new WindowFunction(WindowFunction.Kind.DENSE_RANK, null, 0, null, null);
    }

    /** {@code (rank - 1) / (rows in the partition - 1)}, float64; 0 for a partition of one row. */
    public static WindowFunction percentRank() {
        return new WindowFunction(WindowFunction.Kind.PERCENT_RANK, null, 0, null, null);
    }

    /**
     * The bucket (1 to {@code n}) of the row when its partition is cut, in order, into {@code n} buckets whose sizes
     * differ by at most one (the larger first), as Spark and SQL.
     */
    public static WindowFunction ntile(int n) {
        return new WindowFunction(WindowFunction.Kind.NTILE, null, n, null, null);
    }

    /** The value of {@code column} {@code offset} rows before in the partition, null where there is none. */
    public static WindowFunction lag(Object column, int offset) {
        return lag(column, offset, null);
    }

    /** As {@link #lag(Object, int)}, with {@code defaultValue} (a Java value of the column's type) where there is no row. */
    public static WindowFunction lag(Object column, int offset, Object defaultValue) {
        return new WindowFunction(WindowFunction.Kind.LAG, in(column), offset, defaultValue, null);
    }

    /** The value of {@code column} {@code offset} rows after in the partition, null where there is none. */
    public static WindowFunction lead(Object column, int offset) {
        return lead(column, offset, null);
    }

    /** As {@link #lead(Object, int)}, with {@code defaultValue} where there is no row. */
    public static WindowFunction lead(Object column, int offset, Object defaultValue) {
        return new WindowFunction(WindowFunction.Kind.LEAD, in(column), offset, defaultValue, null);
    }

    /**
     * The cumulative distribution: the rows of the partition up to the current row's last peer, over the rows of the
     * partition (float64, in (0, 1]; SQL's {@code cume_dist}). Needs an ordered window.
     */
    public static WindowFunction cumeDist() {
        return new WindowFunction(WindowFunction.Kind.CUME_DIST, null, 0, null, null);
    }

    /**
     * The value of {@code column} at the first row of the frame (SQL's {@code first_value}; a null value is returned,
     * see {@link #firstValue(Object, boolean)}); null for an empty frame. The frame is the window's (by default, with an
     * order, the partition's first row to the current row's last peer).
     */
    public static WindowFunction firstValue(Object column) {
        return firstValue(column, false);
    }

    /** As {@link #firstValue(Object)}; with {@code ignoreNulls} the frame's first non-null value ({@code IGNORE NULLS}). */
    public static WindowFunction firstValue(Object column, boolean ignoreNulls) {
        return new WindowFunction(WindowFunction.Kind.FIRST_VALUE, in(column), 0, null, null, ignoreNulls);
    }

    /**
     * The value of {@code column} at the last row of the frame (SQL's {@code last_value}): with an ordered window's
     * default frame, the current row's last peer; use {@code rowsBetween(..., Window.unboundedFollowing)} for the
     * partition's last row.
     */
    public static WindowFunction lastValue(Object column) {
        return lastValue(column, false);
    }

    /** As {@link #lastValue(Object)}; with {@code ignoreNulls} the frame's last non-null value. */
    public static WindowFunction lastValue(Object column, boolean ignoreNulls) {
        return new WindowFunction(WindowFunction.Kind.LAST_VALUE, in(column), 0, null, null, ignoreNulls);
    }

    /** The value of {@code column} at the {@code n}-th row of the frame (from 1; SQL's {@code nth_value}), null if it has fewer rows. */
    public static WindowFunction nthValue(Object column, int n) {
        return nthValue(column, n, false);
    }

    /** As {@link #nthValue(Object, int)}; with {@code ignoreNulls} the n-th non-null value of the frame. */
    public static WindowFunction nthValue(Object column, int n, boolean ignoreNulls) {
        return new WindowFunction(WindowFunction.Kind.NTH_VALUE, in(column), n, null, null, ignoreNulls);
    }
}
