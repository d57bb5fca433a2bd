package org.spillway.frame.delta;

/**
 * What {@link DeltaTable#optimize()} did (the numbers its {@code OPTIMIZE} commit records as
 * {@code operationMetrics}).
 *
 * @param version                   the version committed, or -1 when there was nothing to compact (no commit)
 * @param numPartitionsOptimized    partitions (of those the predicate selected) in which files were rewritten
 * @param numRemovedFiles           files removed (compacted away, their deletion vectors folded in)
 * @param numAddedFiles             files written in their place
 * @param numRemovedBytes           bytes of the removed files
 * @param numAddedBytes             bytes of the added files
 * @param numDeletionVectorsRemoved removed files that had a deletion vector (the deleted rows are gone for good)
 */
public record OptimizeResult(long version, long numPartitionsOptimized, long numRemovedFiles, long numAddedFiles,
                             long numRemovedBytes, long numAddedBytes, long numDeletionVectorsRemoved) {
}
