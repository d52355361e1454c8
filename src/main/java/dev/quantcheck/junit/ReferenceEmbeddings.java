package dev.quantcheck.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Injects {@link Embeddings} of a corpus computed by the original, unquantized model through quantcheck's own
 * encoder, or read from a golden file.
 *
 * <p>The model is {@link #model()} (the source of a {@code config/models.yaml} entry) or {@link #source()}. The
 * corpus is quantcheck's built-in corpus ({@code builtin:all}) unless {@link #corpus()} names another (a
 * {@code builtin:SECTION}, a text file with one text per line, or an STS Benchmark {@code .tsv}, whose human
 * scores then come with every comparison), {@link #tsv()} names a column of a TSV file, or {@link #texts()} gives
 * them inline.
 *
 * <p>With {@link #golden()}, the embeddings are read from that file, which records the model's fingerprint, the
 * tokenizer's hash, the pooling and the corpus hash; a mismatch is a configuration error, not a quality failure.
 * Goldens are written only when {@code -Dquantcheck.updateGoldens=true} is set, never when {@code CI=true}.
 *
 * <pre>{@code
 * @ReferenceEmbeddings(model = "all-minilm-l6-v2", limit = 300)   // the first 300 texts of builtin:all
 * Embeddings reference;
 * }</pre>
 */
@Target({ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ReferenceEmbeddings {
    /** A {@code config/models.yaml} entry whose source is the reference model. */
    String model() default "";

    /** A float model folder, or {@code builtin:all-minilm-l6-v2}. */
    String source() default "";

    /**
     * {@code builtin:all} (the default when no corpus is named), {@code builtin:SECTION}, a text file (one text per
     * line, blank lines skipped), or an STS Benchmark {@code .tsv} (its sentences, with its pairs and human scores).
     */
    String corpus() default "";

    /** A tab-separated file; {@link #column()} (0-based) holds the texts. */
    String tsv() default "";

    /** The TSV column of the texts (0-based). */
    int column() default 0;

    /** Texts given inline. */
    String[] texts() default {};

    /** Use at most this many distinct texts (0: all), in corpus order; STS pairs are kept when both texts are. */
    int limit() default 0;

    /** A golden file to read the embeddings from instead of computing them (JSON). */
    String golden() default "";

    /** The models file; default {@code config/models.yaml}. */
    String config() default "";
}
