/**
 * The extension point for computations the expression language does not have: a
 * {@link org.spillway.frame.udf.VectorFunction} computes one column from a chunk and returns it
 * as a {@link org.spillway.frame.udf.HeapColumn}; {@code Functions.udf(fn)} turns it into an
 * {@code Expr}. The {@code ml} module adds its scoring and feature encoders this way, and never
 * sees the engine's internals. This package depends only on {@code spill}.
 */
package org.spillway.frame.udf;
