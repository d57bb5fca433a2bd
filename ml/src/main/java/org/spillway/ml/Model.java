package org.spillway.ml;

import java.nio.file.Path;

/**
 * What an {@link Estimator} learned: a {@link Transformer} whose {@code transform} adds its outputs
 * (predictions, encoded or scaled columns) to a frame. Models are immutable and can be saved to a
 * versioned, human-readable JSON file and loaded again with {@link Models#load}.
 */
public interface Model extends Transformer {
    /** Writes this model to {@code path} as JSON, atomically (a failed write leaves what was there). */
    default void save(Path path) {
        ModelIO.save(this, path);
    }

    /** Writes this model to {@code path} as JSON; see {@link #save(Path)}. */
    default void save(String path) {
        save(Path.of(path));
    }
}
