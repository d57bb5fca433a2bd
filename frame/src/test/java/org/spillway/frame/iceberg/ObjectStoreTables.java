package org.spillway.frame.iceberg;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.iceberg.BaseMetastoreTableOperations;
import org.apache.iceberg.BaseTable;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SortOrder;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;
import org.apache.iceberg.io.SeekableInputStream;

/**
 * Iceberg tables as a catalog writes them on an object store ({@code s3://bucket/warehouse/t}: metadata files
 * {@code NNNNN-uuid.metadata.json}, every path in the metadata and manifests under the {@code s3://} location),
 * whose objects are kept in a local directory instead: what a table downloaded from S3 looks like. Iceberg's
 * own writers and readers work on it through a {@link FileIO} that maps the object store prefix to the directory.
 */
final class ObjectStoreTables {
    private ObjectStoreTables() {
    }

    /**
     * Creates the table {@code uri} (e.g. {@code s3://bucket/warehouse/t}) whose objects live under {@code dir}
     * (so {@code uri + "/metadata/x"} is {@code dir/metadata/x}).
     */
    static Table create(Path dir, String uri, Schema schema, PartitionSpec spec, Map<String, String> properties) {
        Ops ops = new Ops(new MappedIO(uri, dir), uri);
        TableMetadata m = TableMetadata.newTableMetadata(schema, spec, SortOrder.unsorted(), uri, properties);
        ops.commit(null, m);
        return new BaseTable(ops, uri);
    }

    /** Table operations keeping the current metadata location in memory (a catalog of one table). */
    private static final class Ops extends BaseMetastoreTableOperations {
        private final FileIO io;
        private final String name;
        private String current;

        Ops(FileIO io, String name) {
            this.io = io;
            this.name = name;
        }

        @Override
        protected String tableName() {
            return name;
        }

        @Override
        public FileIO io() {
            return io;
        }

        @Override
        protected void doRefresh() {
            refreshFromMetadataLocation(current);
        }

        @Override
        protected void doCommit(TableMetadata base, TableMetadata metadata) {
            current = writeNewMetadataIfRequired(base == null, metadata);
        }
    }

    /** A FileIO mapping locations under {@code prefix} to files under {@code dir}, reporting the original locations. */
    private static final class MappedIO implements FileIO {
        private final String prefix;
        private final Path dir;

        MappedIO(String prefix, Path dir) {
            this.prefix = prefix.replaceAll("/+$", "");
            this.dir = dir;
        }

        private Path local(String location) {
            if (!location.startsWith(prefix + "/")) {
                throw new IllegalArgumentException(location + " is not under " + prefix);
            }
            return dir.resolve(location.substring(prefix.length() + 1));
        }

        @Override
        public InputFile newInputFile(String location) {
            InputFile in = org.apache.iceberg.Files.localInput(local(location).toFile());
            return new InputFile() {
                @Override
                public long getLength() {
                    return in.getLength();
                }

                @Override
                public SeekableInputStream newStream() {
                    return in.newStream();
                }

                @Override
                public String location() {
                    return location;
                }

                @Override
                public boolean exists() {
                    return in.exists();
                }
            };
        }

        @Override
        public OutputFile newOutputFile(String location) {
            Path p = local(location);
            try {
                Files.createDirectories(p.getParent());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            OutputFile out = org.apache.iceberg.Files.localOutput(p.toFile());
            return new OutputFile() {
                @Override
                public PositionOutputStream create() {
                    return out.create();
                }

                @Override
                public PositionOutputStream createOrOverwrite() {
                    return out.createOrOverwrite();
                }

                @Override
                public String location() {
                    return location;
                }

                @Override
                public InputFile toInputFile() {
                    return newInputFile(location);
                }
            };
        }

        @Override
        public void deleteFile(String location) {
            try {
                Files.deleteIfExists(local(location));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
