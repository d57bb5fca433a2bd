/**
 * The hashing toolkit of group by and joins. {@link org.spillway.frame.exec.hash.Hashing} is shared by
 * both (joins through {@code join.JoinKeys}, which compares string keys by their bytes in the vectors);
 * {@link org.spillway.frame.exec.hash.KeyBatch}, {@link org.spillway.frame.exec.hash.StringPool} and
 * {@link org.spillway.frame.exec.hash.GroupTable} serve the hash aggregate ({@code aggregate.HashAggregate},
 * {@code CompositeKeys}) and the aggregate functions' string states.
 *
 * <pre>
 *  chunk key columns --KeyBatch.add per column, finish()--&gt; per row: codes[k], null mask, value hash
 *     integers: the value; float64: canonical bits (-0.0 as 0.0, one NaN); bool: 0/1
 *     strings: StringPool ids (a dictionary vector interns each used entry once, not each row)
 *  GroupTable.findOrInsert(batch, row) --&gt; dense group id --&gt; states()[id * stride ...]
 *  slot: high 32 hash bits (tag) | id + 1 ; probe from the low bits, linear; 2 slots per group
 * </pre>
 *
 * <p>Invariants:
 * <ul>
 *   <li><b>Value hashes</b> depend only on the values, never on pool ids or dictionary codes, and a
 *       string hashes alike from a heap array or a segment; so every worker, phase and side of a join
 *       sends a key to the same partition. Radix partitioning uses the high bits, probing the low
 *       ones.</li>
 *   <li><b>Ids</b>: pool ids and group ids are dense, {@code 0 .. size() - 1}, handed out in order of
 *       first occurrence (also by the batched {@code StringPool.internAll}). Equal codes mean equal
 *       keys only within one pool, so a table and the pool its string codes come from go together;
 *       ids stay valid until {@code clear()} or {@code reset(...)}, counted by {@code clears()} for
 *       callers that cache them.</li>
 *   <li>A probe compares keys only when the 32-bit tag and the null mask agree, and never re-hashes:
 *       each group keeps its hash, so growing rehashes without reading keys.</li>
 * </ul>
 *
 * <p>Memory: all heap arrays of primitives, which the hash aggregate reserves from the budget before
 * they grow. {@code GroupTable.bytes()} is {@code capacity x (8 x (max(1, keys) + 2 + max(1, stride)) + 16)},
 * capacity doubling from 16; {@code projectedBytes} and {@code bytesForGroups} say what a growth will
 * cost before it happens, so the caller can flush or spill first. A {@code StringPool} holds each
 * distinct string's bytes once, 12 bytes of offset and hash, and at least 2 table slots per string: one
 * long each for a <i>compact</i> pool,
 * three for an <i>inline</i> one, which keeps strings of up to 15 bytes in the slot (about 48 bytes
 * more per string) so that most probes never touch the byte array; the aggregate uses inline pools
 * only when a worker's share of the budget is at least 8 MiB (in a merge, only while that extra stays
 * under half the share). {@code KeyBatch} holds a long per key
 * column and row of the chunk, reused across chunks.
 */
package org.spillway.frame.exec.hash;
