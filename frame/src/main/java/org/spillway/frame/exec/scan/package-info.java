/**
 * Where pipelines get their chunks. A {@link org.spillway.frame.exec.scan.ChunkSource} is a list of
 * morsel items in row order plus a way for a worker to turn one item into chunks, with per-worker state
 * made once and reused; the executor runs each item as one morsel on the scheduler, through the
 * pipeline's fused operators into its terminal.
 *
 * <pre>
 *  source                item (one morsel)               per-worker state        chunk handed on
 *  CsvChunkSource        CsvSplit: a row-aligned byte    CsvSplitParser          owned, reserved as "CsvScan"
 *                        range of one file
 *  StoredChunkSource     ChunkHandle of a collected      none                    pinned view, lent
 *                        frame, unless pruned
 *  GeneratorChunkSource  rows [from, from + chunkRows)   VectorBuilders          owned, reserved as "generate"
 *  UnionChunkSource      (input, item), input by input   per input: its state    owned or lent, as the
 *                                                        and operators, lazily   input's operators leave it
 * </pre>
 *
 * <p>Ownership: {@code Output.accept(chunk, owned)} either hands the chunk over (the pipeline closes it)
 * or lends it for the call only. CSV and generated chunks are new, reserved from the budget by the
 * source as the consumer shown; a stored chunk is pinned for the call (read back from its spill file if
 * it was evicted) and passed as a view of the projected columns, then unpinned, so a stored scan pins at
 * most one chunk per worker at a time. Zero-column projections pass an empty chunk of the right row count
 * without pinning.
 *
 * <p>Order and determinism: items are in row order and a union lists its inputs' items one input after
 * the other, so morsel sequence numbers give the result's row order whatever worker runs them. A
 * {@link org.spillway.spill.chunk.RowGenerator}'s rows depend only on their index, so generated chunks
 * are the same whichever worker fills them. Progress counts each item's {@code weight} in its
 * {@code unit}: bytes for CSV, rows otherwise, plain morsels for a union of mixed units.
 *
 * <p>Pruning: {@link org.spillway.frame.stats.StatsPruner} decides, from a chunk's
 * {@code ChunkStats} only, that a filter (column-literal comparisons, IS [NOT] NULL, AND, OR) is false or
 * null for every row, and {@code StoredChunkSource} then drops the chunk before the scan starts, never
 * pinning (nor reading back) it. It only skips what the filter would drop anyway: the optimizer copies
 * a filter over a stored frame into the scan and keeps the filter itself. Where it cannot tell (another
 * expression, a literal it cannot compare exactly, a non-ASCII literal in a string order comparison,
 * {@code <>} on float64 because of NaN) the chunk is read. The cost is a walk of the expression per chunk,
 * on the heap, once per scan.
 */
package org.spillway.frame.exec.scan;
