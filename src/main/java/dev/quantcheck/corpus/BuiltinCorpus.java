package dev.quantcheck.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * quantcheck's own corpus: texts the project wrote (no sentence comes from a dataset), in sections by domain and
 * by what they exercise, shipped in the jar from {@code fixtures/corpus/} (its README says what each section
 * holds). {@code builtin:all} takes the sections in turns, one text of each at a time, so a prefix of any length
 * samples every section, and a section's own order (paraphrase families on consecutive lines) is kept.
 */
public final class BuiltinCorpus {
    /** The name prefix that marks a built-in corpus wherever a corpus file is accepted. */
    public static final String PREFIX = "builtin:";

    /** Every section, interleaved. */
    public static final String ALL = PREFIX + "all";

    /** The sections, in the order {@link #ALL} takes them; each is {@code fixtures/corpus/NAME.txt}. */
    public static final List<String> SECTIONS = List.of("news", "science", "reviews", "support", "code", "legal",
            "medical", "chat", "multilingual", "paraphrases", "short", "long");

    private static final Map<String, List<String>> CACHE = new ConcurrentHashMap<>();

    private BuiltinCorpus() {
    }

    /** Whether {@code name} names a built-in corpus ({@code builtin:...}), known or not. */
    public static boolean isBuiltin(String name) {
        return name.startsWith(PREFIX);
    }

    /**
     * {@code builtin:all} or {@code builtin:SECTION}.
     *
     * @throws IllegalArgumentException for another name, listing the ones there are
     */
    public static TextCorpus load(String name) {
        if (name.equals(ALL)) {
            return TextCorpus.of(ALL, interleaved());
        }
        String section = isBuiltin(name) ? name.substring(PREFIX.length()) : "";
        if (!SECTIONS.contains(section)) {
            throw new IllegalArgumentException("no built-in corpus '" + name + "'. Fix: use " + ALL + " or one of "
                    + SECTIONS.stream().map(s -> PREFIX + s).toList());
        }
        return TextCorpus.of(PREFIX + section, section(section));
    }

    private static List<String> interleaved() {
        List<List<String>> sections = SECTIONS.stream().map(BuiltinCorpus::section).toList();
        LinkedHashSet<String> all = new LinkedHashSet<>();
        int longest = sections.stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < longest; i++) {
            for (List<String> s : sections) {
                if (i < s.size()) {
                    all.add(s.get(i));
                }
            }
        }
        return new ArrayList<>(all);
    }

    private static List<String> section(String section) {
        return CACHE.computeIfAbsent(section, s -> {
            String resource = "/dev/quantcheck/corpus/" + s + ".txt";
            try (InputStream in = BuiltinCorpus.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException(resource + " is missing from quantcheck's jar: the build did not "
                            + "package fixtures/corpus");
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return text.lines().filter(l -> !l.isBlank()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + resource, e);
            }
        });
    }
}
