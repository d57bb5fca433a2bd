/**
 * Spill files: a per-process {@link org.spillway.spill.file.SpillDirectory}, append-only
 * {@link org.spillway.spill.file.SpillFile}s of LZ4-compressed, CRC32C-checked blocks read back
 * through memory maps, and the {@link org.spillway.spill.file.ChunkCodec} that lays a chunk out as
 * one contiguous buffer for them.
 */
package org.spillway.spill.file;
