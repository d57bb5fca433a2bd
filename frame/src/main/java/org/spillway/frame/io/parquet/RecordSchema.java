package org.spillway.frame.io.parquet;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.parquet.format.ConvertedType;
import org.apache.parquet.format.FieldRepetitionType;
import org.apache.parquet.format.LogicalType;
import org.apache.parquet.format.SchemaElement;
import org.apache.parquet.format.TimeUnit;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.OriginalType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.spillway.frame.io.ParquetFormatException;

/**
 * The Thrift schema of a file's footer (a depth-first list of {@link SchemaElement}s) as
 * parquet-column's {@link MessageType}: names, repetitions, physical types and lengths, field ids,
 * nested groups, and the logical type (else the legacy converted type) as a
 * {@link LogicalTypeAnnotation}, except DECIMAL (see {@link #decimalScale(Type)}). An annotation
 * parquet-column refuses for its physical type (a malformed file) is dropped rather than failing the
 * whole file; the value then reads unannotated.
 */
final class RecordSchema {
    private final Map<Type, Integer> scales = new IdentityHashMap<>();
    private MessageType type;

    private RecordSchema() {
    }

    /** The converted message type. */
    MessageType type() {
        return type;
    }

    /**
     * The scale of a DECIMAL leaf of {@link #type()} (by identity), else -1. Decimals are not given a
     * {@code DecimalLogicalTypeAnnotation}: constructing one initialises parquet-column's
     * {@code PrimitiveStringifier}, which needs the JTS geometry library Spillway does not ship.
     */
    int decimalScale(Type leaf) {
        Integer s = scales.get(leaf);
        return s == null ? -1 : s;
    }

    /** The schema of {@code schema} (its first element is the root). */
    static RecordSchema of(Path file, List<SchemaElement> schema) {
        RecordSchema r = new RecordSchema();
        r.type = r.messageType(file, schema);
        return r;
    }

    private MessageType messageType(Path file, List<SchemaElement> schema) {
        if (schema == null || schema.isEmpty()) {
            throw new ParquetFormatException("Corrupt Parquet footer in '" + file + "': no schema");
        }
        int[] pos = {1};
        SchemaElement root = schema.get(0);
        List<Type> fields = children(file, schema, pos, root.isSetNum_children() ? root.getNum_children() : 0);
        if (pos[0] != schema.size()) {
            throw new ParquetFormatException("Corrupt Parquet footer in '" + file + "': the schema has " + (schema.size() - pos[0])
                    + " elements outside its root");
        }
        return new MessageType(root.getName() == null ? "root" : root.getName(), fields);
    }

    private List<Type> children(Path file, List<SchemaElement> s, int[] pos, int n) {
        if (n < 0) {
            throw new ParquetFormatException("Corrupt Parquet footer in '" + file + "': a group with " + n + " children");
        }
        List<Type> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            if (pos[0] >= s.size()) {
                throw new ParquetFormatException("Corrupt Parquet footer in '" + file + "': the schema ends early");
            }
            out.add(type(file, s, pos));
        }
        return out;
    }

    private Type type(Path file, List<SchemaElement> s, int[] pos) {
        SchemaElement e = s.get(pos[0]++);
        String name = e.getName();
        if (name == null) {
            throw new ParquetFormatException("Corrupt Parquet footer in '" + file + "': a schema element has no name");
        }
        Type.Repetition rep = repetition(e);
        LogicalTypeAnnotation ann = annotation(e);
        Integer id = e.isSetField_id() ? e.getField_id() : null;
        if (!e.isSetType()) {
            // a group (one without children is kept as an empty group)
            List<Type> kids = children(file, s, pos, e.isSetNum_children() ? e.getNum_children() : 0);
            Type g = group(rep, name, kids, ann, id);
            if (g == null) {
                g = group(rep, name, kids, null, id);
            }
            return g;
        }
        PrimitiveType.PrimitiveTypeName p = switch (e.getType()) {
            case BOOLEAN -> PrimitiveType.PrimitiveTypeName.BOOLEAN;
            case INT32 -> PrimitiveType.PrimitiveTypeName.INT32;
            case INT64 -> PrimitiveType.PrimitiveTypeName.INT64;
            case INT96 -> PrimitiveType.PrimitiveTypeName.INT96;
            case FLOAT -> PrimitiveType.PrimitiveTypeName.FLOAT;
            case DOUBLE -> PrimitiveType.PrimitiveTypeName.DOUBLE;
            case BYTE_ARRAY -> PrimitiveType.PrimitiveTypeName.BINARY;
            case FIXED_LEN_BYTE_ARRAY -> PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY;
        };
        if (p == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY && (!e.isSetType_length() || e.getType_length() <= 0)) {
            throw new ParquetFormatException("Corrupt Parquet footer in '" + file + "': FIXED_LEN_BYTE_ARRAY column '" + name
                    + "' has no positive type_length");
        }
        Type t = primitive(p, rep, name, e.isSetType_length() ? e.getType_length() : 0, ann, id);
        if (t == null) {
            t = primitive(p, rep, name, e.isSetType_length() ? e.getType_length() : 0, null, id);
        }
        if (t == null) {
            throw new ParquetFormatException("Corrupt Parquet footer in '" + file + "': cannot read the type of column '" + name + "'");
        }
        int scale = decimalScale(e);
        if (scale >= 0 && p != PrimitiveType.PrimitiveTypeName.BOOLEAN && p != PrimitiveType.PrimitiveTypeName.FLOAT
                && p != PrimitiveType.PrimitiveTypeName.DOUBLE && p != PrimitiveType.PrimitiveTypeName.INT96) {
            scales.put(t, scale);
        }
        return t;
    }

    private static Type group(Type.Repetition rep, String name, List<Type> kids, LogicalTypeAnnotation ann, Integer id) {
        try {
            if (kids.isEmpty()) {
                Type g = new GroupType(rep, name, kids);
                return id == null ? g : g.withId(id);
            }
            Types.GroupBuilder<GroupType> b = Types.buildGroup(rep).addFields(kids.toArray(new Type[0]));
            if (ann != null) {
                b = b.as(ann);
            }
            if (id != null) {
                b = b.id(id);
            }
            return b.named(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Type primitive(PrimitiveType.PrimitiveTypeName p, Type.Repetition rep, String name, int length,
            LogicalTypeAnnotation ann, Integer id) {
        try {
            Types.PrimitiveBuilder<PrimitiveType> b = Types.primitive(p, rep);
            if (p == PrimitiveType.PrimitiveTypeName.FIXED_LEN_BYTE_ARRAY) {
                b = b.length(length);
            }
            if (ann != null) {
                b = b.as(ann);
            }
            if (id != null) {
                b = b.id(id);
            }
            return b.named(name);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Type.Repetition repetition(SchemaElement e) {
        if (!e.isSetRepetition_type()) {
            return Type.Repetition.OPTIONAL;
        }
        FieldRepetitionType r = e.getRepetition_type();
        return switch (r) {
            case REQUIRED -> Type.Repetition.REQUIRED;
            case OPTIONAL -> Type.Repetition.OPTIONAL;
            case REPEATED -> Type.Repetition.REPEATED;
        };
    }

    /** The scale of a DECIMAL element (logical or converted type), else -1. */
    private static int decimalScale(SchemaElement e) {
        LogicalType lt = e.isSetLogicalType() ? e.getLogicalType() : null;
        if (lt != null && lt.isSetDECIMAL()) {
            return Math.max(0, lt.getDECIMAL().getScale());
        }
        if ((lt == null || lt.getSetField() == null) && e.isSetConverted_type() && e.getConverted_type() == ConvertedType.DECIMAL) {
            return e.isSetScale() ? Math.max(0, e.getScale()) : 0;
        }
        return -1;
    }

    /**
     * The logical type of {@code e}, else its converted type, as an annotation; null when it has
     * neither (or an unknown one) and for DECIMAL (see {@link #decimalScale(Type)}).
     */
    static LogicalTypeAnnotation annotation(SchemaElement e) {
        if (decimalScale(e) >= 0) {
            return null;
        }
        LogicalType lt = e.isSetLogicalType() ? e.getLogicalType() : null;
        if (lt != null && lt.getSetField() != null) {
            LogicalTypeAnnotation a = logical(lt);
            if (a != null) {
                return a;
            }
        }
        if (!e.isSetConverted_type()) {
            return null;
        }
        ConvertedType ct = e.getConverted_type();
        OriginalType ot;
        try {
            ot = OriginalType.valueOf(ct.name());
        } catch (IllegalArgumentException x) {
            return null;
        }
        try {
            return LogicalTypeAnnotation.fromOriginalType(ot, null);
        } catch (RuntimeException x) {
            return null;
        }
    }

    private static LogicalTypeAnnotation logical(LogicalType lt) {
        return switch (lt.getSetField()) {
            case STRING -> LogicalTypeAnnotation.stringType();
            case MAP -> LogicalTypeAnnotation.mapType();
            case LIST -> LogicalTypeAnnotation.listType();
            case ENUM -> LogicalTypeAnnotation.enumType();
            case DATE -> LogicalTypeAnnotation.dateType();
            case TIME -> LogicalTypeAnnotation.timeType(lt.getTIME().isIsAdjustedToUTC(), unit(lt.getTIME().getUnit()));
            case TIMESTAMP -> LogicalTypeAnnotation.timestampType(lt.getTIMESTAMP().isIsAdjustedToUTC(), unit(lt.getTIMESTAMP().getUnit()));
            case INTEGER -> LogicalTypeAnnotation.intType(lt.getINTEGER().getBitWidth(), lt.getINTEGER().isIsSigned());
            case JSON -> LogicalTypeAnnotation.jsonType();
            case BSON -> LogicalTypeAnnotation.bsonType();
            case UUID -> LogicalTypeAnnotation.uuidType();
            case FLOAT16 -> LogicalTypeAnnotation.float16Type();
            case UNKNOWN -> LogicalTypeAnnotation.unknownType();
            default -> null; // VARIANT, geospatial and later additions: read by their structure and physical type
        };
    }

    private static LogicalTypeAnnotation.TimeUnit unit(TimeUnit u) {
        return u.isSetMILLIS() ? LogicalTypeAnnotation.TimeUnit.MILLIS
                : u.isSetMICROS() ? LogicalTypeAnnotation.TimeUnit.MICROS : LogicalTypeAnnotation.TimeUnit.NANOS;
    }
}
