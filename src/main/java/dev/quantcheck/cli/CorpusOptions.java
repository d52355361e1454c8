package dev.quantcheck.cli;

import dev.quantcheck.corpus.Corpora;
import dev.quantcheck.corpus.TextCorpus;
import picocli.CommandLine.Option;

import java.io.IOException;

/** {@code --corpus} and {@code --limit}, the same for every command that compares on texts. */
final class CorpusOptions {
    @Option(names = "--corpus", paramLabel = "NAME|FILE", defaultValue = Corpora.DEFAULT,
            description = "builtin:all (default), builtin:SECTION, a text file (one text per line), or an STS "
                    + "Benchmark .tsv (its human scores add the STS Spearman).")
    String corpus;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "0",
            description = "Compare on the corpus's first N texts only (default: all; the built-in corpus "
                    + "interleaves its sections, so any N samples each).")
    int limit;

    /** The corpus named, cut to {@code --limit}; an STS file gives its first {@code maxPairs} pairs. */
    TextCorpus load(int maxPairs) throws IOException {
        return Corpora.load(corpus, maxPairs).first(limit);
    }
}
