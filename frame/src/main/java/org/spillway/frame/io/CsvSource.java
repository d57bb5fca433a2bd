package org.spillway.frame.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;
import org.spillway.frame.ColumnNotFoundException;
import org.spillway.frame.SpillwayException;
import org.spillway.spill.DataType;
import org.spillway.spill.Field;
import org.spillway.spill.Schema;
import org.spillway.spill.memory.MemoryBudget;

/**
 * One or more CSV files read as one table: resolved, checked and sniffed when opened, then read in
 * parallel byte ranges ({@link #splits()}) by one {@link CsvSplitParser} per worker thread.
 *
 * <p><b>Opening</b> reads the header of every file and samples the first
 * {@link CsvOptions#sampleRows()} rows of the first {@link #MAX_SAMPLED_FILES} non-empty files
 * (one pass over about {@code sampleRows} rows each; nothing when {@link CsvOptions#schema(Schema)}
 * is given, apart from the headers). All files must have the same header (or, without headers,
 * the same number of fields). Types are inferred per column as the narrowest type that reads every
 * sampled non-empty value: bool, int32 widening to int64 and float64, date widening to timestamp;
 * any other mix, and a column with no value in the sample, is string. Empty fields and null tokens
 * are not evidence either way. The texts recognised are strict (no surrounding spaces):
 * {@code true}/{@code false} in any case; integers {@code [+-]?[0-9]+} (beyond int64: string, so long
 * ids are never rounded); decimals with optional exponent, {@code nan}, {@code inf}; dates
 * {@code yyyy-MM-dd}; timestamps {@code yyyy-MM-dd[T| ]HH:mm:ss[.f{1,9}][Z|±HH:MM|±HHMM|±HH]}
 * (no zone means UTC; digits beyond microseconds are truncated).
 *
 * <p><b>Splitting</b>: a file is cut into ranges of about {@link CsvOptions#splitBytes()} bytes,
 * each starting right after a {@code \n}, so that the ranges are parsed independently. That is
 * only correct when no row spans lines, i.e. when no quoted (or escaped) field holds a line break.
 * The rule: a file is split only if none of its sampled rows spans lines; a file beyond the first
 * {@value #MAX_SAMPLED_FILES} is split only if no sampled file had such a row. If a split parse
 * nevertheless meets a row spanning lines (a quoted line break beyond the sample, or a split that
 * starts inside a quoted field), it fails with a {@link CsvFormatException} that says so, and this
 * source then reads that file in one piece, so that the next {@link #splits()} is safe.
 *
 * <p>Thread safety: after {@link #open} the source is immutable apart from the bad-row counter and
 * the per-file "spans lines" marks, both safe to update from any thread.
 */
public final class CsvSource {
    /** At most this many files are sampled for inference and line-spanning fields (the headers of all are read). */
    public static final int MAX_SAMPLED_FILES = 64;

    private static final int SAMPLE_BUFFER = 1 << 20;
    private static final int HEADER_BUFFER = 1 << 13;

    private final String spec;
    private final CsvOptions options;
    private final List<Path> files;
    private final long[] sizes;
    private final long[] dataStarts;
    private final boolean[] sampled;
    private final boolean[] sampledMultiLine;
    private final boolean anySampledMultiLine;
    private final AtomicIntegerArray multiLineSeen; // 1 once a parse found a row spanning lines
    private final long[][] boundaries; // cached split boundaries per file, guarded by this
    private final Schema schema;
    private final long totalBytes;
    private final LongAdder badRows = new LongAdder();
    private final LongAdder invalidUtf8 = new LongAdder();

    private CsvSource(String spec, CsvOptions options, List<Path> files, long[] sizes, long[] dataStarts,
                      boolean[] sampled, boolean[] sampledMultiLine, Schema schema) {
        this.spec = spec;
        this.options = options;
        this.files = List.copyOf(files);
        this.sizes = sizes;
        this.dataStarts = dataStarts;
        this.sampled = sampled;
        this.sampledMultiLine = sampledMultiLine;
        boolean any = false;
        for (boolean b : sampledMultiLine) {
            any |= b;
        }
        this.anySampledMultiLine = any;
        this.multiLineSeen = new AtomicIntegerArray(files.size());
        this.boundaries = new long[files.size()][];
        this.schema = schema;
        long t = 0;
        for (long s : sizes) {
            t += s;
        }
        this.totalBytes = t;
    }

    /**
     * Opens a file, a directory (its {@code *.csv} files) or a glob ({@code data/clicks-*.csv},
     * {@code data/**}{@code /*.csv}); files are sorted by name. Reads the headers and samples rows
     * as described on this class.
     *
     * @throws SpillwayException if nothing matches (the message names the pattern and the working
     *     directory) or the files cannot be read
     * @throws CsvFormatException if the files disagree on their columns or a header is malformed
     */
    public static CsvSource open(String pathOrGlobOrDir, CsvOptions options) {
        Objects.requireNonNull(options, "options");
        List<Path> files = CsvFiles.resolve(pathOrGlobOrDir);
        return new Sniffer(options, files).run(pathOrGlobOrDir);
    }

    /** Opens one file or directory; see {@link #open(String, CsvOptions)}. */
    public static CsvSource open(Path path, CsvOptions options) {
        return open(path.toString(), options);
    }

    /** The columns: names from the header (or the schema given), types inferred or given. */
    public Schema schema() {
        return schema;
    }

    /** The files read, in order. */
    public List<Path> files() {
        return files;
    }

    /** The options this source was opened with. */
    public CsvOptions options() {
        return options;
    }

    /** The summed size of the files in bytes (for progress and planning). */
    public long totalBytes() {
        return totalBytes;
    }

    /**
     * Rows dropped or given null values under {@link BadRowPolicy#SKIP} or {@link BadRowPolicy#NULL} so far,
     * over all parsers and all queries of this source. Every row is judged on all its columns whatever a query
     * reads, so each query that reads all the files adds the same number, be it a {@code count()} or a
     * {@code collect()} (a query with a {@code limit} may stop early and add less).
     */
    public long badRowCount() {
        return badRows.sum();
    }

    /**
     * Values (and header names) whose ill-formed UTF-8 was replaced by U+FFFD under
     * {@link InvalidUtf8Policy#REPLACE} so far: the header names once, when the source was opened, plus the
     * string values of every row kept by each query (all string columns are checked whatever a query reads,
     * as for {@link #badRowCount()}). Always 0 under {@link InvalidUtf8Policy#STRICT}.
     */
    public long invalidUtf8Count() {
        return invalidUtf8.sum();
    }

    /**
     * True if some file may hold a quoted field with a line break (seen in the sample or met by a
     * parse); such files are read in one piece.
     */
    public boolean hasQuotedNewlines() {
        for (int i = 0; i < files.size(); i++) {
            if (mayHoldMultiLine(i)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The byte ranges to parse, file by file in order, each about {@link CsvOptions#splitBytes()}
     * long (see the class comment for when a file is not split). Empty files have none. Computing
     * them reads a few bytes at each cut to find a line end; the result is cached.
     */
    public List<CsvSplit> splits() {
        List<CsvSplit> out = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            if (dataStarts[i] >= sizes[i]) {
                continue;
            }
            long[] b = boundaries(i);
            for (int k = 0; k + 1 < b.length; k++) {
                out.add(new CsvSplit(i, files.get(i), b[k], b[k + 1], k == 0));
            }
        }
        return out;
    }

    /**
     * A parser for one worker thread, reused across splits.
     *
     * @param projection positions in {@link #schema()} of the columns wanted, in the order wanted
     *     (empty: just count rows)
     * @param chunkRows rows per emitted chunk
     * @param budget where the chunks' memory is reserved
     */
    public CsvSplitParser newParser(int[] projection, int chunkRows, MemoryBudget budget) {
        Objects.requireNonNull(projection, "projection");
        Objects.requireNonNull(budget, "budget");
        if (chunkRows < 1) {
            throw new IllegalArgumentException("chunkRows must be positive, got " + chunkRows);
        }
        for (int p : projection) {
            if (p < 0 || p >= schema.size()) {
                throw new IllegalArgumentException("Projection position " + p + " is outside the schema's "
                        + schema.size() + " columns " + schema.names());
            }
        }
        return new CsvSplitParser(this, projection.clone(), chunkRows, budget);
    }

    @Override
    public String toString() {
        return "CsvSource[" + spec + ": " + files.size() + " file(s), " + totalBytes + " bytes, columns "
                + schema.names() + "]";
    }

    // ---- used by the parser ----------------------------------------------------------------------

    long fileSize(int file) {
        return sizes[file];
    }

    boolean isWholeFile(CsvSplit split) {
        return split.start() <= dataStarts[split.fileIndex()] && split.end() >= sizes[split.fileIndex()];
    }

    void countBadRow() {
        badRows.increment();
    }

    void countInvalidUtf8(long values) {
        invalidUtf8.add(values);
    }

    /** Records that a file holds rows spanning lines, so that it is not split again. */
    void markMultiLine(int file) {
        multiLineSeen.set(file, 1);
    }

    /**
     * For the error path: the number of line terminators before {@code offset} and whether
     * {@code offset} lies inside a quoted field, found by tokenizing the file from its start.
     * Costs a read of the file up to {@code offset}; only errors pay it.
     */
    long[] locate(int file, long offset) {
        CsvTokenizer t = new CsvTokenizer(options, SAMPLE_BUFFER);
        try (FileChannel ch = FileChannel.open(files.get(file), StandardOpenOption.READ)) {
            t.open(ch, 0, offset);
            int last = CsvTokenizer.OK;
            while (t.nextRow()) {
                last = t.status();
            }
            return new long[] {t.lines(), last == CsvTokenizer.UNTERMINATED ? 1 : 0};
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + files.get(file) + ": " + e.getMessage(), e);
        }
    }

    private boolean mayHoldMultiLine(int i) {
        if (multiLineSeen.get(i) != 0) {
            return true;
        }
        return sampled[i] ? sampledMultiLine[i] : anySampledMultiLine;
    }

    private synchronized long[] boundaries(int i) {
        long start = dataStarts[i];
        long size = sizes[i];
        long split = options.splitBytes();
        if (mayHoldMultiLine(i) || size - start <= split) {
            return new long[] {start, size};
        }
        if (boundaries[i] == null) {
            List<Long> b = new ArrayList<>();
            b.add(start);
            try (FileChannel ch = FileChannel.open(files.get(i), StandardOpenOption.READ)) {
                long at = start;
                ByteBuffer bb = ByteBuffer.allocate(1 << 16);
                while (size - at > split) {
                    long cut = nextLineStart(ch, at + split, size, bb);
                    if (cut >= size) {
                        break;
                    }
                    b.add(cut);
                    at = cut;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + files.get(i) + ": " + e.getMessage(), e);
            }
            b.add(size);
            boundaries[i] = b.stream().mapToLong(Long::longValue).toArray();
        }
        return boundaries[i];
    }

    /** The offset just after the first '\n' at or after {@code from}, or {@code size}. */
    private static long nextLineStart(FileChannel ch, long from, long size, ByteBuffer bb) throws IOException {
        long at = from;
        while (at < size) {
            bb.clear();
            int r = ch.read(bb, at);
            if (r <= 0) {
                return size;
            }
            byte[] a = bb.array();
            for (int k = 0; k < r; k++) {
                if (a[k] == '\n') {
                    return at + k + 1;
                }
            }
            at += r;
        }
        return size;
    }

    /** Reads headers and samples; one use. */
    private static final class Sniffer {
        private final CsvOptions options;
        private final List<Path> files;
        private final CsvTokenizer sampler;
        private final CsvTokenizer headerReader;
        private final byte[][] nullTokens;
        private byte[] scratch = new byte[256];
        private long replacedHeaderNames;

        Sniffer(CsvOptions options, List<Path> files) {
            this.options = options;
            this.files = files;
            this.sampler = new CsvTokenizer(options, SAMPLE_BUFFER);
            this.headerReader = new CsvTokenizer(options, HEADER_BUFFER);
            this.nullTokens = options.nullValues().stream().filter(s -> !s.isEmpty())
                    .map(s -> s.getBytes(StandardCharsets.UTF_8)).toArray(byte[][]::new);
        }

        CsvSource run(String spec) {
            int n = files.size();
            long[] sizes = new long[n];
            long[] dataStarts = new long[n];
            boolean[] sampled = new boolean[n];
            boolean[] multi = new boolean[n];
            List<String> names = null;
            int width = -1;
            Path firstFile = null;
            DataType[] types = null;
            boolean infer = options.schema() == null;
            int sampledFiles = 0;
            for (int i = 0; i < n; i++) {
                Path f = files.get(i);
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                    long size = ch.size();
                    sizes[i] = size;
                    boolean sample = sampledFiles < MAX_SAMPLED_FILES;
                    CsvTokenizer t = sample ? sampler : headerReader;
                    t.open(ch, 0, size);
                    if (!t.nextRow()) {
                        dataStarts[i] = size; // empty: no rows, no say in the columns
                        continue;
                    }
                    if (t.status() != CsvTokenizer.OK) {
                        throw new CsvFormatException(f, 1 + t.rowLine(), null, null, f + " line " + (1 + t.rowLine())
                                + ": the first row has " + (t.status() == CsvTokenizer.UNTERMINATED
                                ? "a quoted field that is never closed" : "text after the closing quote of a quoted field")
                                + "; fix the file's first line");
                    }
                    List<String> rowNames;
                    if (options.header()) {
                        rowNames = headerNames(f, t);
                        dataStarts[i] = t.rowEndOffset();
                    } else {
                        rowNames = new ArrayList<>();
                        for (int c = 0; c < t.fieldCount(); c++) {
                            rowNames.add("column_" + (c + 1));
                        }
                        dataStarts[i] = 0;
                    }
                    if (names == null) {
                        names = rowNames;
                        width = rowNames.size();
                        firstFile = f;
                        types = new DataType[width];
                    } else if (!names.equals(rowNames)) {
                        throw mismatch(firstFile, names, f, rowNames);
                    }
                    if (sample) {
                        sampledFiles++;
                        sampled[i] = true;
                        if (infer) {
                            if (!options.header()) {
                                classifyRow(t, types);
                            }
                            for (int r = options.header() ? 0 : 1; r < options.sampleRows() && t.nextRow(); r++) {
                                classifyRow(t, types);
                            }
                        } else {
                            for (int r = options.header() ? 0 : 1; r < options.sampleRows() && t.nextRow(); r++) {
                                // only looking for rows that span lines
                            }
                        }
                        multi[i] = t.sawMultiLine();
                    }
                } catch (NoSuchFileException e) {
                    throw new SpillwayException("No such file: '" + f + "' (working directory: "
                            + Path.of("").toAbsolutePath() + ")", e);
                } catch (IOException e) {
                    throw new UncheckedIOException("Cannot read " + f + ": " + e.getMessage(), e);
                }
            }
            Schema schema = buildSchema(spec, names, firstFile, types);
            CsvSource source = new CsvSource(spec, options, files, sizes, dataStarts, sampled, multi, schema);
            source.countInvalidUtf8(replacedHeaderNames);
            return source;
        }

        private Schema buildSchema(String spec, List<String> names, Path firstFile, DataType[] types) {
            List<Field> fields = new ArrayList<>();
            Schema given = options.schema();
            if (given != null) {
                if (names != null && names.size() != given.size()) {
                    throw new CsvFormatException(firstFile, 1, null, null, firstFile + " has " + names.size()
                            + " fields per row " + (options.header() ? names : "") + " but the schema given has "
                            + given.size() + " columns " + given.names() + "; give one column per field");
                }
                fields.addAll(given.fields());
            } else {
                if (names == null) {
                    throw new SpillwayException("Cannot infer the columns of '" + spec + "': every file is empty; give "
                            + "them with CsvOptions.schema(...)");
                }
                for (int c = 0; c < names.size(); c++) {
                    fields.add(new Field(names.get(c), types[c] == null ? DataType.STRING : types[c]));
                }
            }
            List<String> fieldNames = new ArrayList<>();
            for (Field f : fields) {
                fieldNames.add(f.name());
            }
            for (Map.Entry<String, DataType> e : options.columnTypes().entrySet()) {
                int idx = fieldNames.indexOf(e.getKey());
                if (idx < 0) {
                    throw new ColumnNotFoundException(e.getKey(), fieldNames);
                }
                fields.set(idx, new Field(e.getKey(), e.getValue()));
            }
            return new Schema(fields);
        }

        private List<String> headerNames(Path file, CsvTokenizer t) {
            List<String> raw = new ArrayList<>();
            for (int c = 0; c < t.fieldCount(); c++) {
                int bad = Utf8Validator.firstInvalid(t.buf, t.fieldStart(c), t.fieldEnd(c));
                if (bad >= 0) {
                    if (options.invalidUtf8() == InvalidUtf8Policy.STRICT) {
                        throw badHeaderName(file, t, c, bad);
                    }
                    replacedHeaderNames++;
                }
                raw.add(text(t, c));
            }
            // Blank names get their position; repeats get _1, _2 (as DuckDB does) so names stay unique.
            Set<String> seen = new HashSet<>();
            List<String> out = new ArrayList<>();
            for (int c = 0; c < raw.size(); c++) {
                String name = raw.get(c).isEmpty() ? "column_" + (c + 1) : raw.get(c);
                String unique = name;
                for (int k = 1; seen.contains(unique); k++) {
                    unique = name + "_" + k;
                }
                seen.add(unique);
                out.add(unique);
            }
            return Collections.unmodifiableList(out);
        }

        private CsvFormatException badHeaderName(Path file, CsvTokenizer t, int c, int bad) {
            long line = 1 + t.rowLine() + t.countLines(t.rowStartIndex(), bad);
            long offset = t.offsetOf(bad);
            String name = CsvFormatException.shorten(text(t, c));
            return new CsvFormatException(file, line, null, name, offset, file + " line " + line + ", the header's "
                    + CsvFormatException.ordinal(c + 1) + " name: invalid UTF-8 at byte offset " + offset + ": "
                    + Utf8Validator.describe(t.buf, bad, t.fieldEnd(c)) + ". Convert the file to UTF-8 (e.g. iconv -f "
                    + "latin1 -t utf-8), or read it with CsvOptions.invalidUtf8(InvalidUtf8Policy.REPLACE) to put U+FFFD "
                    + "in place of the bad bytes.");
        }

        private String text(CsvTokenizer t, int c) {
            if ((t.fieldFlags(c) & CsvTokenizer.UNESCAPE) != 0) {
                int len = unescaped(t, c);
                return new String(scratch, 0, len, StandardCharsets.UTF_8);
            }
            return new String(t.buf, t.fieldStart(c), t.fieldEnd(c) - t.fieldStart(c), StandardCharsets.UTF_8);
        }

        private int unescaped(CsvTokenizer t, int c) {
            int raw = t.fieldEnd(c) - t.fieldStart(c);
            if (scratch.length < raw * 2) {
                scratch = new byte[raw * 2];
            }
            return t.unescape(c, scratch);
        }

        private void classifyRow(CsvTokenizer t, DataType[] types) {
            if (t.status() != CsvTokenizer.OK || t.fieldCount() != types.length) {
                return; // bad rows say nothing about types; the scan reports them
            }
            for (int c = 0; c < types.length; c++) {
                if (types[c] == DataType.STRING) {
                    continue;
                }
                byte flags = t.fieldFlags(c);
                byte[] b = t.buf;
                int s = t.fieldStart(c);
                int len = t.fieldEnd(c) - s;
                if ((flags & CsvTokenizer.UNESCAPE) != 0) {
                    len = unescaped(t, c);
                    b = scratch;
                    s = 0;
                }
                if (len == 0 || ((flags & CsvTokenizer.QUOTED) == 0 && isNullToken(b, s, len))) {
                    continue; // a null: no evidence either way
                }
                types[c] = Utf8ValueParser.unify(types[c], Utf8ValueParser.classify(b, s, len));
            }
        }

        private boolean isNullToken(byte[] b, int s, int len) {
            for (byte[] tok : nullTokens) {
                if (tok.length == len && Arrays.equals(tok, 0, len, b, s, s + len)) {
                    return true;
                }
            }
            return false;
        }

        private CsvFormatException mismatch(Path a, List<String> an, Path b, List<String> bn) {
            String what = options.header()
                    ? "has the header " + bn + " but " + a + " has " + an
                    : "has " + bn.size() + " fields in its first row but " + a + " has " + an.size();
            return new CsvFormatException(b, 1, null, null, b + " " + what
                    + "; files read together must have the same columns in the same order. Read them separately, "
                    + "or narrow the glob to files of one shape.");
        }
    }
}
