/**
 * The group-by operator, {@link org.spillway.frame.exec.aggregate.HashAggregate}: parallel,
 * out-of-core hash aggregation in two phases. Its aggregate functions are in
 * {@code exec.aggregate.function}; its group tables and string pools in {@code exec.hash}.
 *
 * <h2>Flow</h2>
 * <pre>
 *  input pipeline (one AggregateWorker per thread)            PreAggregator.update, per chunk
 *  -------------------------------------------------------------------------------------------
 *   chunk -+- single int key in the shared window --> DirectStates: states[value], seen bits
 *          +- table stopped reducing, large chunk --> PassThrough: one partial row per input row,
 *          |                                          radix-scattered into 64 partition builders -+
 *          +- else -> key path (SingleKeyPaths / CompositeKeys / KeyBatch) -> GroupTable + states |
 *                     | holistic inputs -> HolisticValuePartitions: value buffers by partition -+ |
 *                     | reservation fails / share passed / no reduction                         | |
 *                     +--> PartitionSpiller.flush: groups by the top 6 hash bits, partial chunks + | |
 *                                                                                             v v v
 *                                     64 partitions: partial-state chunks + value chunks (chunk store,
 *                                     spilled LZ4-compressed when memory runs short)
 *  HashAggregate.finish                                                                       |
 *  -------------------------------------------------------------------------------------------|
 *   every chunk in direct states? -- yes -> DirectStates.combine: ranges of values in parallel -> result
 *                                  +- no --> WorkerFlushSink: flush every worker (and its direct
 *                                            states) to the partitions (all to partition 0 when
 *                                            the groups are few and nothing was flushed yet)
 *                                            |
 *   PartitionMergeSink: one morsel per partition, a PartitionMerger per thread
 *     merge partial chunks into one table -+- fits -> HolisticAggregates (values in memory) -> emit -> result
 *                                          +- over the share -> split by the next 6 hash bits, merge each
 *                                          |                    part alone (recursively, up to MAX_LEVEL)
 *                                          +- values do not fit at the deepest level -> ExternalSort by
 *                                               (keys, value) -> SortedHolisticReader -> emit -> result
 * </pre>
 *
 * <h2>Invariants</h2>
 * <ul>
 *   <li><b>Memory.</b> Each worker reserves its table, pool, per-chunk scratch and buffered values
 *       ({@code "group by"}) and, separately, its direct-key lookup and direct states
 *       ({@code "group by direct keys"}), both within its share: half the budget divided by the
 *       parallelism (at least 64 KiB). A table that cannot grow is flushed and its reservation
 *       shrunk to what the next chunk needs. Each phase-2 merger reserves its partition's table,
 *       pool and values ({@code "group by merge"}), failing on purpose past the share so that the
 *       partition is split, except at the deepest level, where it takes what the budget gives.
 *       Reservations are closed by {@code finish} (or the terminal's {@code abort}).</li>
 *   <li><b>Spilled.</b> Only chunk-store chunks: partial-state chunks, pass-through chunks, direct
 *       states written as partial rows, holistic value chunks, the sub-partitions of a split, and
 *       the runs of the out-of-core sort. Tables, pools and state arrays stay on the heap; the
 *       partition chunks are closed once phase 2 is done or fails.</li>
 *   <li><b>Partitions.</b> A group's partition at level {@code l} is hash bits
 *       {@code [6l, 6l + 6)} from the top ({@link org.spillway.frame.exec.hash.PartitionLayout});
 *       every path hashes keys the same way, so all partial rows of a group meet in one
 *       partition at every level.</li>
 *   <li><b>Order.</b> The result rows come in no particular order: partitions (and direct-state
 *       ranges) finish in parallel and add their chunks as they finish. Within the input, each row's
 *       position (morsel sequence and chunk index, then row) is handed to the aggregate functions,
 *       so first/last do not depend on which worker saw which row.</li>
 *   <li><b>Counters</b> ({@code ExecContext.counters()}): {@code groupby.flushedGroups} (groups
 *       written from tables to partitions), {@code groupby.passThroughRows} and
 *       {@code groupby.passThroughChunks} (rows and chunks that bypassed the tables),
 *       {@code groupby.directStateRows} (rows aggregated into direct states),
 *       {@code groupby.directStateRanges} (phase-2 morsels of direct states),
 *       {@code groupby.sortedValues} (partitions whose holistic values were sorted out of core).</li>
 * </ul>
 */
package org.spillway.frame.exec.aggregate;
