/**
 * Reading and writing CSV files.
 *
 * <ul>
 *   <li>{@link org.spillway.frame.io.CsvOptions}: dialect, header, nulls, types, bad-row policy
 *       ({@link org.spillway.frame.io.BadRowPolicy}), ill-formed UTF-8
 *       ({@link org.spillway.frame.io.InvalidUtf8Policy}), split size;</li>
 *   <li>{@link org.spillway.frame.io.CsvSource}: files resolved from a path, directory or glob,
 *       the sniffed schema, and the byte-range {@link org.spillway.frame.io.CsvSplit splits} that
 *       workers parse in parallel with one {@link org.spillway.frame.io.CsvSplitParser} each;</li>
 *   <li>{@link org.spillway.frame.io.CsvWriter}: chunks to a file that appears atomically, replacing,
 *       refusing, keeping or appending to an existing one ({@link org.spillway.frame.io.CsvWriter.Mode});</li>
 *   <li>{@link org.spillway.frame.io.CsvFormatException}: what was wrong, where, and what to do.</li>
 * </ul>
 *
 * <p>Semantics are those of RFC 4180 as Apache Commons CSV reads it (a property test checks the
 * two agree on random files), with DuckDB's reading of nulls (an empty unquoted field is null, a
 * quoted empty field is the empty string). Files are UTF-8.
 */
package org.spillway.frame.io;
