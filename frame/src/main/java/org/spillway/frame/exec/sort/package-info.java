/**
 * The parallel, out-of-core, stable sort and top-k ({@link org.spillway.frame.exec.sort.ExternalSort}).
 *
 * <pre>
 *  input pipeline, one SortWorker per scheduler worker
 *    |  RunGenerator: copy rows + input position into the worker's buffer
 *    |  (top-k: TopK keeps the worker's best k rows, drops rows after its cut-off)
 *    v
 *  full buffer --RunSort (radix sort of normalized keys, then position)--&gt; SortedRun
 *    |  written as small spillable chunks into the chunk store (RunStore),
 *    |  fences + samples kept on the heap
 *    v
 *  runs --[PreMerge: too many runs? merge groups of the shortest, groups in parallel]--&gt; fewer runs
 *    v
 *  RangeMerge: splitters from the samples --&gt; each run cut into key ranges
 *    v
 *  range 1 | range 2 | ... | range q   merged at once by the workers (LoserTreeMerger each)
 *    v
 *  concatenation in range order --&gt; StoredFrame
 *
 *  top-k: one range; every merge stops after k rows
 * </pre>
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>Stability</b>: every row carries its input position (morsel, row in morsel) in a hidden
 *       int64 column; rows with equal keys are ordered by it. Keys plus position are a total order
 *       in which no two rows are equal, which is what lets runs, groups and ranges be merged in any
 *       split.</li>
 *   <li><b>Order of values</b> ({@link org.spillway.frame.exec.sort.SortKeys}): as DuckDB orders them;
 *       nulls last unless the order says first; NaN greater than every number; strings by unsigned
 *       UTF-8 bytes.</li>
 *   <li><b>Independent of parallelism</b>: the result (rows and their order) is the same for any
 *       number of workers, runs, merge passes and key ranges, since splitters are rows of the total
 *       order and each row falls in exactly one range.</li>
 *   <li><b>Memory</b>: a worker's buffer is written as a run at
 *       {@link org.spillway.frame.exec.sort.RunGenerator#CACHED_RUN_ROWS} rows while the runs
 *       written fit in a quarter of the budget (such runs are gathered with few cache misses), then
 *       at the worker's share ({@code limit / (2 x parallelism)}); run chunks live in the chunk
 *       store, which spills them (LZ4) when the budget is short; a merge pins one chunk per input,
 *       with at most half the budget's worth pinned over all workers, and more runs are pre-merged
 *       in groups. Every buffer, sort, merge and sample is reserved in the budget.</li>
 *   <li><b>Cleanup</b>: run chunks are closed as soon as every merge reading them is done; on
 *       failure or abort every buffer, run and reservation of the sort is released.</li>
 * </ul>
 */
package org.spillway.frame.exec.sort;
