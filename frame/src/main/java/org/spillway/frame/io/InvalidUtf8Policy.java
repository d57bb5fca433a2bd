package org.spillway.frame.io;

/**
 * What a CSV scan does with bytes that are not well-formed UTF-8 (a Latin-1 {@code é} written as the
 * single byte {@code E9}, a sequence cut short, an overlong encoding such as {@code C0 AF}, an encoded
 * surrogate such as {@code ED A0 80}). Set with {@link CsvOptions#invalidUtf8(InvalidUtf8Policy)}.
 *
 * <p>Only text is decoded: the header and the values of string columns. A stray byte in a number,
 * date or other typed column already makes the value unparsable, which {@link BadRowPolicy} handles.
 */
public enum InvalidUtf8Policy {
    /**
     * The default: an ill-formed value in a string column is a bad value, so {@link CsvOptions#onBadRow()}
     * decides: under {@link BadRowPolicy#FAIL} the scan stops with a {@link CsvFormatException} naming the
     * file, line, column and byte offset; {@link BadRowPolicy#SKIP} drops the row and {@link BadRowPolicy#NULL}
     * reads the value as null (both counted in {@link CsvSource#badRowCount()}). An ill-formed header always
     * fails when the source is opened.
     */
    STRICT,
    /**
     * Keeps the row: each maximal ill-formed subpart is replaced by U+FFFD (as Java's and the WHATWG
     * decoders do), and every value (or header name) so repaired is counted in
     * {@link CsvSource#invalidUtf8Count()}.
     */
    REPLACE
}
