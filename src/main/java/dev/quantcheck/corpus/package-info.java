/**
 * The texts models are compared on: quantcheck's built-in corpus ({@code builtin:all} and its sections, written by
 * the project and shipped in the jar), text files, TSV columns, and STS Benchmark files with human scores.
 *
 * <p>Every command and annotation that takes a corpus takes the same names through {@link
 * dev.quantcheck.corpus.Corpora#load}: {@code builtin:all}, {@code builtin:SECTION}, or a file path.
 */
package dev.quantcheck.corpus;
