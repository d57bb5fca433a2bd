package org.spillway.frame.exec.aggregate;

import org.spillway.frame.exec.hash.StringPool;

/**
 * What the finished merges of one aggregate's partitions held per partial row, for sizing the next
 * merge's table and pool up front ({@link PartitionMerger}); shared by all phase-2 threads.
 */
final class MergeSizeHints {
    /** Per partial row, the most groups, pool strings and pool bytes a finished merge held; null: none yet. */
    private volatile double[] mergeHint;

    synchronized void learn(long rows, int groups, StringPool pool) {
        if (rows == 0) {
            return;
        }
        double[] seen = {(double) groups / rows, (double) pool.size() / rows, (double) pool.dataBytes() / rows};
        double[] old = mergeHint;
        if (old != null) {
            for (int i = 0; i < seen.length; i++) {
                seen[i] = Math.max(seen[i], old[i]);
            }
        }
        mergeHint = seen;
    }

    /** Groups, pool strings and pool bytes per partial row, or null before any merge finished. */
    double[] perRow() {
        return mergeHint;
    }
}
