package dev.quantcheck.reporting;

import java.nio.charset.StandardCharsets;

/**
 * One rendered chart.
 *
 * @param name  a file-name stem, e.g. {@code cosine-histogram}
 * @param title the chart's title
 * @param png   the chart as PNG
 * @param svg   the same chart as an SVG document
 */
public record Plot(String name, String title, byte[] png, String svg) {
    /** The PNG file signature. */
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    public byte[] svgBytes() {
        return svg.getBytes(StandardCharsets.UTF_8);
    }
}
