package org.spillway.ml.serve;

import java.util.ArrayList;
import java.util.List;

/**
 * The small CSV dialect of request and response bodies (RFC 4180): comma-separated, fields with a comma, quote or
 * line break in double quotes, a quote inside doubled; lines end in LF or CRLF; blank lines are skipped.
 */
final class CsvText {
    private CsvText() {
    }

    /** The records of {@code text}; an unclosed quote is a {@link BadRequest}. */
    static List<List<String>> parse(String text) {
        List<List<String>> out = new ArrayList<>();
        List<String> rec = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = text.length();
        int line = 1;
        boolean any = false;
        while (i < n) {
            char c = text.charAt(i);
            if (c == '"' && field.isEmpty()) {
                int start = line;
                i++;
                while (true) {
                    if (i >= n) {
                        throw new BadRequest(400, "CSV: the quoted field starting on line " + start + " is not closed");
                    }
                    char q = text.charAt(i++);
                    if (q == '"') {
                        if (i < n && text.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        if (q == '\n') {
                            line++;
                        }
                        field.append(q);
                    }
                }
                any = true;
                continue;
            }
            if (c == ',') {
                rec.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (any || !field.isEmpty()) {
                    rec.add(field.toString());
                    out.add(rec);
                    rec = new ArrayList<>();
                    field.setLength(0);
                    any = false;
                }
                if (c == '\r' && i + 1 < n && text.charAt(i + 1) == '\n') {
                    i++;
                }
                line++;
            } else {
                field.append(c);
            }
            i++;
        }
        if (any || !field.isEmpty()) {
            rec.add(field.toString());
            out.add(rec);
        }
        return out;
    }

    /** Appends {@code value} as one field: null as empty, quoted when it holds a comma, quote or line break. */
    static void append(StringBuilder sb, Object value) {
        if (value == null) {
            return;
        }
        String s = value.toString();
        if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
            sb.append('"').append(s.replace("\"", "\"\"")).append('"');
        } else {
            sb.append(s);
        }
    }
}
