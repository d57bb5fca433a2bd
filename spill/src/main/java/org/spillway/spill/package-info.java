/**
 * Spillway's storage layer: types, column vectors over off-heap {@link java.lang.foreign.MemorySegment}s,
 * chunks, the memory budget and the spill files behind it.
 *
 * <pre>
 *   VectorBuilder (heap scratch, per thread)
 *        | finish: one exact-size off-heap copy, reserved against the MemoryBudget
 *        v
 *   Chunk (immutable, one ColumnVector per column, owns its Arena + Reservation)
 *        | ChunkStore.put -> ChunkHandle (pin/unpin)
 *        v
 *   resident --(budget pressure, LRU, unpinned)--> ChunkCodec -> LZ4 block + CRC -> SpillFile
 *   spilled  --(pin)--> mapped read, checksum, decompress -> resident again
 * </pre>
 *
 * <p>This module knows nothing of frames, expressions or the scheduler.
 */
package org.spillway.spill;
