package org.spillway.ml;

/**
 * A point of a ROC curve: classifying as positive every row whose score is at least
 * {@code threshold} gives the false positive rate {@code fpr} and the true positive rate
 * {@code tpr}. The curve starts at (0, 0) with threshold +Infinity.
 *
 * @param fpr the false positive rate, FP / (FP + TN)
 * @param tpr the true positive rate (recall), TP / (TP + FN)
 * @param threshold the smallest score counted as positive
 */
public record RocPoint(double fpr, double tpr, double threshold) {
}
