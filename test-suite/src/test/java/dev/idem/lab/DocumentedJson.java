package dev.idem.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What test-suite/RACE-LAB.md promises of the lab's JSON documents: the example documents in its
 * {@code json} blocks, parsed with Jackson, and the field names of its field tables. A rendered document
 * is checked against them field by field.
 */
public final class DocumentedJson {

    private static final Path RACE_LAB_MD = Path.of("RACE-LAB.md");

    private DocumentedJson() {
    }

    /** The example document of {@code schema}, as RACE-LAB.md shows it. */
    public static JsonNode example(String schema) {
        Matcher blocks = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL).matcher(text());
        while (blocks.find()) {
            try {
                JsonNode node = Documents.JSON.readTree(blocks.group(1));
                if (node.path("schema").asText().equals(schema)) {
                    return node;
                }
            } catch (IOException e) {
                fail("RACE-LAB.md has a json block that does not parse: " + e.getMessage());
            }
        }
        throw new AssertionError("RACE-LAB.md shows no example of " + schema);
    }

    /**
     * The names in the first column of the field tables (those headed {@code | field | meaning |}) of the
     * section whose heading contains {@code heading}.
     */
    public static Set<String> tableFields(String heading) {
        String text = text();
        int start = text.indexOf(heading);
        assertTrue(start >= 0, "RACE-LAB.md has no section " + heading);
        int end = text.indexOf("\n## ", start + 1);
        Set<String> fields = new TreeSet<>();
        boolean inFieldTable = false;
        for (String line : text.substring(start, end < 0 ? text.length() : end).split("\n")) {
            if (line.startsWith("| field |")) {
                inFieldTable = true;
                continue;
            }
            if (!line.startsWith("|")) {
                inFieldTable = false;
            }
            if (!inFieldTable) {
                continue;
            }
            Matcher names = Pattern.compile("`([^`]+)`").matcher(line.substring(1, line.indexOf('|', 1)));
            while (names.find()) {
                // "latencyMillis.p50", ".p99", "results[].database": every segment is a field name.
                for (String part : names.group(1).replace("[]", "").split("\\.")) {
                    if (!part.isEmpty()) {
                        fields.add(part);
                    }
                }
            }
        }
        return fields;
    }

    /** Every field name anywhere in {@code node}, except inside the open maps {@code open} names. */
    public static Set<String> fieldNames(JsonNode node, Set<String> open) {
        Set<String> names = new TreeSet<>();
        collect(node, open, names);
        return names;
    }

    /**
     * Checks {@code actual} against the documented {@code example}: the same fields, recursively, each of a
     * compatible type (a documented string may be null, and the reverse); an empty documented object is an
     * open map, and every element of an array has the shape of the example's first.
     */
    public static void assertShape(JsonNode example, JsonNode actual, String path) {
        if (example.isObject()) {
            assertTrue(actual.isObject(), path + " should be an object: " + actual);
            if (example.isEmpty()) {
                return;
            }
            assertEquals(names(example), names(actual), path + ": the fields differ from RACE-LAB.md's example");
            for (String name : names(example)) {
                assertShape(example.get(name), actual.get(name), path + "." + name);
            }
        } else if (example.isArray()) {
            assertTrue(actual.isArray(), path + " should be an array: " + actual);
            if (!example.isEmpty()) {
                for (JsonNode element : actual) {
                    assertShape(example.get(0), element, path + "[]");
                }
            }
        } else if (!example.isNull() && !actual.isNull()) {
            assertEquals(example.getNodeType(), actual.getNodeType(), path + " has another type than in RACE-LAB.md: " + actual);
        }
    }

    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void collect(JsonNode node, Set<String> open, Set<String> names) {
        if (node.isObject()) {
            for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                names.add(name);
                if (!open.contains(name)) {
                    collect(node.get(name), open, names);
                }
            }
        } else if (node.isArray()) {
            node.forEach(element -> collect(element, open, names));
        }
    }

    private static String text() {
        try {
            return Files.readString(RACE_LAB_MD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
