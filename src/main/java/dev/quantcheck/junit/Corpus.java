package dev.quantcheck.junit;

import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.corpus.TextCorpus;
import org.junit.jupiter.api.extension.ParameterResolutionException;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;

/** Reads the texts a {@link ReferenceEmbeddings} names: the built-in corpus unless it names another. */
final class Corpus {
    private Corpus() {
    }

    static TextCorpus read(ReferenceEmbeddings spec) {
        int sources = (spec.corpus().isEmpty() ? 0 : 1) + (spec.tsv().isEmpty() ? 0 : 1) + (spec.texts().length == 0 ? 0 : 1);
        if (sources > 1) {
            throw new ParameterResolutionException("@ReferenceEmbeddings takes one corpus: corpus = \"builtin:...\" "
                    + "or \"FILE\", tsv = \"FILE\" with column = N, or texts = {...}; it names " + sources);
        }
        TextCorpus corpus;
        try {
            if (spec.texts().length > 0) {
                corpus = TextCorpus.of("inline texts",
                        List.copyOf(new LinkedHashSet<>(List.of(spec.texts()))));
            } else if (!spec.tsv().isEmpty()) {
                corpus = Corpora.tsvColumn(Path.of(spec.tsv()), spec.column());
            } else {
                corpus = Corpora.load(spec.corpus().isEmpty() ? Corpora.DEFAULT : spec.corpus(), Corpora.ALL_PAIRS);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw new ParameterResolutionException("@ReferenceEmbeddings: " + e.getMessage(), e);
        }
        return corpus.first(spec.limit());
    }
}
