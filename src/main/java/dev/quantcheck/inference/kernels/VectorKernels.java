package dev.quantcheck.inference.kernels;

import dev.quantcheck.format.HalfFloats;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernels on jdk.incubator.vector, in the preferred species (512-bit on AVX-512). Only {@link KernelProvider}
 * loads this class, reflectively, when the module is readable.
 *
 * <p>Every method is straight-line vector code with named locals: no vector arrays and no vector value chosen by
 * a condition (a phi of two vectors boxes them on JDK 17). Tails shorter than a vector run in scalar float code.
 *
 * <p>Accuracy against {@link ScalarKernels}: reductions (dot, sum, softmax's sum, LayerNorm's mean and variance)
 * accumulate in float lanes (L partial sums, then a lane reduction) instead of double. GELU evaluates the same
 * Abramowitz-Stegun erf in float with the vector EXP; measured over [-12, 12]: max |vector - scalar| =
 * 1.2e-7 * max(1, |x|) (4.8e-7 absolute), max |vector - exact GELU| = 1.8e-7 * max(1, |x|). The panel GEMM uses
 * FMA, summing over k in the same order as the scalar twin. Unpacking and 16-bit widening are bit-identical.
 */
final class VectorKernels implements Kernels {
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    private static final int L = F.length();
    /** Bytes species with as many lanes as F: the code vectors that widen to one float vector. */
    private static final VectorSpecies<Byte> B = L >= 8
            ? VectorSpecies.of(byte.class, VectorShape.forBitSize(L * 8)) : ByteVector.SPECIES_64;
    private static final boolean UNPACK_VECTORISED = L == 8 || L == 16;
    /** The 6x4 micro-kernel needs 24 accumulators + 5: AVX-512's 32 registers, not AVX2's 16. */
    private static final boolean WIDE_KERNEL = F.vectorBitSize() >= 512;
    private static final VectorSpecies<Short> S = VectorSpecies.of(short.class, VectorShape.forBitSize(L * 16));
    private static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, F.vectorShape());

    private static final float ERF_P = (float) ScalarKernels.ERF_P;
    private static final float ERF_A1 = (float) ScalarKernels.ERF_A1;
    private static final float ERF_A2 = (float) ScalarKernels.ERF_A2;
    private static final float ERF_A3 = (float) ScalarKernels.ERF_A3;
    private static final float ERF_A4 = (float) ScalarKernels.ERF_A4;
    private static final float ERF_A5 = (float) ScalarKernels.ERF_A5;
    private static final float INV_SQRT2 = (float) ScalarKernels.INV_SQRT2;

    VectorKernels() {
        if (L < 4) {
            throw new UnsupportedOperationException("the preferred float species has " + L + " lanes");
        }
    }

    @Override
    public String name() {
        return "vector(" + F.vectorBitSize() + "-bit)";
    }

    // ================================================================ panel GEMM

    /**
     * Column blocks of 4 vectors (64 outputs at 512 bits) take the 6x4 micro-kernel (~110 GFLOP/s per core on JDK
     * 17 and 25 here; only with 512-bit vectors, whose 32 registers hold its 24 accumulators), then blocks of 2
     * vectors the 4x2 one, then single vectors, then a scalar tail.
     */
    @Override
    public void gemmPanel(float[] x, int m, int k, float[] panel, int np, float[] y, int ldy, int yCol) {
        int j = 0;
        for (; WIDE_KERNEL && j + 4 * L <= np; j += 4 * L) {
            int i = 0;
            for (; i + 6 <= m; i += 6) {
                rows6cols4(x, i * k, k, panel, np, j, y, i * ldy + yCol + j, ldy);
            }
            for (; i + 2 <= m; i += 2) {
                rows2cols4(x, i * k, k, panel, np, j, y, i * ldy + yCol + j, ldy);
            }
            if (i < m) {
                rows1cols4(x, i * k, k, panel, np, j, y, i * ldy + yCol + j, ldy);
            }
        }
        for (; j + 2 * L <= np; j += 2 * L) {
            int i = 0;
            for (; i + 4 <= m; i += 4) {
                rows4cols2(x, i * k, k, panel, np, j, y, i * ldy + yCol + j, ldy);
            }
            for (; i < m; i++) {
                rows1cols2(x, i * k, k, panel, np, j, y, i * ldy + yCol + j);
            }
        }
        for (; j + L <= np; j += L) {
            for (int i = 0; i < m; i++) {
                rows1cols1(x, i * k, k, panel, np, j, y, i * ldy + yCol + j);
            }
        }
        if (j < np) {
            gemmTail(x, m, k, panel, np, j, y, ldy, yCol);
        }
    }

    // 6 tokens x 4 vectors: 24 accumulators, 4 loads + 6 broadcasts per 24 FMAs
    private static void rows6cols4(float[] x, int x0, int k, float[] panel, int np, int j, float[] y, int y0,
                               int ldy) {
        int x1 = x0 + k;
        int x2 = x1 + k;
        int x3 = x2 + k;
        int x4 = x3 + k;
        int x5 = x4 + k;
        int y1 = y0 + ldy;
        int y2 = y1 + ldy;
        int y3 = y2 + ldy;
        int y4 = y3 + ldy;
        int y5 = y4 + ldy;
        FloatVector c00 = FloatVector.fromArray(F, y, y0);
        FloatVector c01 = FloatVector.fromArray(F, y, y0 + L);
        FloatVector c02 = FloatVector.fromArray(F, y, y0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(F, y, y0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(F, y, y1);
        FloatVector c11 = FloatVector.fromArray(F, y, y1 + L);
        FloatVector c12 = FloatVector.fromArray(F, y, y1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(F, y, y1 + 3 * L);
        FloatVector c20 = FloatVector.fromArray(F, y, y2);
        FloatVector c21 = FloatVector.fromArray(F, y, y2 + L);
        FloatVector c22 = FloatVector.fromArray(F, y, y2 + 2 * L);
        FloatVector c23 = FloatVector.fromArray(F, y, y2 + 3 * L);
        FloatVector c30 = FloatVector.fromArray(F, y, y3);
        FloatVector c31 = FloatVector.fromArray(F, y, y3 + L);
        FloatVector c32 = FloatVector.fromArray(F, y, y3 + 2 * L);
        FloatVector c33 = FloatVector.fromArray(F, y, y3 + 3 * L);
        FloatVector c40 = FloatVector.fromArray(F, y, y4);
        FloatVector c41 = FloatVector.fromArray(F, y, y4 + L);
        FloatVector c42 = FloatVector.fromArray(F, y, y4 + 2 * L);
        FloatVector c43 = FloatVector.fromArray(F, y, y4 + 3 * L);
        FloatVector c50 = FloatVector.fromArray(F, y, y5);
        FloatVector c51 = FloatVector.fromArray(F, y, y5 + L);
        FloatVector c52 = FloatVector.fromArray(F, y, y5 + 2 * L);
        FloatVector c53 = FloatVector.fromArray(F, y, y5 + 3 * L);
        int p = j;
        for (int kk = 0; kk < k; kk++, p += np) {
            FloatVector b0 = FloatVector.fromArray(F, panel, p);
            FloatVector b1 = FloatVector.fromArray(F, panel, p + L);
            FloatVector b2 = FloatVector.fromArray(F, panel, p + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, panel, p + 3 * L);
            FloatVector a0 = FloatVector.broadcast(F, x[x0 + kk]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(F, x[x1 + kk]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
            FloatVector a2 = FloatVector.broadcast(F, x[x2 + kk]);
            c20 = a2.fma(b0, c20); c21 = a2.fma(b1, c21); c22 = a2.fma(b2, c22); c23 = a2.fma(b3, c23);
            FloatVector a3 = FloatVector.broadcast(F, x[x3 + kk]);
            c30 = a3.fma(b0, c30); c31 = a3.fma(b1, c31); c32 = a3.fma(b2, c32); c33 = a3.fma(b3, c33);
            FloatVector a4 = FloatVector.broadcast(F, x[x4 + kk]);
            c40 = a4.fma(b0, c40); c41 = a4.fma(b1, c41); c42 = a4.fma(b2, c42); c43 = a4.fma(b3, c43);
            FloatVector a5 = FloatVector.broadcast(F, x[x5 + kk]);
            c50 = a5.fma(b0, c50); c51 = a5.fma(b1, c51); c52 = a5.fma(b2, c52); c53 = a5.fma(b3, c53);
        }
        c00.intoArray(y, y0); c01.intoArray(y, y0 + L); c02.intoArray(y, y0 + 2 * L); c03.intoArray(y, y0 + 3 * L);
        c10.intoArray(y, y1); c11.intoArray(y, y1 + L); c12.intoArray(y, y1 + 2 * L); c13.intoArray(y, y1 + 3 * L);
        c20.intoArray(y, y2); c21.intoArray(y, y2 + L); c22.intoArray(y, y2 + 2 * L); c23.intoArray(y, y2 + 3 * L);
        c30.intoArray(y, y3); c31.intoArray(y, y3 + L); c32.intoArray(y, y3 + 2 * L); c33.intoArray(y, y3 + 3 * L);
        c40.intoArray(y, y4); c41.intoArray(y, y4 + L); c42.intoArray(y, y4 + 2 * L); c43.intoArray(y, y4 + 3 * L);
        c50.intoArray(y, y5); c51.intoArray(y, y5 + L); c52.intoArray(y, y5 + 2 * L); c53.intoArray(y, y5 + 3 * L);
    }

    // 2 tokens x 4 vectors: the rows that 6-row blocks leave
    private static void rows2cols4(float[] x, int x0, int k, float[] panel, int np, int j, float[] y, int y0,
                               int ldy) {
        int x1 = x0 + k;
        int y1 = y0 + ldy;
        FloatVector c00 = FloatVector.fromArray(F, y, y0);
        FloatVector c01 = FloatVector.fromArray(F, y, y0 + L);
        FloatVector c02 = FloatVector.fromArray(F, y, y0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(F, y, y0 + 3 * L);
        FloatVector c10 = FloatVector.fromArray(F, y, y1);
        FloatVector c11 = FloatVector.fromArray(F, y, y1 + L);
        FloatVector c12 = FloatVector.fromArray(F, y, y1 + 2 * L);
        FloatVector c13 = FloatVector.fromArray(F, y, y1 + 3 * L);
        int p = j;
        for (int kk = 0; kk < k; kk++, p += np) {
            FloatVector b0 = FloatVector.fromArray(F, panel, p);
            FloatVector b1 = FloatVector.fromArray(F, panel, p + L);
            FloatVector b2 = FloatVector.fromArray(F, panel, p + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, panel, p + 3 * L);
            FloatVector a0 = FloatVector.broadcast(F, x[x0 + kk]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
            FloatVector a1 = FloatVector.broadcast(F, x[x1 + kk]);
            c10 = a1.fma(b0, c10); c11 = a1.fma(b1, c11); c12 = a1.fma(b2, c12); c13 = a1.fma(b3, c13);
        }
        c00.intoArray(y, y0); c01.intoArray(y, y0 + L); c02.intoArray(y, y0 + 2 * L); c03.intoArray(y, y0 + 3 * L);
        c10.intoArray(y, y1); c11.intoArray(y, y1 + L); c12.intoArray(y, y1 + 2 * L); c13.intoArray(y, y1 + 3 * L);
    }

    // 1 token x 4 vectors (GEMV)
    private static void rows1cols4(float[] x, int x0, int k, float[] panel, int np, int j, float[] y, int y0,
                               int ldy) {
        FloatVector c00 = FloatVector.fromArray(F, y, y0);
        FloatVector c01 = FloatVector.fromArray(F, y, y0 + L);
        FloatVector c02 = FloatVector.fromArray(F, y, y0 + 2 * L);
        FloatVector c03 = FloatVector.fromArray(F, y, y0 + 3 * L);
        int p = j;
        for (int kk = 0; kk < k; kk++, p += np) {
            FloatVector b0 = FloatVector.fromArray(F, panel, p);
            FloatVector b1 = FloatVector.fromArray(F, panel, p + L);
            FloatVector b2 = FloatVector.fromArray(F, panel, p + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, panel, p + 3 * L);
            FloatVector a0 = FloatVector.broadcast(F, x[x0 + kk]);
            c00 = a0.fma(b0, c00); c01 = a0.fma(b1, c01); c02 = a0.fma(b2, c02); c03 = a0.fma(b3, c03);
        }
        c00.intoArray(y, y0); c01.intoArray(y, y0 + L); c02.intoArray(y, y0 + 2 * L); c03.intoArray(y, y0 + 3 * L);
    }

    // 4 tokens x 2 vectors of outputs: 8 accumulators, 2 loads + 4 broadcasts per column of the panel
    private static void rows4cols2(float[] x, int x0, int k, float[] panel, int np, int j, float[] y, int y0, int ldy) {
        int x1 = x0 + k;
        int x2 = x1 + k;
        int x3 = x2 + k;
        int y1 = y0 + ldy;
        int y2 = y1 + ldy;
        int y3 = y2 + ldy;
        FloatVector c00 = FloatVector.fromArray(F, y, y0);
        FloatVector c01 = FloatVector.fromArray(F, y, y0 + L);
        FloatVector c10 = FloatVector.fromArray(F, y, y1);
        FloatVector c11 = FloatVector.fromArray(F, y, y1 + L);
        FloatVector c20 = FloatVector.fromArray(F, y, y2);
        FloatVector c21 = FloatVector.fromArray(F, y, y2 + L);
        FloatVector c30 = FloatVector.fromArray(F, y, y3);
        FloatVector c31 = FloatVector.fromArray(F, y, y3 + L);
        int p = j;
        for (int kk = 0; kk < k; kk++, p += np) {
            FloatVector b0 = FloatVector.fromArray(F, panel, p);
            FloatVector b1 = FloatVector.fromArray(F, panel, p + L);
            FloatVector a0 = FloatVector.broadcast(F, x[x0 + kk]);
            c00 = a0.fma(b0, c00);
            c01 = a0.fma(b1, c01);
            FloatVector a1 = FloatVector.broadcast(F, x[x1 + kk]);
            c10 = a1.fma(b0, c10);
            c11 = a1.fma(b1, c11);
            FloatVector a2 = FloatVector.broadcast(F, x[x2 + kk]);
            c20 = a2.fma(b0, c20);
            c21 = a2.fma(b1, c21);
            FloatVector a3 = FloatVector.broadcast(F, x[x3 + kk]);
            c30 = a3.fma(b0, c30);
            c31 = a3.fma(b1, c31);
        }
        c00.intoArray(y, y0);
        c01.intoArray(y, y0 + L);
        c10.intoArray(y, y1);
        c11.intoArray(y, y1 + L);
        c20.intoArray(y, y2);
        c21.intoArray(y, y2 + L);
        c30.intoArray(y, y3);
        c31.intoArray(y, y3 + L);
    }

    private static void rows1cols2(float[] x, int x0, int k, float[] panel, int np, int j, float[] y, int y0) {
        FloatVector c0 = FloatVector.fromArray(F, y, y0);
        FloatVector c1 = FloatVector.fromArray(F, y, y0 + L);
        int p = j;
        for (int kk = 0; kk < k; kk++, p += np) {
            FloatVector a = FloatVector.broadcast(F, x[x0 + kk]);
            c0 = a.fma(FloatVector.fromArray(F, panel, p), c0);
            c1 = a.fma(FloatVector.fromArray(F, panel, p + L), c1);
        }
        c0.intoArray(y, y0);
        c1.intoArray(y, y0 + L);
    }

    private static void rows1cols1(float[] x, int x0, int k, float[] panel, int np, int j, float[] y, int y0) {
        FloatVector c0 = FloatVector.fromArray(F, y, y0);
        int p = j;
        for (int kk = 0; kk < k; kk++, p += np) {
            c0 = FloatVector.broadcast(F, x[x0 + kk]).fma(FloatVector.fromArray(F, panel, p), c0);
        }
        c0.intoArray(y, y0);
    }

    private static void gemmTail(float[] x, int m, int k, float[] panel, int np, int j0, float[] y, int ldy, int yCol) {
        for (int i = 0; i < m; i++) {
            for (int j = j0; j < np; j++) {
                float s = y[i * ldy + yCol + j];
                for (int kk = 0; kk < k; kk++) {
                    s = Math.fma(x[i * k + kk], panel[kk * np + j], s);
                }
                y[i * ldy + yCol + j] = s;
            }
        }
    }

    // ================================================================ unpacking tiled codes

    @Override
    public void unpackTile(byte[] codes, int codeOffset, int bits, int kCount, float[] scale, float[] panel,
                           int panelOffset, int np) {
        if (!UNPACK_VECTORISED) {
            ScalarKernels.unpackTileScalar(codes, codeOffset, bits, kCount, scale, panel, panelOffset, np);
        } else if (bits == 8) {
            unpack8(codes, codeOffset, kCount, scale, panel, panelOffset, np);
        } else if (TiledCodes.lowBits(bits) == bits) {
            unpackOnePlane(codes, codeOffset, bits, kCount, scale, panel, panelOffset, np);
        } else {
            unpackTwoPlanes(codes, codeOffset, bits, kCount, scale, panel, panelOffset, np);
        }
    }

    // q in [0, 255] does not fit B2F's signed bytes: flip the top bit (q - 128), widen, add 128 back (exact), then
    // the same single multiplication as the scalar s*q
    private static void unpack8(byte[] codes, int codeOffset, int kCount, float[] scale, float[] panel,
                                int panelOffset, int np) {
        final int w = TiledCodes.TILE;
        for (int h = 0; h < w; h += L) {
            FloatVector s = FloatVector.fromArray(F, scale, h);
            for (int kk = 0; kk < kCount; kk++) {
                int in = codeOffset + (kk >>> 3) * w * 8 + (kk & 7) * w + h;
                ByteVector q = ByteVector.fromArray(B, codes, in).lanewise(VectorOperators.XOR, (byte) 0x80);
                FloatVector f = (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
                f.add(128f).mul(s).intoArray(panel, panelOffset + kk * np + h);
            }
        }
    }

    private static void unpackOnePlane(byte[] codes, int codeOffset, int bits, int kCount, float[] scale,
                                       float[] panel, int panelOffset, int np) {
        final int w = TiledCodes.TILE;
        int logPer = 3 - Integer.numberOfTrailingZeros(bits); // codes per byte = 2^logPer; shifts, not divisions
        byte mask = (byte) ((1 << bits) - 1);
        for (int h = 0; h < w; h += L) {
            FloatVector s = FloatVector.fromArray(F, scale, h);
            for (int kk = 0; kk < kCount; kk++) {
                int u = kk & 7;
                int in = codeOffset + (kk >>> 3) * w * bits + (u >>> logPer) * w + h;
                ByteVector q = ByteVector.fromArray(B, codes, in)
                        .lanewise(VectorOperators.LSHR, (u & ((1 << logPer) - 1)) * bits).and(mask);
                FloatVector f = (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
                f.mul(s).intoArray(panel, panelOffset + kk * np + h);
            }
        }
    }

    private static void unpackTwoPlanes(byte[] codes, int codeOffset, int bits, int kCount, float[] scale,
                                        float[] panel, int panelOffset, int np) {
        final int w = TiledCodes.TILE;
        int lo = TiledCodes.lowBits(bits);
        int hi = bits - lo;
        int logPerLo = 3 - Integer.numberOfTrailingZeros(lo);
        int logPerHi = 3 - Integer.numberOfTrailingZeros(hi);
        byte loMask = (byte) ((1 << lo) - 1);
        byte hiMask = (byte) ((1 << hi) - 1);
        for (int h = 0; h < w; h += L) {
            FloatVector s = FloatVector.fromArray(F, scale, h);
            for (int kk = 0; kk < kCount; kk++) {
                int u = kk & 7;
                int block = codeOffset + (kk >>> 3) * w * bits + h;
                ByteVector low = ByteVector.fromArray(B, codes, block + (u >>> logPerLo) * w)
                        .lanewise(VectorOperators.LSHR, (u & ((1 << logPerLo) - 1)) * lo).and(loMask);
                ByteVector high = ByteVector.fromArray(B, codes, block + (lo + (u >>> logPerHi)) * w)
                        .lanewise(VectorOperators.LSHR, (u & ((1 << logPerHi) - 1)) * hi).and(hiMask);
                ByteVector q = low.or(high.lanewise(VectorOperators.LSHL, lo));
                FloatVector f = (FloatVector) q.convertShape(VectorOperators.B2F, F, 0);
                f.mul(s).intoArray(panel, panelOffset + kk * np + h);
            }
        }
    }

    // ================================================================ 16-bit floats

    // binary16 -> float32 without branches: the exponent and mantissa bits shifted into float position read as
    // 2^-112 times the value (subnormals become float subnormals), so one exact multiplication by 2^112 finishes
    // finite values; exponent 31 (inf, NaN) is blended to 0xFF with its mantissa kept, as HalfFloats does
    @Override
    public void f16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int length) {
        int i = 0;
        for (; i + L <= length; i += L) {
            IntVector h = (IntVector) ShortVector.fromArray(S, src, srcOffset + i).convertShape(VectorOperators.S2I, I, 0);
            IntVector magnitude = h.and(0x7FFF);
            IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
            IntVector finite = shifted.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
            IntVector bits = finite.blend(shifted.or(0x7F80_0000), magnitude.compare(VectorOperators.GE, 0x7C00));
            bits.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats().intoArray(dst, dstOffset + i);
        }
        for (; i < length; i++) {
            dst[dstOffset + i] = HalfFloats.f16ToFloat(src[srcOffset + i]);
        }
    }

    @Override
    public void bf16ToFloat(short[] src, int srcOffset, float[] dst, int dstOffset, int length) {
        int i = 0;
        for (; i + L <= length; i += L) {
            IntVector h = (IntVector) ShortVector.fromArray(S, src, srcOffset + i).convertShape(VectorOperators.S2I, I, 0);
            h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats().intoArray(dst, dstOffset + i);
        }
        for (; i < length; i++) {
            dst[dstOffset + i] = HalfFloats.bf16ToFloat(src[srcOffset + i]);
        }
    }

    // ================================================================ reductions

    @Override
    public float dot(float[] a, int aOffset, float[] b, int bOffset, int length) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        FloatVector s2 = FloatVector.zero(F);
        FloatVector s3 = FloatVector.zero(F);
        int i = 0;
        for (; i + 4 * L <= length; i += 4 * L) {
            s0 = FloatVector.fromArray(F, a, aOffset + i).fma(FloatVector.fromArray(F, b, bOffset + i), s0);
            s1 = FloatVector.fromArray(F, a, aOffset + i + L).fma(FloatVector.fromArray(F, b, bOffset + i + L), s1);
            s2 = FloatVector.fromArray(F, a, aOffset + i + 2 * L)
                    .fma(FloatVector.fromArray(F, b, bOffset + i + 2 * L), s2);
            s3 = FloatVector.fromArray(F, a, aOffset + i + 3 * L)
                    .fma(FloatVector.fromArray(F, b, bOffset + i + 3 * L), s3);
        }
        for (; i + L <= length; i += L) {
            s0 = FloatVector.fromArray(F, a, aOffset + i).fma(FloatVector.fromArray(F, b, bOffset + i), s0);
        }
        float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            s = Math.fma(a[aOffset + i], b[bOffset + i], s);
        }
        return s;
    }

    @Override
    public float sum(float[] a, int offset, int length) {
        FloatVector s0 = FloatVector.zero(F);
        FloatVector s1 = FloatVector.zero(F);
        int i = 0;
        for (; i + 2 * L <= length; i += 2 * L) {
            s0 = s0.add(FloatVector.fromArray(F, a, offset + i));
            s1 = s1.add(FloatVector.fromArray(F, a, offset + i + L));
        }
        for (; i + L <= length; i += L) {
            s0 = s0.add(FloatVector.fromArray(F, a, offset + i));
        }
        float s = s0.add(s1).reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            s += a[offset + i];
        }
        return s;
    }

    // ================================================================ activations and normalisation

    @Override
    public void geluErf(float[] x, int offset, int length) {
        int i = 0;
        for (; i + L <= length; i += L) {
            FloatVector v = FloatVector.fromArray(F, x, offset + i);
            FloatVector z = v.abs().mul(INV_SQRT2);
            FloatVector t = FloatVector.broadcast(F, 1f).div(z.fma(ERF_P, 1f));
            FloatVector poly = t.fma(ERF_A5, ERF_A4).fma(t, FloatVector.broadcast(F, ERF_A3));
            poly = poly.fma(t, FloatVector.broadcast(F, ERF_A2)).fma(t, FloatVector.broadcast(F, ERF_A1)).mul(t);
            FloatVector halfErfc = poly.mul(z.mul(z).neg().lanewise(VectorOperators.EXP)).mul(0.5f);
            // Phi(v) = 1 - erfc/2 for v >= 0 and erfc/2 below: a lane blend, not a vector-valued conditional
            FloatVector cdf = halfErfc.neg().add(1f).blend(halfErfc, v.lt(0f));
            v.mul(cdf).intoArray(x, offset + i);
        }
        for (; i < length; i++) {
            x[offset + i] = geluFloat(x[offset + i]);
        }
    }

    /** The vector formula on one lane, for tails. */
    private static float geluFloat(float v) {
        float z = Math.abs(v) * INV_SQRT2;
        float t = 1f / Math.fma(z, ERF_P, 1f);
        float poly = Math.fma(Math.fma(Math.fma(Math.fma(t, ERF_A5, ERF_A4), t, ERF_A3), t, ERF_A2), t, ERF_A1) * t;
        float halfErfc = poly * (float) Math.exp(-(z * z)) * 0.5f;
        return v * (v < 0f ? halfErfc : 1f - halfErfc);
    }

    @Override
    public void softmax(float[] x, int offset, int length) {
        FloatVector mv = FloatVector.broadcast(F, Float.NEGATIVE_INFINITY);
        int i = 0;
        for (; i + L <= length; i += L) {
            mv = mv.max(FloatVector.fromArray(F, x, offset + i));
        }
        float max = mv.reduceLanes(VectorOperators.MAX);
        for (; i < length; i++) {
            max = Math.max(max, x[offset + i]);
        }
        if (max == Float.NEGATIVE_INFINITY) {
            java.util.Arrays.fill(x, offset, offset + length, 0f);
            return;
        }
        FloatVector sv = FloatVector.zero(F);
        i = 0;
        for (; i + L <= length; i += L) {
            FloatVector e = FloatVector.fromArray(F, x, offset + i).sub(max).lanewise(VectorOperators.EXP);
            e.intoArray(x, offset + i);
            sv = sv.add(e);
        }
        float sum = sv.reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            float e = (float) Math.exp(x[offset + i] - max);
            x[offset + i] = e;
            sum += e;
        }
        scale(x, offset, length, 1f / sum);
    }

    /** Mean and variance accumulate in float lanes (L partial sums each), then one lane reduction. */
    @Override
    public void layerNorm(float[] x, int offset, int length, float[] gamma, float[] beta, float eps) {
        float mean = sum(x, offset, length) / length;
        FloatVector vv = FloatVector.zero(F);
        int i = 0;
        for (; i + L <= length; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, offset + i).sub(mean);
            vv = d.fma(d, vv);
        }
        float var = vv.reduceLanes(VectorOperators.ADD);
        for (; i < length; i++) {
            float d = x[offset + i] - mean;
            var = Math.fma(d, d, var);
        }
        float inv = (float) (1.0 / Math.sqrt((double) var / length + eps));
        i = 0;
        for (; i + L <= length; i += L) {
            FloatVector d = FloatVector.fromArray(F, x, offset + i).sub(mean).mul(inv);
            d.fma(FloatVector.fromArray(F, gamma, i), FloatVector.fromArray(F, beta, i)).intoArray(x, offset + i);
        }
        for (; i < length; i++) {
            x[offset + i] = Math.fma((x[offset + i] - mean) * inv, gamma[i], beta[i]);
        }
    }

    // ================================================================ element-wise

    @Override
    public void add(float[] acc, int accOffset, float[] b, int bOffset, int length) {
        int i = 0;
        for (; i + L <= length; i += L) {
            FloatVector.fromArray(F, acc, accOffset + i).add(FloatVector.fromArray(F, b, bOffset + i))
                    .intoArray(acc, accOffset + i);
        }
        for (; i < length; i++) {
            acc[accOffset + i] += b[bOffset + i];
        }
    }

    @Override
    public void scale(float[] x, int offset, int length, float s) {
        int i = 0;
        for (; i + L <= length; i += L) {
            FloatVector.fromArray(F, x, offset + i).mul(s).intoArray(x, offset + i);
        }
        for (; i < length; i++) {
            x[offset + i] *= s;
        }
    }
}
