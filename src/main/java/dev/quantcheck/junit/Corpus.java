package dev.quantcheck.junit;

import org.junit.jupiter.api.extension.ParameterResolutionException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Reads the texts a {@link ReferenceEmbeddings} names. */
final class Corpus {
    private Corpus() {
    }

    static List<String> read(ReferenceEmbeddings spec) {
        int sources = (spec.corpus().isEmpty() ? 0 : 1) + (spec.tsv().isEmpty() ? 0 : 1) + (spec.texts().length == 0 ? 0 : 1);
        if (sources != 1) {
            throw new ParameterResolutionException("@ReferenceEmbeddings needs exactly one corpus: corpus = \"FILE\", "
                    + "tsv = \"FILE\" with column = N, or texts = {...}; it names " + sources);
        }
        List<String> texts = new ArrayList<>();
        if (spec.texts().length > 0) {
            texts.addAll(List.of(spec.texts()));
        } else {
            boolean tsv = !spec.tsv().isEmpty();
            Path file = Path.of(tsv ? spec.tsv() : spec.corpus());
            List<String> lines;
            try {
                lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ParameterResolutionException("cannot read the corpus " + file.toAbsolutePath() + ": " + e, e);
            }
            for (String line : lines) {
                if (tsv) {
                    String[] fields = line.split("\t");
                    if (fields.length > spec.column()) {
                        texts.add(fields[spec.column()]);
                    }
                } else if (!line.isBlank()) {
                    texts.add(line);
                }
            }
        }
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(texts));
        if (distinct.isEmpty()) {
            throw new ParameterResolutionException("the corpus of @ReferenceEmbeddings has no texts");
        }
        return spec.limit() > 0 && distinct.size() > spec.limit() ? distinct.subList(0, spec.limit()) : distinct;
    }
}
