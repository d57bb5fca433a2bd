/**
 * The aggregate functions of group by: {@link org.spillway.frame.exec.aggregate.function.AggFn},
 * the contract of the algebraic ones (one class per function beside it), and
 * {@link org.spillway.frame.exec.aggregate.function.Quantiles}, selection for the holistic
 * median and quantile.
 *
 * <h2>State protocol</h2>
 *
 * <p>A group's partial state is a fixed number ({@code width()}) of longs inside one stripe of a
 * {@code long[]} shared by all of the query's functions, starting at the function's
 * {@code offset()}; float64 values are held there as their raw bits. A new group's state is all
 * zeros, so growing the table needs no per-function initialisation. One array instead of an object
 * per group and function keeps millions of groups cheap to hold, to hash-partition and to spill.
 *
 * <ul>
 *   <li>{@code update} folds a batch of input rows into their groups, one virtual call per batch:
 *       the loops over rows are inside each function and monomorphic;</li>
 *   <li>{@code writePartial} writes a group's state as partial columns, so that a table can be
 *       flushed, spilled and later {@code merge}d from those columns into another table;
 *       {@code mergeState} merges two tables' states directly where that is sound;</li>
 *   <li>{@code finish} turns a state into the result value.</li>
 * </ul>
 *
 * <p>Nulls are skipped: a group without a non-null input gets a null result (0 for counts), except
 * that {@code count()} counts rows and {@code first_row} keeps a null first value. Integer sums
 * that overflow int64 fail with a {@link org.spillway.frame.SpillwayException} rather than wrap.
 * Counts, integer sums, min, max and first/last are exact and independent of how work was split;
 * float64 sums, mean, variance and correlation round in an order that depends on how rows and
 * partial states were combined.
 *
 * <table>
 *   <caption>Functions, their state per group and their result</caption>
 *   <tr><th>function</th><th>class</th><th>state (longs)</th><th>result</th></tr>
 *   <tr><td>count, count()</td><td>{@code Count}</td><td>n</td><td>int64</td></tr>
 *   <tr><td>sum of integers</td><td>{@code SumLong}</td><td>n, sum</td><td>int64</td></tr>
 *   <tr><td>sum of float64</td><td>{@code SumDouble}</td><td>n, sum (bits)</td><td>float64</td></tr>
 *   <tr><td>mean</td><td>{@code Mean}</td><td>n, sum (bits)</td><td>float64</td></tr>
 *   <tr><td>var, var_pop, std, std_pop</td><td>{@code Moments}</td><td>n, mean, m2</td>
 *       <td>float64</td></tr>
 *   <tr><td>min, max</td><td>{@code MinMax}</td><td>has, value</td><td>input type</td></tr>
 *   <tr><td>first, last, first_row</td><td>{@code FirstLast}</td>
 *       <td>has, position, value, value is null</td><td>input type</td></tr>
 *   <tr><td>corr</td><td>{@code Corr}</td><td>n, mean x, mean y, m2 x, m2 y, co-moment</td>
 *       <td>float64</td></tr>
 * </table>
 *
 * <p>Median, quantile, count distinct and top k are holistic (their state grows with the group)
 * and are computed by the aggregate operator, not by an {@code AggFn}.
 */
package org.spillway.frame.exec.aggregate.function;
