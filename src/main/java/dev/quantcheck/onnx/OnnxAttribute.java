package dev.quantcheck.onnx;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An ONNX {@code AttributeProto}, with the fields this project reads; graph- and list-of-tensor-valued
 * attributes are skipped.
 *
 * @param name   the attribute's name, e.g. {@code axes}
 * @param type   the {@code AttributeProto.AttributeType} code, e.g. {@link #INTS}
 * @param f      the FLOAT value
 * @param i      the INT value
 * @param s      the STRING value's bytes (empty when absent)
 * @param t      the TENSOR value, or null
 * @param floats the FLOATS value (empty when absent)
 * @param ints   the INTS value (empty when absent)
 */
public record OnnxAttribute(String name, int type, float f, long i, byte[] s, OnnxTensor t, float[] floats,
                            long[] ints) {
    public static final int FLOAT = 1;
    public static final int INT = 2;
    public static final int STRING = 3;
    public static final int TENSOR = 4;
    public static final int GRAPH = 5;
    public static final int FLOATS = 6;
    public static final int INTS = 7;
    public static final int STRINGS = 8;

    public OnnxAttribute {
        s = s.clone();
        floats = floats.clone();
        ints = ints.clone();
    }

    @Override
    public byte[] s() {
        return s.clone();
    }

    @Override
    public float[] floats() {
        return floats.clone();
    }

    @Override
    public long[] ints() {
        return ints.clone();
    }

    /** The STRING value decoded as UTF-8. */
    public String string() {
        return new String(s, StandardCharsets.UTF_8);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OnnxAttribute a && name.equals(a.name) && type == a.type
                && Float.compare(f, a.f) == 0 && i == a.i && Arrays.equals(s, a.s)
                && java.util.Objects.equals(t, a.t) && Arrays.equals(floats, a.floats) && Arrays.equals(ints, a.ints);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + type;
    }

    @Override
    public String toString() {
        switch (type) {
            case FLOAT: return name + "=" + f;
            case INT: return name + "=" + i;
            case STRING: return name + "='" + string() + "'";
            case TENSOR: return name + "=" + t;
            case FLOATS: return name + "=" + Arrays.toString(floats);
            case INTS: return name + "=" + Arrays.toString(ints);
            default: return name + " (type " + type + ")";
        }
    }
}
