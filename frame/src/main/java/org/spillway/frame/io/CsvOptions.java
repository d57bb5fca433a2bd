package org.spillway.frame.io;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.spillway.spill.DataType;
import org.spillway.spill.Schema;

/**
 * How to read (and write) CSV files. Immutable: every {@code with}-style method returns a new
 * value, so one options object can be shared and specialised freely.
 *
 * <pre>{@code
 * var opts = CsvOptions.defaults().delimiter(';').nullValues("", "NA").columnType("zip", DataType.STRING);
 * }</pre>
 *
 * <p>Defaults (those of RFC 4180 and of DuckDB where RFC 4180 is silent):
 * <ul>
 *   <li>{@link #delimiter()} {@code ','}; {@link #quote()} {@code '"'}; no {@link #escape()}
 *       character: a quote inside a quoted field is written twice ({@code "say ""hi"""});</li>
 *   <li>{@link #header()} true; without a header the columns are named {@code column_1},
 *       {@code column_2}, ...;</li>
 *   <li>{@link #nullValues()} {@code [""]}: only an empty <em>unquoted</em> field is null; a quoted
 *       empty field {@code ""} is the empty string;</li>
 *   <li>types inferred from the first {@link #sampleRows()} = 10 000 rows of each file, unless
 *       {@link #schema(Schema)} gives them all or {@link #columnType(String, DataType)} some;</li>
 *   <li>{@link #onBadRow()} {@link BadRowPolicy#FAIL};</li>
 *   <li>{@link #invalidUtf8()} {@link InvalidUtf8Policy#STRICT}: text that is not well-formed UTF-8
 *       is a bad value;</li>
 *   <li>{@link #splitBytes()} 32 MiB: files are read in byte ranges of about this size in
 *       parallel.</li>
 * </ul>
 *
 * <p>Files must be UTF-8 (ASCII is UTF-8); a leading byte-order mark is skipped. Ill-formed UTF-8
 * in the header or a string column is an error naming the file, line, column and byte offset,
 * unless {@link #invalidUtf8(InvalidUtf8Policy)} says to replace it. Rows end at
 * {@code \n}, {@code \r\n} or a lone {@code \r}; completely empty lines are skipped.
 */
public final class CsvOptions {
    /** The value of {@link #escape()} when there is no escape character (the default). */
    public static final char NO_ESCAPE = '\0';
    /** Default {@link #sampleRows()}. */
    public static final int DEFAULT_SAMPLE_ROWS = 10_000;
    /** Default {@link #splitBytes()}: 32 MiB. */
    public static final long DEFAULT_SPLIT_BYTES = 32L << 20;

    private static final CsvOptions DEFAULTS = new CsvOptions(new Draft());

    private final char delimiter;
    private final char quote;
    private final char escape;
    private final boolean header;
    private final List<String> nullValues;
    private final Map<String, DataType> columnTypes;
    private final Schema schema;
    private final int sampleRows;
    private final BadRowPolicy onBadRow;
    private final InvalidUtf8Policy invalidUtf8;
    private final long splitBytes;

    private CsvOptions(Draft d) {
        this.delimiter = d.delimiter;
        this.quote = d.quote;
        this.escape = d.escape;
        this.header = d.header;
        this.nullValues = d.nullValues;
        this.columnTypes = d.columnTypes;
        this.schema = d.schema;
        this.sampleRows = d.sampleRows;
        this.onBadRow = d.onBadRow;
        this.invalidUtf8 = d.invalidUtf8;
        this.splitBytes = d.splitBytes;
    }

    /**
     * The fields of an options value being made: the defaults, or a copy of one to change. Every
     * setter is {@link #with} one change, so the full field list is written here only once.
     */
    private static final class Draft {
        char delimiter = ',';
        char quote = '"';
        char escape = NO_ESCAPE;
        boolean header = true;
        List<String> nullValues = List.of("");
        Map<String, DataType> columnTypes = Map.of();
        Schema schema;
        int sampleRows = DEFAULT_SAMPLE_ROWS;
        BadRowPolicy onBadRow = BadRowPolicy.FAIL;
        InvalidUtf8Policy invalidUtf8 = InvalidUtf8Policy.STRICT;
        long splitBytes = DEFAULT_SPLIT_BYTES;

        Draft() {
        }

        Draft(CsvOptions o) {
            delimiter = o.delimiter;
            quote = o.quote;
            escape = o.escape;
            header = o.header;
            nullValues = o.nullValues;
            columnTypes = o.columnTypes;
            schema = o.schema;
            sampleRows = o.sampleRows;
            onBadRow = o.onBadRow;
            invalidUtf8 = o.invalidUtf8;
            splitBytes = o.splitBytes;
        }
    }

    /** A copy of these options with {@code change} applied. */
    private CsvOptions with(Consumer<Draft> change) {
        Draft d = new Draft(this);
        change.accept(d);
        return new CsvOptions(d);
    }

    /** The defaults described on this class. */
    public static CsvOptions defaults() {
        return DEFAULTS;
    }

    /** The field delimiter, {@code ','} by default. */
    public char delimiter() {
        return delimiter;
    }

    /**
     * Sets the field delimiter. It must be an ASCII character other than the quote, the escape,
     * {@code \n} and {@code \r} (a single byte, so that the byte-level parser can find it).
     */
    public CsvOptions delimiter(char delimiter) {
        checkAscii("delimiter", delimiter);
        return with(d -> d.delimiter = delimiter).validate();
    }

    /** The quote character, {@code '"'} by default. */
    public char quote() {
        return quote;
    }

    /** Sets the quote character (ASCII). A field that starts with it runs to the matching closing quote. */
    public CsvOptions quote(char quote) {
        checkAscii("quote", quote);
        return with(d -> d.quote = quote).validate();
    }

    /** The escape character, or {@link #NO_ESCAPE} (the default: quotes are escaped by doubling them). */
    public char escape() {
        return escape;
    }

    /** True when an escape character is set. */
    public boolean hasEscape() {
        return escape != NO_ESCAPE;
    }

    /**
     * Sets an escape character (ASCII, typically {@code '\\'}), or {@link #NO_ESCAPE} for none.
     * The semantics are those of Apache Commons CSV, in quoted and unquoted fields alike: the escape
     * followed by the delimiter, the quote or itself stands for that character; followed by
     * {@code n r t b f} for newline, carriage return, tab, backspace and form feed; followed by
     * anything else, both characters are kept. Doubled quotes inside quoted fields keep working.
     * Writing ignores this setting (it always doubles quotes).
     */
    public CsvOptions escape(char escape) {
        if (escape != NO_ESCAPE) {
            checkAscii("escape", escape);
        }
        return with(d -> d.escape = escape == quote ? NO_ESCAPE : escape).validate();
    }

    /** True (default) if the first line of each file names the columns. */
    public boolean header() {
        return header;
    }

    /**
     * Whether the first line of each file is a header. Without one, columns are named
     * {@code column_1}, {@code column_2}, ... (or as {@link #schema(Schema)} says).
     */
    public CsvOptions header(boolean header) {
        return with(d -> d.header = header);
    }

    /** The tokens that read as null when they appear unquoted; {@code [""]} by default. */
    public List<String> nullValues() {
        return nullValues;
    }

    /**
     * Replaces the tokens that read as null. A token matches only an <em>unquoted</em> field with
     * exactly that text, so {@code "NA"} in quotes stays the string {@code NA}. Include {@code ""}
     * to keep reading empty unquoted fields as null in string columns; in the other columns an
     * empty field is always null, as it can be nothing else. When writing, nulls are written as
     * the first token.
     */
    public CsvOptions nullValues(String... tokens) {
        Objects.requireNonNull(tokens, "tokens");
        for (String t : tokens) {
            Objects.requireNonNull(t, "a null token is null; use \"\" for the empty field");
        }
        return with(d -> d.nullValues = List.of(tokens));
    }

    /** The per-column type overrides, in the order given. */
    public Map<String, DataType> columnTypes() {
        return columnTypes;
    }

    /**
     * Declares the type of one column (by its header name, or {@code column_N} without a header),
     * overriding inference for it; may be called for several columns. Naming a column the files
     * do not have is an error when the source is opened. Types inference never picks may be given
     * here: {@code timestamp_ntz} ({@code 2024-01-02 03:04:05[.ffffff]}, space or 'T'), {@code time}
     * ({@code 03:04:05[.ffffff]}) and {@code binary} (hex; a quoted empty field is an empty value).
     */
    public CsvOptions columnType(String column, DataType type) {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(type, "type");
        Map<String, DataType> m = new LinkedHashMap<>(columnTypes);
        m.put(column, type);
        return with(d -> d.columnTypes = Collections.unmodifiableMap(m));
    }

    /** The explicit schema, or null when types are inferred. */
    public Schema schema() {
        return schema;
    }

    /**
     * Gives every column's name and type, skipping inference (no sampling pass over the files).
     * The files must have exactly as many fields per row as the schema has columns; the schema's
     * names are used even when the files have a header (whose line is then just skipped).
     * {@link #columnType(String, DataType)} overrides still apply on top. Pass null to infer again.
     */
    public CsvOptions schema(Schema schema) {
        return with(d -> d.schema = schema);
    }

    /** Rows sampled from the start of each file for type inference; 10 000 by default. */
    public int sampleRows() {
        return sampleRows;
    }

    /**
     * How many rows to sample from the start of each file (at most {@link CsvSource#MAX_SAMPLED_FILES}
     * files) to infer types and to detect quoted fields that span lines. More rows cost a longer
     * open; too few may infer int32 for a column holding a float further down (the scan then fails
     * with a message naming the value and the fix).
     */
    public CsvOptions sampleRows(int rows) {
        requirePositive(rows, "sampleRows must be at least 1");
        return with(d -> d.sampleRows = rows);
    }

    /** What to do with rows that cannot be read; {@link BadRowPolicy#FAIL} by default. */
    public BadRowPolicy onBadRow() {
        return onBadRow;
    }

    /**
     * Sets what to do with rows that cannot be read; see {@link BadRowPolicy} for the exact rules.
     * Under {@link BadRowPolicy#SKIP} and {@link BadRowPolicy#NULL} every row is judged on all its
     * columns whatever a query reads, so {@code count()}, {@code collect()}, {@code select(...)} and
     * {@code filter(...)} see the same rows and {@link CsvSource#badRowCount()} the same rows; that
     * converts every column of every row (see {@link BadRowPolicy} for the cost).
     */
    public CsvOptions onBadRow(BadRowPolicy policy) {
        Objects.requireNonNull(policy, "policy");
        return with(d -> d.onBadRow = policy);
    }

    /** What to do with text that is not well-formed UTF-8; {@link InvalidUtf8Policy#STRICT} by default. */
    public InvalidUtf8Policy invalidUtf8() {
        return invalidUtf8;
    }

    /**
     * Sets what to do with text (header names, values of string columns) that is not well-formed
     * UTF-8: {@link InvalidUtf8Policy#STRICT} treats such a value as a bad value ({@link #onBadRow()}
     * decides); {@link InvalidUtf8Policy#REPLACE} replaces the ill-formed bytes by U+FFFD and counts
     * the values repaired in {@link CsvSource#invalidUtf8Count()}.
     */
    public CsvOptions invalidUtf8(InvalidUtf8Policy policy) {
        Objects.requireNonNull(policy, "policy");
        return with(d -> d.invalidUtf8 = policy);
    }

    /** The target size of a split (a byte range parsed by one worker); 32 MiB by default. */
    public long splitBytes() {
        return splitBytes;
    }

    /**
     * Sets the target split size. Smaller splits balance load better across cores; each costs a
     * little setup. {@code Long.MAX_VALUE} reads every file in one piece.
     */
    public CsvOptions splitBytes(long bytes) {
        requirePositive(bytes, "splitBytes must be positive");
        return with(d -> d.splitBytes = bytes);
    }

    private static void requirePositive(long value, String message) {
        if (value < 1) {
            throw new IllegalArgumentException(message + ", got " + value);
        }
    }

    private static void checkAscii(String what, char c) {
        if (c == 0 || c > 127 || c == '\n' || c == '\r') {
            throw new IllegalArgumentException("The " + what + " must be a single ASCII character other than NUL, "
                    + "\\n and \\r; got U+" + String.format("%04X", (int) c));
        }
    }

    private CsvOptions validate() {
        if (delimiter == quote) {
            throw new IllegalArgumentException("The delimiter and the quote are both '" + delimiter + "'; they must differ");
        }
        if (escape != NO_ESCAPE && escape == delimiter) {
            throw new IllegalArgumentException("The delimiter and the escape are both '" + delimiter + "'; they must differ");
        }
        return this;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CsvOptions c && c.delimiter == delimiter && c.quote == quote && c.escape == escape
                && c.header == header && c.nullValues.equals(nullValues) && c.columnTypes.equals(columnTypes)
                && Objects.equals(c.schema, schema) && c.sampleRows == sampleRows && c.onBadRow == onBadRow
                && c.invalidUtf8 == invalidUtf8 && c.splitBytes == splitBytes;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {delimiter, quote, escape, header, nullValues, columnTypes, schema,
                sampleRows, onBadRow, invalidUtf8, splitBytes});
    }

    @Override
    public String toString() {
        return "CsvOptions[delimiter='" + delimiter + "', quote='" + quote + "', escape="
                + (hasEscape() ? "'" + escape + "'" : "none") + ", header=" + header + ", nullValues=" + nullValues
                + ", columnTypes=" + columnTypes + ", schema=" + (schema == null ? "inferred" : schema.names())
                + ", sampleRows=" + sampleRows + ", onBadRow=" + onBadRow + ", invalidUtf8=" + invalidUtf8
                + ", splitBytes=" + splitBytes + "]";
    }
}
