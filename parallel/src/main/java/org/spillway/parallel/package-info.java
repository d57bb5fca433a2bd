/**
 * The morsel scheduler: runs one task per input item (a CSV byte range, a stored chunk, ...) on a
 * work-stealing {@link java.util.concurrent.ForkJoinPool}, with one piece of thread-local state per
 * worker thread that is merged once at the end.
 *
 * <p>Entry point: {@link org.spillway.parallel.MorselScheduler#run}. The work itself is described
 * by a {@link org.spillway.parallel.Sink}; progress is reported to a
 * {@link org.spillway.parallel.ProgressListener}.
 */
package org.spillway.parallel;
