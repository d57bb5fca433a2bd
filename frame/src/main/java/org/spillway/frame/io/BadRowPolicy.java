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
 * <p>Values are converted only for the columns a scan reads (projection pushdown), so a bad value
 * in a column that a query does not use is never seen: under {@link #SKIP} such a query keeps
 * the row.
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
