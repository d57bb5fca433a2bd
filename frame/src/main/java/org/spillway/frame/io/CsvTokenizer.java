package org.spillway.frame.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.Arrays;

/**
 * Splits a byte range of a CSV file into rows and fields without copying or decoding them: each
 * field is a (start, end, flags) triple into {@link #buf}, valid until the next {@link #nextRow()}.
 * Used by the split parser (the hot path), by sampling and by the error path that counts lines,
 * so all three agree on what a row is.
 *
 * <p>Quoting follows RFC 4180 as Apache Commons CSV reads it ({@code CSVFormat.DEFAULT}): a quote
 * opens a quoted field only as the field's first byte; inside, a doubled quote is one quote and
 * delimiters and line breaks are data; after the closing quote, whitespace up to the delimiter is
 * dropped and anything else makes the row bad. A quote inside an unquoted field is data. Rows end
 * at LF, CRLF or a lone CR; completely empty lines are skipped. An optional escape character works
 * in both kinds of field (see {@link CsvOptions#escape(char)}).
 *
 * <p>Reading: the range is read with positional reads into one reusable array, refilled as rows
 * are consumed (a row that straddles a refill is re-scanned from its start, never half-emitted).
 * A sentinel {@code \n} after the last valid byte lets the inner loops test one condition per byte.
 * Memory: the array starts at the given size and doubles only for a row longer than it.
 */
final class CsvTokenizer {
    /** The field was quoted (so it is never null and may be empty). */
    static final byte QUOTED = 1;
    /** The field's bytes hold doubled quotes or escapes: read it through {@link #unescape}. */
    static final byte UNESCAPE = 2;

    /** The row is well-formed. */
    static final int OK = 0;
    /** A quoted field was followed by something other than whitespace, a delimiter or a line end. */
    static final int JUNK_AFTER_QUOTE = 1;
    /** A quoted field was still open at the end of the range. */
    static final int UNTERMINATED = 2;

    private static final int NEED_MORE = -1;

    /**
     * Test hook: when positive, every tokenizer uses a buffer this small, so that tests drive
     * rows across refills and buffer growth. Never set outside tests.
     */
    static volatile int testBufferSize;
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final byte delim;
    private final byte quote;
    private final int escape; // -1 when none
    // Per byte value: does it stop an unquoted (resp. quoted) field scan? Table lookups keep the
    // inner loops to one load and one branch per byte.
    private final boolean[] stopUnquoted = new boolean[256];
    private final boolean[] stopQuoted = new boolean[256];

    private FileChannel channel;
    private long readPos;
    private long regionEnd;
    private boolean eof;

    /** The bytes; a field's bytes are {@code buf[fieldStart(i), fieldEnd(i))}. */
    byte[] buf;
    private int pos;
    private int limit;
    private long bufBase; // file offset of buf[0]

    private int fieldCount;
    private int[] starts = new int[16];
    private int[] ends = new int[16];
    private byte[] flags = new byte[16];

    private long lines; // line terminators consumed since the range start
    private long rowLine; // value of `lines` when the current row started
    private int rowStartIdx;
    private int rowEndIdx;
    private int status;
    private int statusField;
    private boolean multiLine;

    CsvTokenizer(CsvOptions options, int bufferSize) {
        this.delim = (byte) options.delimiter();
        this.quote = (byte) options.quote();
        this.escape = options.hasEscape() && options.escape() != options.quote() ? options.escape() : -1;
        stopUnquoted[delim & 0xff] = true;
        stopUnquoted['\n'] = true;
        stopUnquoted['\r'] = true;
        stopQuoted[quote & 0xff] = true;
        stopQuoted['\n'] = true;
        stopQuoted['\r'] = true;
        if (escape >= 0) {
            stopUnquoted[escape] = true;
            stopQuoted[escape] = true;
        }
        int size = testBufferSize > 0 ? testBufferSize : Math.max(64, bufferSize);
        this.buf = new byte[size + 1];
    }

    /**
     * Starts reading {@code [start, end)} of {@code channel}; at file offset 0 a UTF-8 byte-order
     * mark is skipped. Resets line counting to 0 and the multi-line flag.
     */
    void open(FileChannel channel, long start, long end) {
        this.channel = channel;
        this.readPos = start;
        this.regionEnd = end;
        this.eof = start >= end;
        this.bufBase = start;
        this.pos = 0;
        this.limit = 0;
        this.lines = 0;
        this.multiLine = false;
        this.fieldCount = 0;
        buf[0] = '\n';
        if (start == 0 && end > 0) {
            fill();
            if (limit - pos >= 3 && Arrays.equals(buf, 0, 3, BOM, 0, 3)) {
                pos = 3;
            }
        }
    }

    /**
     * Advances to the next non-empty row. Returns false at the end of the range. After true, the
     * fields, {@link #status()} and line numbers describe that row.
     */
    boolean nextRow() {
        while (true) {
            if (pos >= limit) {
                if (eof) {
                    return false;
                }
                fill();
                continue;
            }
            byte c = buf[pos];
            if (c == '\n') {
                pos++;
                lines++;
                continue;
            }
            if (c == '\r') {
                if (pos + 1 >= limit && !eof) {
                    fill();
                    continue;
                }
                pos++;
                if (pos < limit && buf[pos] == '\n') {
                    pos++;
                }
                lines++;
                continue;
            }
            int next = tokenize(pos);
            if (next == NEED_MORE) {
                fill();
                continue;
            }
            pos = next;
            return true;
        }
    }

    /**
     * Scans one row starting at {@code p}; returns the index after its terminator, or NEED_MORE
     * when the buffer ends first and more input exists (nothing is committed then).
     */
    private int tokenize(int p) {
        final byte[] b = buf;
        final int lim = limit;
        final boolean[] stopU = stopUnquoted;
        final boolean[] stopQ = stopQuoted;
        final byte q = quote;
        final byte dl = delim;
        int n = 0;
        int extra = 0; // line terminators inside this row, its own included
        int st = OK;
        int stField = -1;
        boolean ml = false;
        final int rowStart = p;
        while (true) {
            int s;
            int e;
            byte f = 0;
            if (b[p] == q) {
                f = QUOTED;
                s = ++p;
                while (true) {
                    while (!stopQ[b[p] & 0xff]) {
                        p++;
                    }
                    if (p >= lim) {
                        if (!eof) {
                            return NEED_MORE;
                        }
                        st = UNTERMINATED;
                        stField = n;
                        break;
                    }
                    byte c = b[p];
                    if (c == q) {
                        if (p + 1 >= lim && !eof) {
                            return NEED_MORE;
                        }
                        if (p + 1 < lim && b[p + 1] == q) {
                            f |= UNESCAPE;
                            p += 2;
                            continue;
                        }
                        break;
                    }
                    if (c == '\n') {
                        extra++;
                        ml = true;
                        p++;
                        continue;
                    }
                    if (c == '\r') {
                        if (p + 1 >= lim && !eof) {
                            return NEED_MORE;
                        }
                        if (p + 1 >= lim || b[p + 1] != '\n') {
                            extra++;
                        }
                        ml = true;
                        p++;
                        continue;
                    }
                    // the escape character: it takes the next byte as data. The unquoted-field loop
                    // below handles it alike; kept apart because both update four locals of this
                    // per-byte loop (p, f, extra, ml), which a helper could only return through fields
                    if (p + 2 >= lim && !eof) {
                        return NEED_MORE;
                    }
                    if (p + 1 >= lim) {
                        p++; // a lone escape at the very end: the quote is unterminated anyway
                        continue;
                    }
                    f |= UNESCAPE;
                    byte nx = b[p + 1];
                    if (nx == '\n' || (nx == '\r' && (p + 2 >= lim || b[p + 2] != '\n'))) {
                        extra++;
                        ml = true;
                    } else if (nx == '\r') {
                        ml = true;
                    }
                    p += 2;
                }
                if (st == UNTERMINATED) {
                    e = lim;
                    p = lim;
                } else {
                    e = p;
                    p++; // past the closing quote
                    byte c = b[p];
                    if (c != dl && c != '\n' && c != '\r') {
                        while (p < lim && isSpace(b[p]) && b[p] != dl) {
                            p++;
                        }
                        if (p >= lim && !eof) {
                            return NEED_MORE;
                        }
                        c = b[p];
                        if (p < lim && c != dl && c != '\n' && c != '\r') {
                            if (st == OK) {
                                st = JUNK_AFTER_QUOTE;
                                stField = n;
                            }
                            while (!stopU[b[p] & 0xff] || (p < lim && (b[p] & 0xff) == escape)) {
                                p++;
                            }
                            if (p >= lim && !eof) {
                                return NEED_MORE;
                            }
                        }
                    }
                }
            } else {
                s = p;
                while (true) {
                    while (!stopU[b[p] & 0xff]) {
                        p++;
                    }
                    if (p >= lim) {
                        if (!eof) {
                            return NEED_MORE;
                        }
                        break;
                    }
                    if ((b[p] & 0xff) != escape) {
                        break; // the delimiter or a line break
                    }
                    if (p + 2 >= lim && !eof) {
                        return NEED_MORE;
                    }
                    if (p + 1 >= lim) {
                        p++; // a lone escape at the very end is data
                        break;
                    }
                    f |= UNESCAPE;
                    byte nx = b[p + 1];
                    if (nx == '\n' || (nx == '\r' && (p + 2 >= lim || b[p + 2] != '\n'))) {
                        extra++;
                        ml = true;
                    } else if (nx == '\r') {
                        ml = true;
                    }
                    p += 2;
                }
                e = p;
            }
            if (n == starts.length) {
                growFields();
            }
            starts[n] = s;
            ends[n] = e;
            flags[n] = f;
            n++;
            if (p >= lim) {
                break; // end of input ends the row
            }
            byte c = b[p];
            if (c == dl) {
                p++;
                continue;
            }
            if (c == '\n') {
                p++;
                extra++;
                break;
            }
            // '\r'
            if (p + 1 >= lim && !eof) {
                return NEED_MORE;
            }
            p++;
            if (p < lim && b[p] == '\n') {
                p++;
            }
            extra++;
            break;
        }
        fieldCount = n;
        status = st;
        statusField = stField;
        rowLine = lines;
        lines += extra;
        rowStartIdx = rowStart;
        rowEndIdx = p;
        if (ml) {
            multiLine = true;
        }
        return p;
    }

    /** Whitespace that Commons CSV drops between a closing quote and the delimiter (ASCII only). */
    private static boolean isSpace(byte c) {
        return c == ' ' || c == '\t' || c == 0x0B || c == '\f' || (c >= 0x1C && c <= 0x1F);
    }

    private void growFields() {
        int n = starts.length * 2;
        starts = Arrays.copyOf(starts, n);
        ends = Arrays.copyOf(ends, n);
        flags = Arrays.copyOf(flags, n);
    }

    /** Keeps the unconsumed bytes from {@code pos}, moving them to the front, and reads more. */
    private void fill() {
        int keep = limit - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, keep);
            bufBase += pos;
            pos = 0;
            limit = keep;
        } else if (limit == buf.length - 1) {
            // one row is longer than the buffer
            buf = Arrays.copyOf(buf, (buf.length - 1) * 2 + 1);
        }
        try {
            while (limit < buf.length - 1 && readPos < regionEnd) {
                int want = (int) Math.min(buf.length - 1 - limit, regionEnd - readPos);
                int r = channel.read(ByteBuffer.wrap(buf, limit, want), readPos);
                if (r < 0) {
                    regionEnd = readPos; // the file shrank under us: read what is there
                    break;
                }
                readPos += r;
                limit += r;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read CSV data at byte " + readPos + ": " + e.getMessage(), e);
        }
        eof = readPos >= regionEnd;
        buf[limit] = '\n';
    }

    /** Fields in the current row. */
    int fieldCount() {
        return fieldCount;
    }

    /** Start index in {@link #buf} of field {@code i}'s content (after an opening quote). */
    int fieldStart(int i) {
        return starts[i];
    }

    /** End index (exclusive) of field {@code i}'s content (before a closing quote). */
    int fieldEnd(int i) {
        return ends[i];
    }

    /** {@link #QUOTED} and {@link #UNESCAPE} bits of field {@code i}. */
    byte fieldFlags(int i) {
        return flags[i];
    }

    /** The starts array itself, for the hot loop (valid up to {@link #fieldCount()}). */
    int[] starts() {
        return starts;
    }

    /** The ends array itself, for the hot loop. */
    int[] ends() {
        return ends;
    }

    /** The flags array itself, for the hot loop. */
    byte[] flags() {
        return flags;
    }

    /** {@link #OK}, {@link #JUNK_AFTER_QUOTE} or {@link #UNTERMINATED}. */
    int status() {
        return status;
    }

    /** The field where {@link #status()} went wrong. */
    int statusField() {
        return statusField;
    }

    /** Line terminators between the range start and the current row's start (0-based line). */
    long rowLine() {
        return rowLine;
    }

    /** Line terminators consumed so far in the range. */
    long lines() {
        return lines;
    }

    /** True once any row in this range spanned lines (a quoted or escaped line break). */
    boolean sawMultiLine() {
        return multiLine;
    }

    /** File offset just after the current row (its terminator included). */
    long rowEndOffset() {
        return bufBase + rowEndIdx;
    }

    /** File offset of the current row's first byte. */
    long rowStartOffset() {
        return bufBase + rowStartIdx;
    }

    /** File offset of {@code buf[index]}. */
    long offsetOf(int index) {
        return bufBase + index;
    }

    /** Index in {@link #buf} of the current row's first byte. */
    int rowStartIndex() {
        return rowStartIdx;
    }

    /** Index in {@link #buf} just after the current row. */
    int rowEndIndex() {
        return rowEndIdx;
    }

    /** Line terminators in {@code buf[from, to)}, counting CRLF once: the row-internal line of a field. */
    int countLines(int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (buf[i] == '\n' || (buf[i] == '\r' && (i + 1 >= limit || buf[i + 1] != '\n'))) {
                n++;
            }
        }
        return n;
    }

    /**
     * Copies field {@code i}'s content to {@code out} with doubled quotes and escapes resolved, and
     * returns its length; {@code out} must hold at least the field's raw length.
     */
    int unescape(int i, byte[] out) {
        int s = starts[i];
        int e = ends[i];
        boolean quoted = (flags[i] & QUOTED) != 0;
        int o = 0;
        for (int p = s; p < e; p++) {
            byte c = buf[p];
            if (quoted && c == quote && p + 1 < e && buf[p + 1] == quote) {
                out[o++] = quote;
                p++;
            } else if ((c & 0xff) == escape && p + 1 < e) {
                byte nx = buf[++p];
                switch (nx) {
                    case 'r' -> out[o++] = '\r';
                    case 'n' -> out[o++] = '\n';
                    case 't' -> out[o++] = '\t';
                    case 'b' -> out[o++] = '\b';
                    case 'f' -> out[o++] = '\f';
                    case '\r', '\n', '\t', '\b', '\f' -> out[o++] = nx;
                    default -> {
                        if (nx == delim || nx == quote || nx == escape) {
                            out[o++] = nx;
                        } else {
                            // Commons CSV keeps an escape before an ordinary character
                            out[o++] = c;
                            out[o++] = nx;
                        }
                    }
                }
            } else {
                out[o++] = c;
            }
        }
        return o;
    }
}
