/**
 * Window functions over sorted input ({@link org.spillway.frame.exec.window.WindowOperator}): the executor sorts a
 * window node's input by (partition keys, order keys) with the external sort, and this package streams the sorted
 * chunks once, partition by partition, adding one column per window function.
 */
package org.spillway.frame.exec.window;
