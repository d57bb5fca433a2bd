package org.spillway.frame.io;

/**
 * What a CSV scan does with a row it cannot read. Every row skipped or changed under a lenient
 * policy is counted in {@link CsvSource#badRowCount()}.
 *
 * <p>Two kinds of badness are told apart:
 * <ul>
 *   <li>a <b>bad value</b>: a field that does not parse as its column's type (e.g. {@code abc} in
 *       a float64 column, {@code 3000000000} in an int32 column);</li>
 *   <li>a <b>bad row</b>: a row whose field count differs from the schema's ("ragged"), or a
 *       quoted field followed by something other than a delimiter or a line end
 *       ({@code "ab"c}).</li>
 * </ul>
 * An unterminated quoted field (a quote opened and never closed before the end of the file) is
 * always an error whatever the policy: it swallows the rest of the file, so there is no row left
 * to skip to.
 *
 * <p><b>Which columns are judged.</b> Under {@link #SKIP} and {@link #NULL} a row is judged on
 * <em>all</em> its columns whatever a query reads: the columns the query does not use are parsed
 * and dropped too (string columns are checked as UTF-8, see {@link InvalidUtf8Policy}). So
 * {@code count()}, {@code collect()}, {@code select("v")} and {@code filter(...)} all see the same
 * rows, and each query that reads the whole source adds the same number to
 * {@link CsvSource#badRowCount()}. The price is converting every column of every row: on a
 * 40-column file (20 ints, 10 floats, 10 short strings) a {@code count()} or a one-column query
 * takes about 1.5 to 1.8 times the CPU it takes under {@link #FAIL}; a query reading every
 * column costs the same under all three policies. Under {@link #FAIL} only the columns a query
 * reads are converted (projection pushdown), so a bad value in a column the query does not use
 * does not stop it: {@code count()} can succeed where {@code collect()} fails.
 *
 * <p>Ill-formed UTF-8 in a string column is a bad value too, unless
 * {@link CsvOptions#invalidUtf8(InvalidUtf8Policy)} says to replace it.
 */
public enum BadRowPolicy {
    /** The default: the first bad value or bad row stops the scan with a {@link CsvFormatException}. */
    FAIL,
    /** Drops every row holding a bad value or being a bad row, and counts it. */
    SKIP,
    /**
     * Reads each bad value as null (the row is kept and counted once, however many of its values
     * were bad); bad rows (ragged, junk after a closing quote) are dropped and counted as under
     * {@link #SKIP}, because their fields cannot be matched to columns.
     */
    NULL
}
