package dev.quantcheck.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads corpora by name: {@code builtin:all} or {@code builtin:SECTION} ({@link BuiltinCorpus}), a text file (one
 * text per line), a column of a TSV file, or an STS Benchmark TSV with its human scores.
 *
 * <pre>{@code
 * TextCorpus corpus = Corpora.load("builtin:all", Corpora.ALL_PAIRS);
 * float[][] reference = original.embed(corpus.texts());
 * }</pre>
 */
public final class Corpora {
    /** The corpus used when none is named. */
    public static final String DEFAULT = BuiltinCorpus.ALL;

    /** For {@link #load} and {@link #sts}: every pair of an STS file. */
    public static final int ALL_PAIRS = Integer.MAX_VALUE;

    /**
     * Where the STS Benchmark pairs are on quantcheck's development machines, relative to the project root: an
     * optional extra, the only source of human similarity scores. Users pass their own with {@code --corpus}.
     */
    public static final Path STS_BESIDE_PROJECT = Path.of("..", "shared", "data", "sts", "sts-benchmark-test-part-a.tsv");

    private Corpora() {
    }

    /**
     * A built-in corpus ({@code builtin:...}), an STS Benchmark file (a name ending in {@code .tsv}: its first
     * {@code maxPairs} pairs), or a text file with one text per line.
     */
    public static TextCorpus load(String nameOrPath, int maxPairs) throws IOException {
        if (BuiltinCorpus.isBuiltin(nameOrPath)) {
            return BuiltinCorpus.load(nameOrPath);
        }
        Path file = Path.of(nameOrPath);
        return file.getFileName().toString().endsWith(".tsv") ? sts(file, maxPairs) : lines(file);
    }

    /** One text per line; blank lines skipped, a repeated text kept once. */
    public static TextCorpus lines(Path file) throws IOException {
        return TextCorpus.of(file.toString(), distinct(texts(file)));
    }

    /**
     * Every non-blank line of a UTF-8 text file, in order, repeats included: what {@code embed} turns into one
     * embedding each.
     *
     * @throws IOException naming the file and the fix when it is missing, a folder, not UTF-8 (with the line and byte
     *                     offset of the first bad byte), binary, or has no texts
     */
    public static List<String> texts(Path file) throws IOException {
        List<String> texts = readLines(file).stream().filter(l -> !l.isBlank()).toList();
        if (texts.isEmpty()) {
            throw new IOException(file + ": the corpus has no texts. Fix: write one text per line");
        }
        return texts;
    }

    /**
     * The texts in column {@code column} (0-based) of a tab-separated file; rows without it are skipped.
     *
     * @throws IllegalArgumentException when {@code column} is negative
     */
    public static TextCorpus tsvColumn(Path file, int column) throws IOException {
        if (column < 0) {
            throw new IllegalArgumentException(file + ": column " + column + " does not exist. Fix: number the "
                    + "columns from 0");
        }
        List<String> texts = new ArrayList<>();
        for (String line : readLines(file)) {
            String[] fields = line.split("\t");
            if (fields.length > column && !fields[column].isBlank()) {
                texts.add(fields[column]);
            }
        }
        if (texts.isEmpty()) {
            throw new IOException(file + ": no row has a column " + column + " (0-based). Fix: name the column of "
                    + "the texts");
        }
        return TextCorpus.of(file + " column " + column, distinct(texts));
    }

    /**
     * An STS Benchmark TSV (genre, source, year, id, score, sentence 1, sentence 2, ...): its distinct sentences
     * and its first {@code maxPairs} pairs with their human scores.
     */
    public static TextCorpus sts(Path file, int maxPairs) throws IOException {
        Map<String, Integer> index = new LinkedHashMap<>();
        List<int[]> pairs = new ArrayList<>();
        List<Double> scores = new ArrayList<>();
        int row = 0;
        for (String line : readLines(file)) {
            row++;
            String[] f = line.split("\t");
            if (f.length < 7 || pairs.size() >= maxPairs) {
                continue;
            }
            double score;
            try {
                score = Double.parseDouble(f[4]);
                if (!Double.isFinite(score)) {
                    throw new NumberFormatException("not finite");
                }
            } catch (NumberFormatException e) {
                throw new IOException(file + " line " + row + ": the score (column 5) is '" + f[4] + "', not a number. "
                        + "Fix: an STS Benchmark TSV has genre, source, year, id, score, sentence 1, sentence 2", e);
            }
            int a = index.computeIfAbsent(f[5], k -> index.size());
            int b = index.computeIfAbsent(f[6], k -> index.size());
            pairs.add(new int[] {a, b});
            scores.add(score);
        }
        if (pairs.isEmpty()) {
            throw new IOException(file + ": no STS pairs (rows of at least 7 tab-separated columns). Fix: pass an STS "
                    + "Benchmark TSV, or a .txt file with one text per line");
        }
        return new TextCorpus(file.toString(), new ArrayList<>(index.keySet()), pairs,
                scores.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The STS Benchmark file beside the project rooted at {@code home}, when it is there. */
    public static Optional<Path> stsBeside(Path home) {
        Path sts = home.resolve(STS_BESIDE_PROJECT).normalize();
        return Files.isRegularFile(sts) ? Optional.of(sts) : Optional.empty();
    }

    private static List<String> readLines(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new IOException(file + " is a folder, not a corpus file. Fix: name a file with one text per line, "
                    + "or " + BuiltinCorpus.ALL);
        }
        if (!Files.isRegularFile(file)) {
            throw new IOException(file.toAbsolutePath() + ": no such corpus file. Fix: name a file with one text per "
                    + "line, or " + BuiltinCorpus.ALL);
        }
        byte[] bytes = Files.readAllBytes(file);
        // text never holds NUL: say "binary" rather than point at its first byte that is not UTF-8
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw new IOException(file + " line " + lineOf(bytes, i) + ", byte offset " + i + ": a NUL byte; this "
                        + "looks like a binary file, not text. Fix: pass a UTF-8 text file with one text per line");
            }
        }
        CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length + 1);
        CoderResult result = utf8.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            throw new IOException(String.format(Locale.ROOT, "%s line %d, byte offset %d: 0x%02X is not UTF-8 text. "
                    + "Fix: save the corpus as UTF-8, one text per line (e.g. iconv -f latin1 -t utf-8)", file,
                    lineOf(bytes, at), at, bytes[at] & 0xFF));
        }
        utf8.flush(out);
        return out.flip().toString().lines().toList();
    }

    /** The 1-based line of byte {@code offset}. */
    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    private static List<String> distinct(List<String> texts) {
        return new ArrayList<>(new LinkedHashSet<>(texts));
    }
}
