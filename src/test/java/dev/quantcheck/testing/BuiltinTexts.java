package dev.quantcheck.testing;

import dev.quantcheck.corpus.BuiltinCorpus;

import java.util.List;

/** Texts of quantcheck's built-in corpus for tests: every section is sampled by any prefix of it. */
public final class BuiltinTexts {
    private BuiltinTexts() {
    }

    /** The first {@code n} texts of {@code builtin:all}. */
    public static List<String> first(int n) {
        return BuiltinCorpus.load(BuiltinCorpus.ALL).first(n).texts();
    }

    /** Every text of {@code builtin:all}. */
    public static List<String> all() {
        return BuiltinCorpus.load(BuiltinCorpus.ALL).texts();
    }
}
