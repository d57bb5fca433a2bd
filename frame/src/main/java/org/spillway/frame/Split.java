package org.spillway.frame;

/**
 * The two parts of {@link DataFrame#randomSplit(double, long)}: every row of the input is in exactly
 * one of them. Both are collected frames; {@link DataFrame#unpersist()} frees either.
 *
 * @param train the part drawn with the given fraction
 * @param test  the rest
 */
public record Split(DataFrame train, DataFrame test) {
}
