package org.spillway.frame;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.FunctionCall.Fn;
import org.spillway.frame.Expr.Literal;

/**
 * The checks of a {@link FunctionCall}'s arguments when it is built (their number, the constant ones, regular
 * expressions, {@code LIKE} patterns and replacement strings), and the reading of its constant arguments, shared
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
            default -> {
            }
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
