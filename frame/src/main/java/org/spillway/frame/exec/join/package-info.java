/**
 * The hash join operator, {@link org.spillway.frame.exec.join.HashJoin}, for every join type, with
 * or without an extra condition, and the nested-loop join on a condition alone; and the as-of join's
 * merge, {@link org.spillway.frame.exec.join.AsofMergeJoin}, which the executor runs over its two
 * inputs once it has sorted each by (keys, time) with the external sort (no hash table: one cursor per
 * side, O(1) right rows kept per key).
 *
 * <pre>
 *  HashJoin: choose the build side (JoinLayout)
 *     |
 *     +-- cross --&gt; CrossJoin: the right side in memory, every left row with every right row
 *     |
 *     +-- no keys, a condition --&gt; NestedLoopJoin: the right side in memory, every left row
 *     |                            tested against every right row by the condition (ProbeSink)
 *     |
 *  build side + its table &lt;= half the memory limit?
 *     | yes                                      | no
 *     v                                          v
 *  in memory                                  grace
 *  JoinHashTable  pin the build chunks,       GracePartitioner  both sides by key hash into
 *                 build one table in                            spillable chunks (6 bits a level)
 *                 parallel, a chunk a task    GraceHashJoin     then partition pair by pair:
 *  ProbeSink      stream the probe side         fits          -&gt; in memory (left column)
 *                 through it on every worker    too big       -&gt; re-split both sides on the
 *  JoinOutput     gather pairs into output                       next 6 bits, and recurse
 *                 chunks; null-extend and       too big, not  -&gt; pieces of the build side that
 *                 emit unmatched rows           splittable       fit, each probed by the whole
 *                                               (skew, or 5      probe partition; ProbeMarks,
 *                                               levels deep)     then one unmatched-rows pass
 * </pre>
 *
 * <p><b>Invariants.</b>
 * <ul>
 *   <li>Memory: a build table's arrays (hashes, chains, key codes, row records, full-join match
 *       flags) are reserved from the memory budget when the table is made, its string heaps as they
 *       fill; its chunks are pinned. Output chunks and partitions go to the chunk store, which may
 *       spill them. Partitioning builders are sized to about an eighth of the limit in all.</li>
 *   <li>Going grace: a build side goes out of core when its bytes plus its table's exceed half the
 *       memory limit ({@code HashJoin.fitBytes}); the same test decides whether a partition or a
 *       piece fits. A build side not already stored and estimated at more than twice that is
 *       partitioned straight from its plan, without collecting it first.</li>
 *   <li>A row with a null in any key column never matches: it is not put in the table's chains and
 *       a probe row with one does not look; it is still emitted, unmatched, by outer and anti
 *       joins.</li>
 *   <li>A condition ({@code on("k").and(cond)}, or a nested loop's) is evaluated by {@link
 *       org.spillway.frame.exec.join.ProbeSink} on candidate pairs (keys equal; every pair for a
 *       nested loop), gathered a chunk at a time into the columns it reads; only pairs where it is
 *       true match, set match flags and marks, and count for outer, semi and anti output. The build
 *       columns it reads are in the table's row records, and grace partitions carry whole rows, so
 *       the same evaluation runs in memory, per partition and per piece.</li>
 *   <li>Output order is unspecified; within one probe chunk it follows the probe rows (with a
 *       condition, a chunk's unmatched rows follow its pairs).</li>
 *   <li>Counters: {@code join.inMemory} per table built and probed whole (the join, or a
 *       partition), {@code join.partitioned} per join that went grace, {@code join.pieces} per
 *       build piece of a skewed partition, {@code join.partitionBytes} the bytes each partitioning
 *       wrote, {@code join.nestedLoop} per nested-loop join.</li>
 * </ul>
 *
 * <p>Sub-plans run through {@link org.spillway.frame.exec.pipeline.PlanRunner}; nothing here
 * depends on the executor in {@code org.spillway.frame.exec}.
 */
package org.spillway.frame.exec.join;
