/**
 * Spill files: a per-process {@link org.spillway.spill.file.SpillDirectory}, append-only
 * {@link org.spillway.spill.file.SpillFile}s of LZ4-compressed, CRC32C-checked blocks read back
 * through memory maps. The package knows bytes, not chunks: {@code chunk.ChunkCodec} lays a chunk
 * out as one contiguous buffer before it comes here, so {@code chunk} depends on {@code file} and
 * never the other way.
 */
package org.spillway.spill.file;
