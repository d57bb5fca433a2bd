package org.spillway.bench;

/**
 * The file format the side-by-side benchmarks read their tables from ({@code --format csv|parquet}).
 * With {@link #CSV} both engines load the CSV once and query the loaded tables; with {@link #PARQUET}
 * every run reads the Parquet file (Spillway: {@code sw.readParquet}, DuckDB: a view over
 * {@code read_parquet}).
 */
public enum InputFormat {
    /** CSV files, loaded into memory once. */
    CSV,
    /** Parquet files, written once by Spillway next to the CSV files and read by every run. */
    PARQUET;

    /** The file name extension, with the dot: {@code .csv} or {@code .parquet}. */
    public String extension() {
        return this == CSV ? ".csv" : ".parquet";
    }
}
