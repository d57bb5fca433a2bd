package org.spillway.ml;

/**
 * A point of a precision-recall curve: classifying as positive every row whose score is at least
 * {@code threshold} gives {@code recall} and {@code precision}. The curve starts at recall 0 with
 * the precision of the first threshold (as Spark's), threshold +Infinity.
 *
 * @param recall TP / (TP + FN)
 * @param precision TP / (TP + FP)
 * @param threshold the smallest score counted as positive
 */
public record PrPoint(double recall, double precision, double threshold) {
}
