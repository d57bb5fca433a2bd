package org.spillway.frame;

/**
 * Which right row an {@linkplain DataFrame#joinAsof(DataFrame, JoinOn, String, String, AsofOptions) as-of join} pairs
 * with a left row of time {@code t}, among the right rows of the same keys (Polars' {@code strategy}).
 */
public enum AsofStrategy {
    /** The latest right row at or before {@code t} (DuckDB's {@code ASOF JOIN ... ON l.t >= r.t}; the default). */
    BACKWARD,
    /** The earliest right row at or after {@code t} (DuckDB's {@code ON l.t <= r.t}). */
    FORWARD,
    /** The right row closest to {@code t}, before or after; at equal distance the one before. */
    NEAREST
}
