package org.spillway.ml;

import java.nio.file.Path;

/** Loads models saved with {@link Model#save}. */
public final class Models {
    private Models() {
    }

    /** Loads the model in {@code path}; its type is read from the file. */
    public static Model load(String path) {
        return ModelIO.load(Path.of(path));
    }

    /** Loads the model in {@code path}; its type is read from the file. */
    public static Model load(Path path) {
        return ModelIO.load(path);
    }

    /** Loads the model in {@code path}, checking that it is a {@code type}. */
    public static <M extends Model> M load(String path, Class<M> type) {
        return load(Path.of(path), type);
    }

    /** Loads the model in {@code path}, checking that it is a {@code type}. */
    public static <M extends Model> M load(Path path, Class<M> type) {
        Model m = load(path);
        if (!type.isInstance(m)) {
            throw new MlException(path + " holds a " + m.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        }
        return type.cast(m);
    }
}
