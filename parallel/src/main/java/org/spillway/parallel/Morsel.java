package org.spillway.parallel;

/**
 * One unit of work handed to {@link Sink#accept}.
 *
 * @param seq    the index of {@code item} in the input list; callers use it to restore input order
 * @param item   the input item (a file split, a chunk, ...)
 * @param weight the item's share of the total work (bytes, rows, ...), used for progress; never negative
 * @param <T>    the item type
 */
public record Morsel<T>(int seq, T item, long weight) {
    /** Checks that {@code seq} and {@code weight} are not negative. */
    public Morsel {
        if (seq < 0) {
            throw new IllegalArgumentException("seq must be >= 0: " + seq);
        }
        if (weight < 0) {
            throw new IllegalArgumentException("weight must be >= 0: " + weight);
        }
    }
}
