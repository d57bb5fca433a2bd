/**
 * Chunks and the chunk cache: a {@link org.spillway.spill.chunk.Chunk} is an immutable horizontal slice
 * of rows (one {@code ColumnVector} per column, all of one row count) that owns one shared
 * {@link java.lang.foreign.Arena} and the budget {@code Reservation} paying for it; a
 * {@link org.spillway.spill.chunk.ChunkStore} keeps chunks behind {@link org.spillway.spill.chunk.ChunkHandle}s,
 * resident while the budget allows and spilled to disk when it does not.
 *
 * <pre>
 *  VectorBuilders (heap) --Chunk.build: reserve sum(offHeapBytes + 64), then copy--&gt; Chunk (arena + reservation)
 *  Chunk --ChunkStore.put: ChunkStats.of, store takes ownership--&gt; ChunkHandle, resident, LRU tail
 *  handle.pin() --&gt; PinnedChunk (pins + 1) ... PinnedChunk.close() (pins - 1; at 0 spillable again)
 *  budget short --&gt; ChunkStore.spill(n): unpinned resident handles, least recently put/pinned first
 *     no block yet: ChunkCodec.encode --&gt; SpillFile.append (LZ4 + CRC32C) --&gt; BlockRef kept by the handle
 *     then Chunk.close(): arena freed, reservation returned                                  = spilled
 *  pin() of a spilled handle --&gt; reserve(uncompressed + 64) --&gt; SpillFile.read (mmap, CRC, LZ4)
 *     --&gt; ChunkCodec.decode (zero-copy slices of the read buffer) --&gt; resident and pinned again
 * </pre>
 *
 * <p>Invariants and costs:
 * <ul>
 *   <li><b>Ownership</b>: whoever builds a chunk closes it, or hands it to {@code put}, after which the
 *       store owns it (if the store is closed, {@code put} throws and the chunk stays the caller's).
 *       {@code Chunk.close()} closes arena and reservation, idempotently; a closed chunk's columns
 *       throw. Vectors read from a pinned chunk are valid only until that pin is closed.</li>
 *   <li><b>Accounting</b>: a chunk holds exactly what its reservation holds ({@code byteSize()}), reserved
 *       before the off-heap memory is allocated. A resident chunk counts in the budget, a spilled one
 *       does not; reading it back reserves again (as {@code "<store> unspill"}), which may make the
 *       budget spill other chunks, of this store too. Spilling itself uses two transient, unbudgeted
 *       off-heap buffers per evicting thread (the encoding, about the chunk's size, and LZ4's bound).</li>
 *   <li><b>Pins</b>: a pinned chunk is never evicted; pins are counted, several threads may pin one
 *       handle, and concurrent pins of a spilled chunk read it once (the others wait, holding no lock).
 *       {@code ChunkHandle.close()} throws while pinned. {@code ChunkStore.close()} frees every chunk,
 *       pinned or not, deletes its spill files, leaves the budget, and then throws if any was pinned.</li>
 *   <li><b>Disk</b>: a chunk is written at most once; its handle keeps the block, so a later eviction
 *       only frees memory. Blocks go to append-only files, a new one past 256 MB; a file is deleted when
 *       no open handle refers to it (closing a handle abandons its block), so disk use follows the live
 *       chunks.</li>
 *   <li><b>Concurrency</b>: one store lock guards all handle state and is never held across I/O,
 *       compression or a call into the budget, so a budget-driven {@code spill} on any thread cannot
 *       deadlock with a {@code pin}. An eviction marks its victims under the lock (disjoint per
 *       caller), writes them without it (a pin meanwhile keeps the chunk resident) and frees them
 *       under it; a failed write leaves the chunk resident and is rethrown.</li>
 *   <li><b>Leaks</b>: a chunk or handle never closed keeps its reservation open, which
 *       {@code MemoryBudget.close()} reports by consumer name.</li>
 * </ul>
 *
 * <p>{@link org.spillway.spill.chunk.ChunkStats} (rows, per column null count and min/max, computed once
 * at {@code put}: O(1) for numeric columns, one pass over a string column or its used dictionary entries)
 * stays on the heap, so scans can skip chunks by their bounds without pinning them.
 * {@link org.spillway.spill.chunk.RowGenerator} produces any block of rows from the row index alone, so
 * blocks can be filled in parallel, in any order, into chunks.
 */
package org.spillway.spill.chunk;
