package org.spillway.frame.exec.eval;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.spillway.frame.Expr.FunctionCall;
import org.spillway.frame.Expr.FunctionCall.Fn;
import org.spillway.frame.FunctionArgs;
import org.spillway.frame.udf.HeapColumn;
import org.spillway.spill.DataType;
import org.spillway.spill.chunk.Chunk;

/**
 * The string functions of one string and constant arguments ({@code like}, {@code rlike}, {@code regexp_extract},
 * {@code regexp_replace}, {@code split_part}, {@code replace}, {@code ltrim}, {@code rtrim}, {@code lpad},
 * {@code rpad}; null gives null), and {@code concat}/{@code concat_ws} of several strings. Regular expressions and
 * {@code LIKE} patterns are compiled once, here; lengths and positions count code points.
 */
final class TextEval implements PhysicalExpr {
    private final Fn fn;
    private final PhysicalExpr child;
    private final Pattern pattern; // like, rlike, regexp_*: compiled once
    private final String text1; // like's literal text for a simple pattern; split_part's delimiter; replace's search; lpad's pad
    private final String text2; // regexp_replace's and replace's replacement
    private final int number; // regexp_extract's group, split_part's part, lpad's length
    private final int likeShape; // like: 0 regex, 1 equals, 2 startsWith, 3 endsWith, 4 contains

    TextEval(FunctionCall f, PhysicalExpr child) {
        this.fn = f.fn();
        this.child = child;
        Pattern p = null;
        String t1 = null;
        String t2 = null;
        int num = 0;
        int shape = 0;
        switch (fn) {
            case LIKE -> {
                String like = FunctionArgs.string(f, 1);
                p = FunctionArgs.likeRegex(like); // also checks the pattern
                boolean head = like.startsWith("%");
                boolean tail = like.length() > (head ? 1 : 0) && like.endsWith("%");
                String core = like.substring(head ? 1 : 0, like.length() - (tail ? 1 : 0));
                if (core.indexOf('%') < 0 && core.indexOf('_') < 0 && core.indexOf('\\') < 0) {
                    t1 = core; // no wildcard inside: a plain string test
                    shape = head && tail ? 4 : head ? 3 : tail ? 2 : 1;
                }
            }
            case RLIKE -> p = FunctionArgs.regex(f);
            case REGEXP_EXTRACT -> {
                p = FunctionArgs.regex(f);
                num = FunctionArgs.integer(f, 2);
            }
            case REGEXP_REPLACE -> {
                p = FunctionArgs.regex(f);
                t2 = FunctionArgs.string(f, 2);
            }
            case SPLIT_PART -> {
                t1 = FunctionArgs.string(f, 1);
                num = FunctionArgs.integer(f, 2);
            }
            case REPLACE -> {
                t1 = FunctionArgs.string(f, 1);
                t2 = FunctionArgs.string(f, 2);
            }
            case LPAD, RPAD -> {
                num = FunctionArgs.integer(f, 1);
                t1 = FunctionArgs.string(f, 2);
            }
            default -> {
            }
        }
        this.pattern = p;
        this.text1 = t1;
        this.text2 = t2;
        this.number = num;
        this.likeShape = shape;
    }

    @Override
    public HeapColumn eval(Chunk chunk) {
        HeapColumn v = child.eval(chunk);
        int n = chunk.rows();
        boolean bool = fn == Fn.LIKE || fn == Fn.RLIKE;
        HeapColumn out = new HeapColumn(bool ? DataType.BOOL : DataType.STRING, n);
        out.nulls = v.nulls;
        Matcher m = pattern == null ? null : pattern.matcher("");
        for (int i = 0; i < n; i++) {
            String s = v.strings[i];
            if (s == null) {
                continue;
            }
            switch (fn) {
                case LIKE -> out.bools[i] = switch (likeShape) {
                    case 1 -> s.equals(text1);
                    case 2 -> s.startsWith(text1);
                    case 3 -> s.endsWith(text1);
                    case 4 -> s.contains(text1);
                    default -> m.reset(s).matches();
                };
                case RLIKE -> out.bools[i] = m.reset(s).find();
                case REGEXP_EXTRACT -> {
                    String g = m.reset(s).find() ? m.group(number) : null;
                    out.strings[i] = g == null ? "" : g;
                }
                case REGEXP_REPLACE -> out.strings[i] = m.reset(s).replaceAll(text2);
                case SPLIT_PART -> out.strings[i] = splitPart(s, text1, number);
                case REPLACE -> out.strings[i] = text1.isEmpty() ? s : s.replace(text1, text2);
                case LTRIM -> out.strings[i] = s.stripLeading();
                case RTRIM -> out.strings[i] = s.stripTrailing();
                case LPAD, RPAD -> out.strings[i] = pad(s, number, text1, fn == Fn.LPAD);
                default -> throw new IllegalStateException(fn.sqlName());
            }
        }
        return out;
    }

    /**
     * Part {@code n} (1-based; negative counts from the end) of {@code s} split at each {@code delimiter}; "" when there
     * is no such part. An empty delimiter does not split (Spark's {@code split_part}).
     */
    static String splitPart(String s, String delimiter, int n) {
        List<String> parts = new ArrayList<>();
        if (delimiter.isEmpty()) {
            parts.add(s);
        } else {
            int from = 0;
            for (int at; (at = s.indexOf(delimiter, from)) >= 0; from = at + delimiter.length()) {
                parts.add(s.substring(from, at));
            }
            parts.add(s.substring(from));
        }
        int index = n > 0 ? n - 1 : parts.size() + n;
        return index >= 0 && index < parts.size() ? parts.get(index) : "";
    }

    /**
     * {@code s} padded on the left (or right) with repeats of {@code pad} to {@code len} code points, or cut to its
     * first {@code len} code points when longer (Spark's {@code lpad}/{@code rpad}; an empty pad does not pad).
     */
    static String pad(String s, int len, String pad, boolean left) {
        if (len <= 0) {
            return "";
        }
        int cps = s.codePointCount(0, s.length());
        if (cps >= len || pad.isEmpty()) {
            return cps <= len ? s : s.substring(0, s.offsetByCodePoints(0, len));
        }
        int need = len - cps;
        StringBuilder fill = new StringBuilder();
        int padCps = pad.codePointCount(0, pad.length());
        for (int k = 0; k < need / padCps; k++) {
            fill.append(pad);
        }
        fill.append(pad, 0, pad.offsetByCodePoints(0, need % padCps));
        return left ? fill.append(s).toString() : s + fill;
    }

    /** {@code concat}: null if any argument is null (as Spark; DuckDB's {@code concat} skips nulls, its {@code ||} does not). */
    static PhysicalExpr concat(List<PhysicalExpr> args) {
        List<PhysicalExpr> in = List.copyOf(args);
        return chunk -> {
            int n = chunk.rows();
            HeapColumn[] v = new HeapColumn[in.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = in.get(k).eval(chunk);
            }
            HeapColumn out = new HeapColumn(DataType.STRING, n);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.setLength(0);
                for (HeapColumn c : v) {
                    if (c.isNull(i)) {
                        out.setNull(i);
                        break;
                    }
                    sb.append(c.strings[i]);
                }
                if (!out.isNull(i)) {
                    out.strings[i] = sb.toString();
                }
            }
            return out;
        };
    }

    /** {@code concat_ws}: the non-null arguments joined with {@code sep} (never null; "" when all are null). */
    static PhysicalExpr concatWs(String sep, List<PhysicalExpr> args) {
        List<PhysicalExpr> in = List.copyOf(args);
        return chunk -> {
            int n = chunk.rows();
            HeapColumn[] v = new HeapColumn[in.size()];
            for (int k = 0; k < v.length; k++) {
                v[k] = in.get(k).eval(chunk);
            }
            HeapColumn out = new HeapColumn(DataType.STRING, n);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.setLength(0);
                boolean first = true;
                for (HeapColumn c : v) {
                    if (!c.isNull(i)) {
                        sb.append(first ? "" : sep).append(c.strings[i]);
                        first = false;
                    }
                }
                out.strings[i] = sb.toString();
            }
            return out;
        };
    }
}
