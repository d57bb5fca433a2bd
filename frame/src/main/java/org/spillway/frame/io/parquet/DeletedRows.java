package org.spillway.frame.io.parquet;

import java.util.function.LongFunction;
import org.roaringbitmap.PeekableIntIterator;
import org.roaringbitmap.RoaringBitmap;

/**
 * The rows of one data file that a table format has deleted without rewriting the file (Delta's
 * deletion vectors, Iceberg's position deletes): by row index within the file, from 0. A scan leaves
 * them out of its chunks and does not answer {@code count()} from the footers.
 */
public interface DeletedRows {
    /** How many rows are deleted. */
    long cardinality();

    /**
     * Writes into {@code keep} the offsets {@code i} in {@code [0, n)} whose rows {@code start + i} are
     * not deleted, in order, and returns how many there are.
     */
    int keep(long start, int n, int[] keep);

    /**
     * {@link #keep} for deleted rows held as 64-bit positions split into 32-bit Roaring bitmaps by their
     * high word (the layout of Delta's and Iceberg's deletion vectors): {@code byHigh} gives the bitmap
     * of a high word, or null when it deletes nothing.
     */
    static int keepRoaring(LongFunction<RoaringBitmap> byHigh, long start, int n, int[] keep) {
        int k = 0;
        int i = 0;
        while (i < n) {
            long row = start + i;
            long high = row >>> 32;
            long highEnd = (high + 1) << 32; // rows of the same high word: up to here
            int span = (int) Math.min(n - i, highEnd - row);
            RoaringBitmap m = byHigh.apply(high);
            if (m == null) {
                for (int j = 0; j < span; j++) {
                    keep[k++] = i + j;
                }
            } else {
                // one step of the iterator per deleted row of the span, a plain fill between them
                long low = row & 0xFFFF_FFFFL;
                PeekableIntIterator it = m.getIntIterator();
                it.advanceIfNeeded((int) low);
                int j = 0;
                while (it.hasNext()) {
                    long at = (it.peekNext() & 0xFFFF_FFFFL) - low; // unsigned, as Roaring orders them
                    if (at >= span) {
                        break;
                    }
                    for (; j < at; j++) {
                        keep[k++] = i + j;
                    }
                    j++; // the deleted row
                    it.next();
                }
                for (; j < span; j++) {
                    keep[k++] = i + j;
                }
            }
            i += span;
        }
        return k;
    }
}
