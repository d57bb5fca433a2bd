/**
 * Column vectors over off-heap {@link java.lang.foreign.MemorySegment}s, and the heap builders that make
 * them. {@link org.spillway.spill.vector.ColumnVector} is sealed:
 * {@link org.spillway.spill.vector.IntVector} (int32; date as days since the epoch),
 * {@link org.spillway.spill.vector.LongVector} (int64; timestamp as microseconds since the epoch),
 * {@link org.spillway.spill.vector.DoubleVector}, {@link org.spillway.spill.vector.BoolVector} (one byte
 * per value, cheaper to filter on than bits) and {@link org.spillway.spill.vector.StringVector}, so
 * operators switch over the five kinds instead of calling a virtual method per value.
 *
 * <pre>
 *  VectorBuilder (heap arrays, one per column per worker, reset and reused)
 *     | offHeapBytes(): the exact bytes build will allocate --&gt; the caller reserves them first
 *     | build(arena): one copy into 8-byte aligned segments of the arena (the builder is unchanged)
 *     v
 *  ColumnVector (immutable, read by any thread, valid until its chunk is closed or spilled)
 * </pre>
 *
 * <p>Layout and invariants:
 * <ul>
 *   <li><b>Nulls</b>: a validity bitmap, bit {@code i} (byte {@code i / 8}, bit {@code i % 8}) set when
 *       row {@code i} is valid. A vector without nulls has none ({@code validity()} is null), so
 *       null-free columns cost no bitmap and no bit test. The value slot of a null row is unspecified
 *       (false for bools, length 0 for strings). Builders keep no bits until the first null.</li>
 *   <li><b>Bounds</b>: numeric vectors carry min and max over their non-null values (float64: also
 *       non-NaN), bool vectors their true count, computed once at build, so chunk statistics and the
 *       spill codec get them without another pass.</li>
 *   <li><b>Strings</b>, UTF-8, ordered by unsigned bytes: <i>plain</i> (int32 offsets, rows + 1, into one
 *       byte segment) or <i>dictionary</i> (an int32 code per row into a dictionary with its own offsets
 *       and bytes). Both are read through {@code bytes()}, {@code start(i)} and {@code length(i)};
 *       group by and joins check {@code isDictionary()} to work per entry instead of per row.
 *       {@link org.spillway.spill.vector.StringVectorBuilder} starts with a dictionary and turns plain
 *       (one conversion, kept until reset) once distinct values exceed a quarter of its expected rows
 *       (at least 16, at most 65,536).</li>
 * </ul>
 *
 * <p>Cost per row off-heap: int32/date 4 bytes, int64/timestamp/float64 8, bool 1, plain string
 * 4 + its bytes (+ 4 per vector), dictionary string 4 + each distinct value once (with a 4-byte offset);
 * plus {@code ceil(rows / 8)} bytes of bitmap when there are nulls. Builders hold about as much on the heap
 * and keep the capacity of the largest chunk they built. {@code appendRange}, {@code gather} and
 * {@code VectorBuilder.scatter} copy runs of rows in bulk for operators that move many rows
 * (filters, sorts, partitioning), instead of a call per value.
 */
package org.spillway.spill.vector;
