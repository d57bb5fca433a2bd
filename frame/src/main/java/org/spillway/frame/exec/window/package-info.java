/**
 * Window functions over sorted input ({@link org.spillway.frame.exec.window.WindowOperator}): the executor sorts a
 * window node's input by (partition keys, order keys) with the external sort, and this package streams the sorted
 * chunks once, partition by partition, adding one column per window function. Frames of rows and of order-key ranges
 * map to non-decreasing row bounds, over which every aggregate is incremental (prefix sums, a monotonic deque, sliding
 * hash and Fenwick multisets, a segment tree of moments: {@code WindowAggregates}). A window node marked with a
 * per-partition top-k (a filter {@code n <= k} on its rank) first keeps only each partition's first rows and sorts
 * those: unboxed in flat per-partition states ({@code PartitionTopKTable}) when the order keys are fixed-width, else
 * in heaps of boxed rows ({@code PartitionTopKTerminal}).
 */
package org.spillway.frame.exec.window;
