package org.spillway.frame.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;
import org.spillway.frame.Literals;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;
import org.spillway.spill.chunk.Chunk;
import org.spillway.spill.memory.MemoryBudget;
import org.spillway.spill.vector.BoolVectorBuilder;
import org.spillway.spill.vector.DoubleVectorBuilder;
import org.spillway.spill.vector.IntVectorBuilder;
import org.spillway.spill.vector.LongVectorBuilder;
import org.spillway.spill.vector.StringVectorBuilder;
import org.spillway.spill.vector.VectorBuilder;

/**
 * Parses {@link CsvSplit}s of one {@link CsvSource} into chunks: one parser per worker thread,
 * reused across splits (not thread-safe). Made by {@link CsvSource#newParser}.
 *
 * <p>Under {@link BadRowPolicy#FAIL} only the projected columns are converted (projection pushdown);
 * the others are tokenized to find where the row ends and skipped. Under the lenient policies every
 * other column is also checked (parsed and dropped; string columns validated as UTF-8), so that which
 * rows are skipped, and {@link CsvSource#badRowCount()}, do not depend on the columns a query reads.
 * Under {@link InvalidUtf8Policy#REPLACE} the string columns not read are validated too, so that
 * {@link CsvSource#invalidUtf8Count()} does not depend on them either. Each row is tokenized and
 * checked completely before any value is appended, so a bad row never leaves a partial row behind.
 *
 * <p>Cost: about one pass over the split's bytes plus the conversion of projected values. Memory:
 * a read buffer of 1 MiB (more only for a longer row) and one heap builder per projected column
 * holding up to {@code chunkRows} rows; each emitted chunk's off-heap memory is reserved from the
 * budget as consumer {@code "CsvScan"} and belongs to whoever receives it.
 */
public final class CsvSplitParser {
    private static final int K_STRING = 0;
    private static final int K_INT32 = 1;
    private static final int K_INT64 = 2;
    private static final int K_FLOAT64 = 3;
    private static final int K_BOOL = 4;
    private static final int K_DATE = 5;
    private static final int K_TIMESTAMP = 6;
    private static final int K_TIMESTAMP_NTZ = 7;
    private static final int K_TIME = 8;
    private static final int K_BINARY = 9;
    private static final int K_DECIMAL = 10;
    private static final int READ_BUFFER = 1 << 20;

    private final CsvSource source;
    private long badRows; // what this parser counted so far (the source sums all parsers)
    private long invalidUtf8;
    private final int[] projection;
    private final Schema projected;
    private final Schema full;
    private final int chunkRows;
    private final MemoryBudget budget;
    private final VectorBuilder[] builders;
    private final List<VectorBuilder> builderList;
    private final int[] kinds;
    private final CsvTokenizer tok;
    private final long[] values;
    private final boolean[] nulls;
    private final byte[][] binaries; // per projected binary column: the current row's bytes
    private final byte[][] repaired; // per projected string column: the current row's bytes with U+FFFD, or null
    private final int[] checkCols; // columns not projected that are still checked (lenient policies, REPLACE)
    private final int[] checkKinds;
    private final DataType[] checkTypes;
    private final boolean strictUtf8;
    private long parsed; // the value parseTyped produced
    private byte[] parsedBytes; // the binary or wide decimal value parseTyped produced
    private final byte[][] nullTokens; // the non-empty ones
    private final boolean emptyStringIsNull;
    private final BadRowPolicy policy;
    private final int width;
    private byte[] scratch = new byte[256];
    private final boolean checkRows; // convertRow has work to do: projected columns or checked ones

    CsvSplitParser(CsvSource source, int[] projection, int chunkRows, MemoryBudget budget) {
        this.source = source;
        this.projection = projection;
        this.full = source.schema();
        this.projected = full.select(projection);
        this.chunkRows = chunkRows;
        this.budget = budget;
        CsvOptions o = source.options();
        this.builders = new VectorBuilder[projection.length];
        this.kinds = new int[projection.length];
        for (int j = 0; j < projection.length; j++) {
            DataType t = projected.type(j);
            builders[j] = VectorBuilder.forType(t, chunkRows);
            kinds[j] = kindOf(t);
        }
        this.strictUtf8 = o.invalidUtf8() == InvalidUtf8Policy.STRICT;
        boolean lenient = o.onBadRow() != BadRowPolicy.FAIL;
        boolean[] read = new boolean[full.size()];
        for (int p : projection) {
            read[p] = true;
        }
        this.checkCols = java.util.stream.IntStream.range(0, full.size())
                .filter(c -> !read[c] && (lenient || (!strictUtf8 && full.type(c) == DataType.STRING))).toArray();
        this.checkKinds = new int[checkCols.length];
        this.checkTypes = new DataType[checkCols.length];
        for (int i = 0; i < checkCols.length; i++) {
            checkTypes[i] = full.type(checkCols[i]);
            checkKinds[i] = kindOf(checkTypes[i]);
        }
        this.checkRows = projection.length > 0 || checkCols.length > 0;
        this.repaired = new byte[projection.length][];
        this.builderList = List.of(builders);
        this.tok = new CsvTokenizer(o, READ_BUFFER);
        this.values = new long[projection.length];
        this.nulls = new boolean[projection.length];
        this.binaries = new byte[projection.length][];
        this.nullTokens = o.nullValues().stream().filter(s -> !s.isEmpty())
                .map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        this.emptyStringIsNull = o.nullValues().contains("");
        this.policy = o.onBadRow();
        this.width = full.size();
    }

    private static int kindOf(DataType t) {
        return switch (t.kind()) {
            case STRING -> K_STRING;
            case INT32 -> K_INT32;
            case INT64 -> K_INT64;
            case FLOAT64 -> K_FLOAT64;
            case BOOL -> K_BOOL;
            case DATE -> K_DATE;
            case TIMESTAMP -> K_TIMESTAMP;
            case TIMESTAMP_NTZ -> K_TIMESTAMP_NTZ;
            case TIME -> K_TIME;
            case BINARY -> K_BINARY;
            case DECIMAL, DECIMAL128 -> K_DECIMAL;
        };
    }

    /** The schema of the chunks this parser emits: the projected columns, in projection order. */
    public Schema schema() {
        return projected;
    }

    /**
     * Parses one split, handing {@code out} a chunk every {@code chunkRows} rows and one with the
     * rest at the end (none for a split without rows). A zero-column projection emits
     * {@link Chunk#empty} chunks that only carry row counts.
     *
     * @throws CsvFormatException on a bad row or value under {@link BadRowPolicy#FAIL}, on an
     *     unterminated quoted field, or when the split meets a row spanning lines in a file that
     *     was split (see {@link CsvSource})
     */
    public void parse(CsvSplit split, Consumer<Chunk> out) {
        for (VectorBuilder b : builders) {
            b.reset();
        }
        int fileIndex = split.fileIndex();
        boolean whole = source.isWholeFile(split);
        boolean lastOfFile = split.end() >= source.fileSize(fileIndex);
        int rows = 0;
        try (FileChannel ch = FileChannel.open(split.path(), StandardOpenOption.READ)) {
            CsvTokenizer t = tok;
            t.open(ch, split.start(), split.end());
            while (t.nextRow()) {
                if (!whole && t.sawMultiLine()) {
                    throw multiLineInSplit(split, base(split, true) + t.rowLine());
                }
                int st = t.status();
                if (st != CsvTokenizer.OK) {
                    if (st == CsvTokenizer.UNTERMINATED) {
                        if (!lastOfFile) {
                            throw multiLineInSplit(split, base(split, true) + t.rowLine());
                        }
                        throw fieldError(split, t.statusField(), "a quoted field is never closed (the file ends inside "
                                + "it). Add the missing closing quote; a quote inside a quoted field is written twice (\"\")");
                    }
                    if (policy == BadRowPolicy.FAIL) {
                        throw fieldError(split, t.statusField(), "unexpected text after the closing quote of a quoted "
                                + "field. A quote inside a quoted field is written twice (\"\"); fix the row, or skip such "
                                + "rows with onBadRow(BadRowPolicy.SKIP)");
                    }
                    countBadRow();
                    continue;
                }
                if (t.fieldCount() != width) {
                    if (policy == BadRowPolicy.FAIL) {
                        throw ragged(split);
                    }
                    countBadRow();
                    continue;
                }
                if (checkRows && !convertRow(split)) {
                    continue;
                }
                if (++rows == chunkRows) {
                    emit(out, rows);
                    rows = 0;
                }
            }
            if (rows > 0) {
                emit(out, rows);
            }
        } catch (NoSuchFileException e) {
            throw new SpillwayException("The CSV file " + split.path() + " disappeared while being read", e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + split.path() + ": " + e.getMessage(), e);
        }
    }

    private void emit(Consumer<Chunk> out, int rows) {
        Chunk c = projection.length == 0 ? Chunk.empty(Schema.of(), rows)
                : Chunk.build(projected, builderList, budget, "CsvScan");
        for (VectorBuilder b : builders) {
            b.reset();
        }
        out.accept(c);
    }

    /**
     * Converts the current row's projected fields and checks the others that {@link #checkCols} names,
     * then appends the projected values; false if the row was skipped.
     */
    private boolean convertRow(CsvSplit split) {
        final CsvTokenizer t = tok;
        final int[] st = t.starts();
        final int[] en = t.ends();
        final byte[] fl = t.flags();
        final int k = projection.length;
        boolean anyBad = false;
        int repairedValues = 0;
        // Phase 1: the values, so that a bad one can drop the row before anything is appended.
        for (int j = 0; j < k; j++) {
            int kind = kinds[j];
            int col = projection[j];
            byte f = fl[col];
            byte[] b = t.buf;
            int s = st[col];
            int len = en[col] - s;
            if (kind == K_STRING) {
                if ((f & CsvTokenizer.QUOTED) == 0
                        && (len == 0 ? emptyStringIsNull : nullTokens.length > 0 && isNullToken(b, s, len))) {
                    nulls[j] = true;
                    continue;
                }
                nulls[j] = false;
                repaired[j] = null;
                int bad = Utf8Validator.firstInvalid(b, s, s + len);
                if (bad >= 0) {
                    if (!strictUtf8) {
                        repaired[j] = repair(col, len);
                        repairedValues++;
                    } else {
                        switch (policy) {
                            case FAIL -> throw invalidUtf8(split, col, bad);
                            case SKIP -> {
                                countBadRow();
                                return false;
                            }
                            case NULL -> {
                                nulls[j] = true;
                                anyBad = true;
                            }
                        }
                    }
                }
                continue;
            }
            if ((f & CsvTokenizer.UNESCAPE) != 0) {
                len = unescaped(col, len);
                b = scratch;
                s = 0;
            }
            if (isNull(kind, f, b, s, len)) {
                nulls[j] = true;
                continue;
            }
            nulls[j] = false;
            if (!parseTyped(kind, builders[j].type(), b, s, len)) {
                switch (policy) {
                    case FAIL -> throw badValue(split, j, col, b, s, len);
                    case SKIP -> {
                        countBadRow();
                        return false;
                    }
                    case NULL -> {
                        nulls[j] = true;
                        anyBad = true;
                    }
                }
            }
            values[j] = parsed;
            binaries[j] = parsedBytes;
        }
        // The columns not read, checked so that the rows kept and the counts do not depend on the projection.
        for (int i = 0; i < checkCols.length; i++) {
            int col = checkCols[i];
            int kind = checkKinds[i];
            byte f = fl[col];
            byte[] b = t.buf;
            int s = st[col];
            int len = en[col] - s;
            boolean ok;
            if (kind == K_STRING) {
                // a null token is well-formed, so there is no need to tell nulls apart
                if (Utf8Validator.firstInvalid(b, s, s + len) < 0) {
                    continue;
                }
                if (!strictUtf8) {
                    repairedValues++;
                    continue;
                }
                ok = false;
            } else {
                if ((f & CsvTokenizer.UNESCAPE) != 0) {
                    len = unescaped(col, len);
                    b = scratch;
                    s = 0;
                }
                ok = isNull(kind, f, b, s, len) || parseTyped(kind, checkTypes[i], b, s, len);
            }
            if (!ok) {
                // only the lenient policies check typed columns and STRICT string columns here
                if (policy == BadRowPolicy.SKIP) {
                    countBadRow();
                    return false;
                }
                anyBad = true;
            }
        }
        if (anyBad) {
            countBadRow();
        }
        if (repairedValues > 0) {
            invalidUtf8 += repairedValues;
            source.countInvalidUtf8(repairedValues);
        }
        // Phase 2: append.
        for (int j = 0; j < k; j++) {
            VectorBuilder vb = builders[j];
            if (nulls[j]) {
                vb.appendNull();
                continue;
            }
            switch (kinds[j]) {
                case K_STRING -> appendString((StringVectorBuilder) vb, j, projection[j], st, en, fl);
                case K_INT32, K_DATE -> ((IntVectorBuilder) vb).append((int) values[j]);
                case K_BINARY -> ((StringVectorBuilder) vb).append(binaries[j], 0, binaries[j].length);
                case K_DECIMAL -> {
                    if (vb instanceof LongVectorBuilder lb) {
                        lb.append(values[j]);
                    } else {
                        ((StringVectorBuilder) vb).append(binaries[j], 0, binaries[j].length);
                    }
                }
                case K_INT64, K_TIMESTAMP, K_TIMESTAMP_NTZ, K_TIME -> ((LongVectorBuilder) vb).append(values[j]);
                case K_FLOAT64 -> ((DoubleVectorBuilder) vb).append(Double.longBitsToDouble(values[j]));
                default -> ((BoolVectorBuilder) vb).append(values[j] != 0);
            }
        }
        return true;
    }

    /** True if a typed field is null: empty (but a quoted empty binary is the empty value) or an unquoted null token. */
    private boolean isNull(int kind, byte f, byte[] b, int s, int len) {
        return (len == 0 && !(kind == K_BINARY && (f & CsvTokenizer.QUOTED) != 0))
                || ((f & CsvTokenizer.QUOTED) == 0 && nullTokens.length > 0 && isNullToken(b, s, len));
    }

    /**
     * Parses a non-null field of a typed column into {@link #parsed} (and {@link #parsedBytes} for binary
     * and wide decimal values); false if it does not parse.
     */
    private boolean parseTyped(int kind, DataType type, byte[] b, int s, int len) {
        long v;
        boolean ok;
        switch (kind) {
            case K_INT32 -> {
                v = Utf8ValueParser.parseLong(b, s, len);
                ok = v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE;
            }
            case K_INT64 -> {
                v = Utf8ValueParser.parseLong(b, s, len);
                ok = v != Utf8ValueParser.BAD_LONG || Utf8ValueParser.isLongMin(b, s, len);
            }
            case K_FLOAT64 -> {
                double d = Utf8ValueParser.parseDouble(b, s, len);
                ok = !Double.isNaN(d) || Utf8ValueParser.isNaNLiteral(b, s, len);
                v = Double.doubleToRawLongBits(d);
            }
            case K_BOOL -> {
                v = Utf8ValueParser.parseBool(b, s, len, true);
                ok = v >= 0;
            }
            case K_DATE -> {
                v = Utf8ValueParser.parseDate(b, s, len);
                ok = v != Utf8ValueParser.BAD_DATE;
            }
            case K_TIMESTAMP_NTZ, K_TIME -> {
                v = parseSlow(b, s, len, kind == K_TIME ? DataType.TIME : DataType.TIMESTAMP_NTZ);
                ok = v != Long.MIN_VALUE;
            }
            case K_DECIMAL -> {
                return parseDecimal(type, b, s, len);
            }
            case K_BINARY -> {
                return parseBinary(b, s, len);
            }
            default -> {
                v = Utf8ValueParser.parseTimestamp(b, s, len);
                ok = v != Utf8ValueParser.BAD_TIMESTAMP;
            }
        }
        parsed = v;
        return ok;
    }

    private boolean parseDecimal(DataType dt, byte[] b, int s, int len) {
        try {
            java.math.BigInteger u = org.spillway.spill.vector.DecimalValues.unscaled(
                    new java.math.BigDecimal(new String(b, s, len, StandardCharsets.ISO_8859_1).trim()), dt);
            if (dt.kind() == DataType.Kind.DECIMAL) {
                parsed = u.longValueExact();
            } else {
                parsedBytes = org.spillway.spill.vector.DecimalValues.wideBytes(u);
            }
            return true;
        } catch (NumberFormatException | ArithmeticException e) {
            return false;
        }
    }

    private boolean parseBinary(byte[] b, int s, int len) {
        try {
            parsedBytes = Literals.parseHex(new String(b, s, len, StandardCharsets.ISO_8859_1));
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /**
     * A timestamp_ntz or time value given in a schema override (the sniffer never infers them), parsed
     * through java.time: {@code Long.MIN_VALUE} when it does not parse.
     */
    private static long parseSlow(byte[] b, int s, int len, DataType type) {
        try {
            return Literals.toLong(new String(b, s, len, StandardCharsets.UTF_8), type);
        } catch (RuntimeException e) {
            return Long.MIN_VALUE;
        }
    }

    /** Appends a non-null string value: its bytes, unescaped, or as {@link #repair} made them. */
    private void appendString(StringVectorBuilder vb, int j, int col, int[] st, int[] en, byte[] fl) {
        if (repaired[j] != null) {
            vb.append(repaired[j], 0, repaired[j].length);
            return;
        }
        int s = st[col];
        int len = en[col] - s;
        if ((fl[col] & CsvTokenizer.UNESCAPE) != 0) {
            len = unescaped(col, len);
            vb.append(scratch, 0, len);
        } else {
            vb.append(tok.buf, s, len);
        }
    }

    /** The field's text (unescaped) with each ill-formed UTF-8 subpart replaced by U+FFFD. */
    private byte[] repair(int col, int rawLen) {
        if ((tok.fieldFlags(col) & CsvTokenizer.UNESCAPE) != 0) {
            int len = unescaped(col, rawLen);
            return Utf8Validator.replaced(scratch, 0, len);
        }
        int s = tok.fieldStart(col);
        return Utf8Validator.replaced(tok.buf, s, s + rawLen);
    }

    private int unescaped(int col, int rawLen) {
        if (scratch.length < rawLen) {
            scratch = new byte[Math.max(rawLen, scratch.length * 2)];
        }
        return tok.unescape(col, scratch);
    }

    private boolean isNullToken(byte[] b, int s, int len) {
        for (byte[] n : nullTokens) {
            if (n.length == len && Arrays.equals(n, 0, len, b, s, s + len)) {
                return true;
            }
        }
        return false;
    }

    // ---- the error path: slow on purpose, exact ------------------------------------------------------

    /**
     * The 1-based line of the split's first byte. Counting means reading the file from its start;
     * on the way we learn whether the split starts inside a quoted field, which means the file
     * was split although rows span lines: that error then replaces the one being reported, whose
     * cause it is.
     */
    private long base(CsvSplit split, boolean forMultiLine) {
        long[] loc = source.locate(split.fileIndex(), split.start());
        if (loc[1] != 0 && !forMultiLine) {
            throw multiLineInSplit(split, 1 + loc[0]);
        }
        return 1 + loc[0];
    }

    private CsvFormatException multiLineInSplit(CsvSplit split, long line) {
        source.markMultiLine(split.fileIndex());
        Path f = split.path();
        return new CsvFormatException(f, line, null, null, f + " line " + line + ": a quoted field spans lines here, "
                + "but the file was split for parallel reading because the rows sampled when it was opened had no such "
                + "field. This source now reads " + f + " in one piece: run the scan again, or open it with "
                + "CsvOptions.sampleRows(...) large enough to see such a row, or splitBytes(Long.MAX_VALUE).");
    }

    private long lineOf(CsvSplit split, int col) {
        return base(split, false) + tok.rowLine() + tok.countLines(tok.rowStartIndex(), tok.fieldStart(col));
    }

    private CsvFormatException fieldError(CsvSplit split, int col, String what) {
        long line = lineOf(split, col);
        String raw = new String(tok.buf, tok.fieldStart(col), Math.max(0, tok.fieldEnd(col) - tok.fieldStart(col)),
                StandardCharsets.UTF_8);
        String name = full.field(Math.min(col, width - 1)).name();
        String v = CsvFormatException.shorten(raw);
        return new CsvFormatException(split.path(), line, name, v, split.path() + " line " + line + ", column '" + name
                + "' (" + CsvFormatException.ordinal(col + 1) + "): " + what + ".");
    }

    private CsvFormatException badValue(CsvSplit split, int j, int col, byte[] b, int s, int len) {
        long line = lineOf(split, col);
        String msgWhere = split.path() + " line " + line + ", column '" + full.field(col).name() + "' ("
                + CsvFormatException.ordinal(col + 1) + ")";
        String name = full.field(col).name();
        DataType type = projected.type(j);
        String text = CsvFormatException.shorten(new String(b, s, len, StandardCharsets.UTF_8));
        boolean outOfInt32 = type == DataType.INT32 && Utf8ValueParser.isIntegerSyntax(b, s, len);
        boolean outOfInt64 = type == DataType.INT64 && Utf8ValueParser.isIntegerSyntax(b, s, len);
        DataType suggest = outOfInt32 ? DataType.INT64 : DataType.STRING;
        String range = outOfInt32 || outOfInt64 ? " (out of the " + type + " range)" : "";
        return new CsvFormatException(split.path(), line, name, text, msgWhere + ": cannot parse '" + text + "' as "
                + type + range + ". Fix the value, declare the column as " + suggest + " with CsvOptions.columnType(\""
                + name + "\", DataType." + suggest.name() + "), or skip bad rows with onBadRow(BadRowPolicy.SKIP).");
    }

    private CsvFormatException invalidUtf8(CsvSplit split, int col, int bad) {
        long line = lineOf(split, col) + tok.countLines(tok.fieldStart(col), bad);
        long offset = tok.offsetOf(bad);
        String name = full.field(col).name();
        String text = CsvFormatException.shorten(new String(tok.buf, tok.fieldStart(col), tok.fieldEnd(col) - tok.fieldStart(col),
                StandardCharsets.UTF_8));
        return new CsvFormatException(split.path(), line, name, text, offset, split.path() + " line " + line + ", column '"
                + name + "' (" + CsvFormatException.ordinal(col + 1) + "): invalid UTF-8 at byte offset " + offset + ": "
                + Utf8Validator.describe(tok.buf, bad, tok.fieldEnd(col)) + ". Convert the file to UTF-8 (e.g. iconv -f "
                + "latin1 -t utf-8), read such values with U+FFFD in place of the bad bytes with "
                + "CsvOptions.invalidUtf8(InvalidUtf8Policy.REPLACE), or skip such rows with onBadRow(BadRowPolicy.SKIP).");
    }

    private CsvFormatException ragged(CsvSplit split) {
        long line = base(split, false) + tok.rowLine();
        int n = tok.fieldCount();
        String row = CsvFormatException.shorten(new String(tok.buf, tok.rowStartIndex(),
                trimEol(tok.rowStartIndex(), tok.rowEndIndex()) - tok.rowStartIndex(), StandardCharsets.UTF_8));
        String cols = full.names().toString();
        if (cols.length() > 120) {
            cols = cols.substring(0, 117) + "...";
        }
        return new CsvFormatException(split.path(), line, null, row, split.path() + " line " + line + ": expected "
                + width + " fields but found " + n + ". Every row needs one field per column " + cols
                + "; fix the row, quote fields that contain '" + source.options().delimiter()
                + "', or skip such rows with onBadRow(BadRowPolicy.SKIP).");
    }

    private int trimEol(int from, int to) {
        while (to > from && (tok.buf[to - 1] == '\n' || tok.buf[to - 1] == '\r')) {
            to--;
        }
        return to;
    }

    private void countBadRow() {
        badRows++;
        source.countBadRow();
    }

    /** Rows this parser dropped or nulled under a lenient {@link BadRowPolicy} so far (its part of {@link CsvSource#badRowCount()}). */
    public long badRows() {
        return badRows;
    }

    /** Values this parser repaired under {@link InvalidUtf8Policy#REPLACE} so far (its part of {@link CsvSource#invalidUtf8Count()}). */
    public long invalidUtf8Replaced() {
        return invalidUtf8;
    }
}
