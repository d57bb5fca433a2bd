/**
 * Text rendering of rows: {@link org.spillway.frame.print.TablePrinter} draws the box tables of
 * {@code DataFrame.show()} and {@code showString(n)}, in the style of Polars.
 *
 * <pre>
 *  ┌───────┬────────┐
 *  │ id    ┆ name   │    column names
 *  │ int64 ┆ string │    type display names
 *  ╞═══════╪════════╡
 *  │     1 ┆ a      │    numbers right-aligned, everything else left-aligned
 *  │     2 ┆ null   │
 *  └───────┴────────┘
 *  2 rows x 2 columns   (or: showing the first 2 rows; 2 columns)
 * </pre>
 *
 * <p>What it guarantees: every cell (and header) is cut to {@value org.spillway.frame.print.TablePrinter#MAX_CELL}
 * characters with an ellipsis, so one long string cannot widen the table without bound; newlines, carriage
 * returns and tabs inside strings are shown escaped, so a row stays one line; nulls print as {@code null};
 * a float64 shows at most 10 significant digits (scientific notation below 1e-4 and from 1e15), and
 * always with a decimal point, so it reads differently from an integer; NaN and infinities as Java
 * writes them.
 *
 * <p>Cost: it formats only the rows it is given, all on the heap, twice over the cells (widths, then
 * output). {@code showString(n)} fetches {@code n + 1} rows, the last only to tell whether there are more.
 */
package org.spillway.frame.print;
