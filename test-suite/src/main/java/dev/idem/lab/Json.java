package dev.idem.lab;

import java.util.Locale;
import java.util.Map;

/** A small JSON writer: the lab needs no library for one document. */
final class Json {

    private final StringBuilder out = new StringBuilder();
    private int depth;
    private boolean first = true;

    Json object() {
        return open('{');
    }

    Json array() {
        return open('[');
    }

    Json end(char close) {
        depth--;
        newline();
        out.append(close);
        first = false;
        return this;
    }

    Json name(String name) {
        separator();
        string(name);
        out.append(": ");
        first = true; // the value that follows needs no separator
        return this;
    }

    Json value(Object value) {
        separator();
        if (value == null) {
            out.append("null");
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            out.append(value);
        } else if (value instanceof Double d) {
            out.append(Double.isFinite(d) ? String.format(Locale.ROOT, "%.3f", d) : "null");
        } else {
            string(value.toString());
        }
        first = false;
        return this;
    }

    Json field(String name, Object value) {
        return name(name).value(value);
    }

    Json map(String name, Map<String, ?> entries) {
        name(name).object();
        entries.forEach(this::field);
        return end('}');
    }

    @Override
    public String toString() {
        return out + "\n";
    }

    private Json open(char open) {
        separator();
        out.append(open);
        depth++;
        first = true;
        return this;
    }

    private void separator() {
        if (!first) {
            out.append(',');
        }
        if (out.length() > 0 && !(first && out.charAt(out.length() - 1) == ' ')) {
            newline();
        }
        first = false;
    }

    private void newline() {
        out.append('\n').append("  ".repeat(Math.max(0, depth)));
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
