package org.spillway.ml;

/** Registers the readers of this library's model types with {@link ModelIO}, once. */
final class BuiltInModels {
    private static volatile boolean done;

    private BuiltInModels() {
    }

    static void registerAll() {
        if (done) {
            return;
        }
        synchronized (BuiltInModels.class) {
            if (done) {
                return;
            }
            ModelIO.register("PipelineModel", PipelineModel::readJson);
            done = true;
        }
    }
}
