package dev.quantcheck.reporting;

import dev.quantcheck.metrics.EmbeddingComparison;
import dev.quantcheck.metrics.TextResult;


/** The text and CSV attachments of a report. */
public final class ReportTables {
    private ReportTables() {
    }

    /**
     * One row per compared text, in text order: {@code index,text,cosine,mse,max_abs_diff} (RFC 4180 quoting;
     * {@code mse} is the mean squared difference over the embedding's elements; NaN written as {@code NaN}).
     */
    public static String perTextCsv(EmbeddingComparison comparison) {
        StringBuilder s = new StringBuilder("index,text,cosine,mse,max_abs_diff\r\n");
        for (TextResult r : comparison.results()) {
            s.append(r.index()).append(',').append(csv(r.text())).append(',').append(r.cosine()).append(',')
                    .append(r.mse()).append(',').append(r.maxAbsDiff()).append("\r\n");
        }
        return s.toString();
    }

    private static String csv(String field) {
        boolean quote = field.indexOf(',') >= 0 || field.indexOf('"') >= 0 || field.indexOf('\n') >= 0
                || field.indexOf('\r') >= 0;
        return quote ? '"' + field.replace("\"", "\"\"") + '"' : field;
    }

}
