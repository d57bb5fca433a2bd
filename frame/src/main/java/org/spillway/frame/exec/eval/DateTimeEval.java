package org.spillway.frame.exec.eval;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoField;
import java.time.temporal.TemporalAccessor;
import java.time.temporal.TemporalQueries;
import java.util.ArrayList;
import java.util.List;
import org.spillway.frame.Expr;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.FunctionCall.Fn;
import org.spillway.frame.Expr.Literal;
import org.spillway.frame.FunctionArgs;
import org.spillway.frame.Literals;
import org.spillway.frame.SpillwayException;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;

/**
 * The date and time functions ({@code year} ... {@code second}, {@code date_trunc}, {@code date_add},
 * {@code date_sub}, {@code datediff}, {@code to_date}, {@code to_timestamp}, {@code unix_timestamp},
 * {@code from_unixtime}, {@code from_utc_timestamp}, {@code to_utc_timestamp}) over the stored longs: days since
 * 1970-01-01 for a date, microseconds for the others.
 *
 * <p>One zone rule, independent of any session setting: the fields of a timestamp (an instant) are those of its UTC
 * wall clock, and a timestamp_ntz's (a wall clock) are read as they are. The wall clock of an instant in another zone is
 * {@code from_utc_timestamp(ts, zone)}, a timestamp_ntz; {@code to_utc_timestamp(ntz, zone)} goes back, taking
 * java.time's rule for a wall clock that a daylight-saving change skips (moved forward by the gap) or repeats (the
 * earlier instant). A value that cannot be converted (unparsable text, a result out of range) is an error naming it, or
 * null in rows a CASE branch does not take ({@link EvalMask}).
 */
final class DateTimeEval implements PhysicalExpr {
    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_DAY = 86_400_000_000L;

    private final FunctionCall expr; // for error messages
    private final Fn fn;
    private final DataType type;
    private final List<PhysicalExpr> args; // the non-constant arguments
    private final String unit; // date_trunc's
    private final DateTimeFormatter pattern; // to_date's, to_timestamp's (null: no pattern)
    private final ZoneId zone; // from_utc_timestamp's, to_utc_timestamp's

    private DateTimeEval(FunctionCall expr, DataType type, List<PhysicalExpr> args) {
        this.expr = expr;
        this.fn = expr.fn();
        this.type = type;
        this.args = List.copyOf(args);
        this.unit = fn == Fn.DATE_TRUNC ? FunctionArgs.truncUnit(expr) : null;
        this.pattern = (fn == Fn.TO_DATE || fn == Fn.TO_TIMESTAMP) && expr.args().size() == 2 ? FunctionArgs.dateTimePattern(expr) : null;
        this.zone = fn == Fn.FROM_UTC_TIMESTAMP || fn == Fn.TO_UTC_TIMESTAMP ? FunctionArgs.zone(expr) : null;
    }

    /** Compiles {@code f} (its type checked: {@code type}); the arguments are compiled as the evaluation reads them. */
    static PhysicalExpr compile(FunctionCall f, DataType type, Schema schema) {
        List<Expr> a = f.args();
        List<PhysicalExpr> args = new ArrayList<>();
        switch (f.fn()) {
            case TO_DATE, TO_TIMESTAMP -> {
                if (a.size() == 1) { // a conversion: exactly cast's
                    return ExprCompiler.compile(new Expr.CastExpr(a.getFirst(), type), schema);
                }
                args.add(FunctionCompiler.coerce(a.getFirst(), DataType.STRING, schema));
            }
            case UNIX_TIMESTAMP -> { // dates, timestamp_ntz (as UTC wall clocks) and ISO text converted as cast does
                Expr e = a.getFirst();
                args.add(isNull(e) || e.type(schema) == DataType.TIMESTAMP ? input(e, DataType.TIMESTAMP, schema)
                        : ExprCompiler.compile(new Expr.CastExpr(e, DataType.TIMESTAMP), schema));
            }
            case FROM_UNIXTIME -> {
                Expr e = a.getFirst();
                DataType t = isNull(e) ? DataType.INT64 : e.type(schema);
                args.add(FunctionCompiler.coerce(e, t.isIntegral() ? DataType.INT64 : DataType.FLOAT64, schema));
            }
            case DATE_ADD, DATE_SUB -> {
                args.add(input(a.get(0), DataType.DATE, schema));
                args.add(FunctionCompiler.coerce(a.get(1), DataType.INT64, schema));
            }
            case DATE_TRUNC -> args.add(input(a.get(1), DataType.DATE, schema));
            case FROM_UTC_TIMESTAMP -> args.add(input(a.getFirst(), DataType.TIMESTAMP, schema));
            case TO_UTC_TIMESTAMP -> args.add(input(a.getFirst(), DataType.TIMESTAMP_NTZ, schema));
            case HOUR, MINUTE, SECOND -> args.add(input(a.getFirst(), DataType.TIMESTAMP, schema));
            default -> { // the day fields and datediff: dates, timestamps or timestamp_ntz
                for (Expr e : a) {
                    args.add(input(e, DataType.DATE, schema));
                }
            }
        }
        return new DateTimeEval(f, type, args);
    }

    /** {@code e} compiled as it is typed (a null literal as nulls of {@code ifNull}). */
    private static PhysicalExpr input(Expr e, DataType ifNull, Schema schema) {
        return FunctionCompiler.coerce(e, isNull(e) ? ifNull : e.type(schema), schema);
    }

    private static boolean isNull(Expr e) {
        return e instanceof Literal l && l.value() == null;
    }

    @Override
    public HeapColumn eval(Chunk chunk) {
        int n = chunk.rows();
        HeapColumn x = args.getFirst().eval(chunk);
        HeapColumn y = args.size() > 1 ? args.get(1).eval(chunk) : null;
        HeapColumn out = new HeapColumn(type, n);
        for (int i = 0; i < n; i++) {
            if (x.isNull(i) || (y != null && y.isNull(i))) {
                out.setNull(i);
                continue;
            }
            try {
                compute(x, y, i, out);
            } catch (DateTimeException | ArithmeticException e) {
                if (EvalMask.ignored(i)) {
                    out.setNull(i); // a CASE branch not taken for this row
                    continue;
                }
                throw failure(x, y, i, e);
            }
        }
        return out;
    }

    private void compute(HeapColumn x, HeapColumn y, int i, HeapColumn out) {
        DataType t = x.type;
        switch (fn) {
            case YEAR -> out.longs[i] = LocalDate.ofEpochDay(epochDay(x.longs[i], t)).getYear();
            case MONTH -> out.longs[i] = LocalDate.ofEpochDay(epochDay(x.longs[i], t)).getMonthValue();
            case DAYOFMONTH -> out.longs[i] = LocalDate.ofEpochDay(epochDay(x.longs[i], t)).getDayOfMonth();
            case DAYOFYEAR -> out.longs[i] = LocalDate.ofEpochDay(epochDay(x.longs[i], t)).getDayOfYear();
            case DAYOFWEEK -> out.longs[i] = Math.floorMod(epochDay(x.longs[i], t) + 4, 7) + 1; // 1970-01-01 was a Thursday (5)
            case HOUR -> out.longs[i] = microOfDay(x.longs[i], t) / 3_600_000_000L;
            case MINUTE -> out.longs[i] = microOfDay(x.longs[i], t) / 60_000_000L % 60;
            case SECOND -> out.longs[i] = microOfDay(x.longs[i], t) / MICROS_PER_SECOND % 60;
            case DATE_TRUNC -> out.longs[i] = truncate(x.longs[i], t);
            case DATE_ADD -> out.longs[i] = Math.toIntExact(Math.addExact(epochDay(x.longs[i], t), y.longs[i]));
            case DATE_SUB -> out.longs[i] = Math.toIntExact(Math.subtractExact(epochDay(x.longs[i], t), y.longs[i]));
            case DATEDIFF -> out.longs[i] = Math.toIntExact(epochDay(x.longs[i], t) - epochDay(y.longs[i], y.type));
            case TO_DATE -> out.longs[i] = parseDate(x.strings[i]).toEpochDay();
            case TO_TIMESTAMP -> out.longs[i] = Literals.toLong(parseInstant(x.strings[i]), DataType.TIMESTAMP);
            case UNIX_TIMESTAMP -> out.longs[i] = Math.floorDiv(x.longs[i], MICROS_PER_SECOND);
            case FROM_UNIXTIME -> out.longs[i] = x.longs != null ? Math.multiplyExact(x.longs[i], MICROS_PER_SECOND) : secondsToMicros(x.doubles[i]);
            case FROM_UTC_TIMESTAMP -> {
                long micros = x.longs[i];
                int offset = zone.getRules().getOffset(Instant.ofEpochSecond(Math.floorDiv(micros, MICROS_PER_SECOND))).getTotalSeconds();
                out.longs[i] = Math.addExact(micros, offset * MICROS_PER_SECOND);
            }
            case TO_UTC_TIMESTAMP -> {
                long micros = x.longs[i];
                ZonedDateTime z = ZonedDateTime.ofLocal(Literals.toLocalDateTime(micros), zone, null);
                out.longs[i] = Literals.toLong(z.toInstant(), DataType.TIMESTAMP);
            }
            default -> throw new IllegalStateException(fn.sqlName());
        }
    }

    /** The day (since 1970-01-01) of a date, a timestamp (in UTC) or a timestamp_ntz. */
    static long epochDay(long v, DataType t) {
        return t == DataType.DATE ? v : Math.floorDiv(v, MICROS_PER_DAY);
    }

    /** The microsecond of the day of a time, a timestamp (in UTC) or a timestamp_ntz. */
    private static long microOfDay(long v, DataType t) {
        return t == DataType.TIME ? v : Math.floorMod(v, MICROS_PER_DAY);
    }

    /** {@code v} (of type {@code t}) truncated to the start of its {@code unit}; a date is kept for units below a day. */
    private long truncate(long v, DataType t) {
        long step = switch (unit) {
            case "hour" -> 3_600_000_000L;
            case "minute" -> 60_000_000L;
            case "second" -> MICROS_PER_SECOND;
            case "millisecond" -> 1_000L;
            case "microsecond" -> 1L;
            default -> 0L; // a unit of days
        };
        if (step > 0) {
            return t == DataType.DATE ? v : Math.multiplyExact(Math.floorDiv(v, step), step);
        }
        long day = epochDay(v, t);
        LocalDate d = LocalDate.ofEpochDay(day);
        long start = switch (unit) {
            case "year" -> d.withDayOfYear(1).toEpochDay();
            case "quarter" -> d.withDayOfMonth(1).withMonth((d.getMonthValue() - 1) / 3 * 3 + 1).toEpochDay();
            case "month" -> d.withDayOfMonth(1).toEpochDay();
            case "week" -> day - Math.floorMod(day + 3, 7); // back to Monday (1970-01-01 was a Thursday)
            case "day" -> day;
            default -> throw new IllegalStateException(unit);
        };
        return t == DataType.DATE ? start : Math.multiplyExact(start, MICROS_PER_DAY);
    }

    /** Seconds (with a fraction) as microseconds, rounded to the nearest; NaN, infinities and overflow are errors. */
    private static long secondsToMicros(double seconds) {
        double micros = Math.rint(seconds * 1e6);
        if (Double.isNaN(micros) || micros >= 0x1p63 || micros < -0x1p63) {
            throw new ArithmeticException("out of the timestamp range");
        }
        return (long) micros;
    }

    /** Text parsed with the pattern as a date; fields the pattern lacks are 1970, January, day 1 (as Spark). */
    private LocalDate parseDate(String s) {
        TemporalAccessor t = pattern.parse(s);
        LocalDate d = t.query(TemporalQueries.localDate());
        if (d != null) {
            return d;
        }
        return LocalDate.of(t.isSupported(ChronoField.YEAR) ? t.get(ChronoField.YEAR) : 1970,
                t.isSupported(ChronoField.MONTH_OF_YEAR) ? t.get(ChronoField.MONTH_OF_YEAR) : 1,
                t.isSupported(ChronoField.DAY_OF_MONTH) ? t.get(ChronoField.DAY_OF_MONTH) : 1);
    }

    /**
     * Text parsed with the pattern as an instant: the wall clock (date as {@link #parseDate}, time midnight unless given)
     * in the zone or offset the text gives, else in UTC.
     */
    private Instant parseInstant(String s) {
        TemporalAccessor t = pattern.parse(s);
        LocalDate d = t.query(TemporalQueries.localDate());
        if (d == null) {
            d = parseDate(s);
        }
        LocalTime time = t.query(TemporalQueries.localTime());
        LocalDateTime wall = LocalDateTime.of(d, time == null ? LocalTime.MIDNIGHT : time);
        ZoneId z = t.query(TemporalQueries.zone());
        return z == null ? wall.toInstant(ZoneOffset.UTC) : ZonedDateTime.ofLocal(wall, z, null).toInstant();
    }

    private SpillwayException failure(HeapColumn x, HeapColumn y, int i, RuntimeException e) {
        String value = render(x, i) + (y == null ? "" : ", " + render(y, i));
        String reason = e.getMessage();
        if (pattern != null) {
            return new SpillwayException(fn.sqlName() + ": cannot parse " + value + " with the pattern '" + FunctionArgs.string(expr, 1)
                    + "' (in " + expr + "): " + reason + ". Filter such rows out first", e);
        }
        return new SpillwayException("Cannot evaluate " + expr + " for " + value + ": " + reason
                + (e instanceof ArithmeticException ? " (the result is out of the " + type.displayName() + " range)" : ""), e);
    }

    private static String render(HeapColumn v, int i) {
        return switch (v.type.kind()) {
            case STRING -> "'" + v.strings[i] + "'";
            case FLOAT64 -> String.valueOf(v.doubles[i]);
            case DATE -> LocalDate.ofEpochDay(v.longs[i]).toString();
            case TIMESTAMP -> Instant.ofEpochSecond(Math.floorDiv(v.longs[i], MICROS_PER_SECOND),
                    Math.floorMod(v.longs[i], MICROS_PER_SECOND) * 1000).toString();
            case TIMESTAMP_NTZ -> Literals.formatTimestampNtz(v.longs[i]);
            case TIME -> Literals.formatTime(v.longs[i]);
            default -> String.valueOf(v.longs[i]);
        };
    }
}
