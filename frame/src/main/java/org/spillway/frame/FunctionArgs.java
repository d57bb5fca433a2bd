package org.spillway.frame;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.FunctionCall.Fn;
import org.spillway.frame.Expr.Literal;

/**
 * The checks of a {@link FunctionCall}'s arguments when it is built (their number, the constant ones, regular
 * expressions, {@code LIKE} patterns and replacement strings, date-time patterns, {@code date_trunc} units and time
 * zones), and the reading of its constant arguments, shared
 * with the evaluator in {@code org.spillway.frame.exec.eval}, so that a bad argument is reported once, when the
 * expression is written, naming it.
 */
public final class FunctionArgs {
    private FunctionArgs() {
    }

    /**
     * Checks {@code args} for {@code fn}.
     *
     * @throws SpillwayException naming the function and the bad argument
     */
    static void check(Fn fn, List<Expr> args) {
        String name = fn.sqlName();
        if (args.size() < fn.minArgs() || (fn.maxArgs() >= 0 && args.size() > fn.maxArgs())) {
            String want = fn.maxArgs() == fn.minArgs() ? String.valueOf(fn.minArgs())
                    : fn.maxArgs() < 0 ? "at least " + fn.minArgs() : fn.minArgs() + " to " + fn.maxArgs();
            boolean one = want.equals("1") || want.endsWith(" 1");
            throw new SpillwayException(name + " takes " + want + " argument" + (one ? "" : "s") + ", got " + args.size());
        }
        for (int i = 0; i < args.size(); i++) {
            if (fn.isLiteralArg(i) && !(args.get(i) instanceof Literal l && l.value() != null)) {
                throw new SpillwayException("argument " + (i + 1) + " of " + name + " must be a non-null constant, got " + args.get(i));
            }
        }
        switch (fn) {
            case LIKE -> likeRegex(string(fn, args, 1));
            case RLIKE, REGEXP_REPLACE -> {
                Pattern p = regex(fn, args);
                if (fn == Fn.REGEXP_REPLACE) {
                    checkReplacement(p, string(fn, args, 2));
                }
            }
            case REGEXP_EXTRACT -> {
                Pattern p = regex(fn, args);
                int group = integer(fn, args, 2);
                int groups = p.matcher("").groupCount();
                if (group < 0 || group > groups) {
                    throw new SpillwayException("regexp_extract: group " + group + " is out of range: the regex '" + p.pattern()
                            + "' has " + groups + " group" + (groups == 1 ? "" : "s") + " (0 is the whole match)");
                }
            }
            case SPLIT_PART -> {
                string(fn, args, 1);
                if (integer(fn, args, 2) == 0) {
                    throw new SpillwayException("split_part: the part number must not be 0 (1 is the first part, -1 the last)");
                }
            }
            case REPLACE -> {
                string(fn, args, 1);
                string(fn, args, 2);
            }
            case LPAD, RPAD -> {
                integer(fn, args, 1);
                string(fn, args, 2);
            }
            case ROUND -> integer(fn, args, 1);
            case CONCAT_WS -> string(fn, args, 0);
            case DATE_TRUNC -> truncUnit(fn, args);
            case TO_DATE, TO_TIMESTAMP -> {
                if (args.size() == 2) {
                    dateTimePattern(fn, args);
                }
            }
            case FROM_UTC_TIMESTAMP, TO_UTC_TIMESTAMP -> zone(fn, args);
            case CURRENT_DATE, CURRENT_TIMESTAMP -> {
                Object v = ((Literal) args.getFirst()).value();
                if (!(fn == Fn.CURRENT_DATE ? v instanceof LocalDate : v instanceof Instant)) {
                    throw new SpillwayException("argument 1 of " + name + " must be the " + (fn == Fn.CURRENT_DATE ? "date" : "instant")
                            + " it stands for (use Functions." + (fn == Fn.CURRENT_DATE ? "currentDate()" : "currentTimestamp()")
                            + "), got " + args.getFirst());
                }
            }
            default -> {
            }
        }
    }

    // ---- date and time arguments ----------------------------------------------------------------

    /** The units of {@code date_trunc}, canonical names first; aliases as Spark accepts them. */
    private static final Map<String, String> TRUNC_UNITS = Map.ofEntries(
            Map.entry("year", "year"), Map.entry("yyyy", "year"), Map.entry("yy", "year"),
            Map.entry("quarter", "quarter"),
            Map.entry("month", "month"), Map.entry("mon", "month"), Map.entry("mm", "month"),
            Map.entry("week", "week"),
            Map.entry("day", "day"), Map.entry("dd", "day"),
            Map.entry("hour", "hour"), Map.entry("minute", "minute"), Map.entry("second", "second"),
            Map.entry("millisecond", "millisecond"), Map.entry("microsecond", "microsecond"));

    /**
     * The unit (argument 1) of {@code date_trunc}, in canonical form: year, quarter, month, week, day, hour, minute,
     * second, millisecond or microsecond (case-insensitive; Spark's aliases yyyy, yy, mon, mm and dd are accepted).
     */
    public static String truncUnit(FunctionCall call) {
        return truncUnit(call.fn(), call.args());
    }

    private static String truncUnit(Fn fn, List<Expr> args) {
        String unit = string(fn, args, 0);
        String canonical = TRUNC_UNITS.get(unit.trim().toLowerCase(Locale.ROOT));
        if (canonical == null) {
            throw new SpillwayException(fn.sqlName() + ": unknown unit '" + unit + "'; use one of year, quarter, month, week, day,"
                    + " hour, minute, second, millisecond, microsecond");
        }
        return canonical;
    }

    /**
     * The parser of the pattern (argument 2) of {@code to_date} or {@code to_timestamp}: a
     * {@link DateTimeFormatter} pattern, parsed strictly (no 31 February) and case-insensitively, with
     * {@code y} meaning the year of the common era (as Spark: {@code yyyy-MM-dd} works), English month and day names.
     */
    public static DateTimeFormatter dateTimePattern(FunctionCall call) {
        return dateTimePattern(call.fn(), call.args());
    }

    private static DateTimeFormatter dateTimePattern(Fn fn, List<Expr> args) {
        String pattern = string(fn, args, 1);
        try {
            return new DateTimeFormatterBuilder().parseCaseInsensitive().appendPattern(pattern)
                    .parseDefaulting(ChronoField.ERA, 1)
                    .toFormatter(Locale.US)
                    .withChronology(IsoChronology.INSTANCE)
                    .withResolverStyle(ResolverStyle.STRICT);
        } catch (IllegalArgumentException e) {
            throw new SpillwayException(fn.sqlName() + ": invalid pattern '" + pattern + "': " + e.getMessage()
                    + " (a DateTimeFormatter pattern such as 'yyyy-MM-dd HH:mm:ss'; quote text in '...')", e);
        }
    }

    /** The time zone (argument 2) of {@code from_utc_timestamp} or {@code to_utc_timestamp}: a region or an offset. */
    public static ZoneId zone(FunctionCall call) {
        return zone(call.fn(), call.args());
    }

    private static ZoneId zone(Fn fn, List<Expr> args) {
        String zone = string(fn, args, 1);
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new SpillwayException(fn.sqlName() + ": unknown time zone '" + zone + "': " + e.getMessage()
                    + " (use a region such as 'Europe/Berlin' or an offset such as '+02:00')", e);
        }
    }


    /** The constant string argument {@code i} of {@code call}. */
    public static String string(FunctionCall call, int i) {
        return string(call.fn(), call.args(), i);
    }

    /** The constant integer argument {@code i} of {@code call}. */
    public static int integer(FunctionCall call, int i) {
        return integer(call.fn(), call.args(), i);
    }

    private static String string(Fn fn, List<Expr> args, int i) {
        if (((Literal) args.get(i)).value() instanceof String s) {
            return s;
        }
        throw new SpillwayException("argument " + (i + 1) + " of " + fn.sqlName() + " must be a string, got " + args.get(i));
    }

    private static int integer(Fn fn, List<Expr> args, int i) {
        Object v = ((Literal) args.get(i)).value();
        if (v instanceof Integer n) {
            return n;
        }
        if (v instanceof Long n && n == n.intValue()) {
            return n.intValue();
        }
        throw new SpillwayException("argument " + (i + 1) + " of " + fn.sqlName() + " must be an int, got " + args.get(i));
    }

    /** The compiled regular expression (argument 2) of rlike, regexp_extract or regexp_replace. */
    public static Pattern regex(FunctionCall call) {
        return regex(call.fn(), call.args());
    }

    private static Pattern regex(Fn fn, List<Expr> args) {
        String regex = string(fn, args, 1);
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new SpillwayException(fn.sqlName() + ": invalid regular expression '" + regex + "': "
                    + e.getDescription() + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""), e);
        }
    }

    /**
     * The Java regular expression that matches what the SQL {@code LIKE} pattern {@code pattern} matches: {@code %}
     * any characters, {@code _} one character, {@code \} escaping {@code %}, {@code _} or itself (Spark's rules).
     *
     * @throws SpillwayException naming the pattern when a backslash precedes another character or ends it
     */
    public static Pattern likeRegex(String pattern) {
        StringBuilder out = new StringBuilder("(?s)");
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); ) {
            int c = pattern.codePointAt(i);
            i += Character.charCount(c);
            if (c == '\\') {
                if (i >= pattern.length()) {
                    throw new SpillwayException("like: invalid pattern '" + pattern + "': it ends with the escape character \\");
                }
                int d = pattern.codePointAt(i);
                i += Character.charCount(d);
                if (d != '%' && d != '_' && d != '\\') {
                    throw new SpillwayException("like: invalid pattern '" + pattern + "': the escape character \\ may only precede"
                            + " %, _ or \\, not '" + Character.toString(d) + "'");
                }
                literal.appendCodePoint(d);
            } else if (c == '%' || c == '_') {
                if (!literal.isEmpty()) {
                    out.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                out.append(c == '%' ? ".*" : ".");
            } else {
                literal.appendCodePoint(c);
            }
        }
        if (!literal.isEmpty()) {
            out.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(out.toString());
    }

    /**
     * Checks a replacement string of {@code regexp_replace} as {@link java.util.regex.Matcher#appendReplacement} reads it
     * ({@code $n} and {@code ${name}} name groups of {@code p}, {@code \} escapes the next character), so that a bad one
     * fails when the expression is built, not at the first match.
     */
    private static void checkReplacement(Pattern p, String replacement) {
        int groups = p.matcher("").groupCount();
        Map<String, Integer> named = p.namedGroups();
        String bad = "regexp_replace: invalid replacement '" + replacement + "' for the regex '" + p.pattern() + "': ";
        for (int i = 0; i < replacement.length(); i++) {
            char c = replacement.charAt(i);
            if (c == '\\') {
                if (++i >= replacement.length()) {
                    throw new SpillwayException(bad + "it ends with a backslash (write \\\\ for one)");
                }
            } else if (c == '$') {
                if (++i >= replacement.length()) {
                    throw new SpillwayException(bad + "it ends with $ (write \\$ for a dollar sign)");
                }
                char d = replacement.charAt(i);
                if (d == '{') {
                    int end = replacement.indexOf('}', i);
                    String name = end < 0 ? null : replacement.substring(i + 1, end);
                    if (name == null || !named.containsKey(name)) {
                        throw new SpillwayException(bad + "no group named " + (name == null ? replacement.substring(i) : "'" + name + "'"));
                    }
                    i = end;
                } else if (d >= '0' && d <= '9') {
                    if (d - '0' > groups) {
                        throw new SpillwayException(bad + "no group " + d + " (the regex has " + groups + ")");
                    }
                } else {
                    throw new SpillwayException(bad + "$ must be followed by a group number or {name} (write \\$ for a dollar sign)");
                }
            }
        }
    }
}
