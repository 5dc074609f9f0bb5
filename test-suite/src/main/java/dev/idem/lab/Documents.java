package dev.idem.lab;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Writes the lab's JSON documents (with Jackson) and its output files. */
public final class Documents {

    /** The one mapper of the lab: indented output, fields in the order they are put. */
    public static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Documents() {
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    /** {@code value} rounded to three decimals, as the documents show measurements; null when it is not a finite number. */
    public static JsonNode measure(double value) {
        return Double.isFinite(value) ? JSON.getNodeFactory().numberNode(Math.round(value * 1000) / 1000.0) : JSON.nullNode();
    }

    /** The {@code databases} array both documents share: which databases ran, their versions, and why others did not. */
    public static ArrayNode databases(List<Databases.Status> statuses) {
        ArrayNode array = JSON.createArrayNode();
        for (Databases.Status status : statuses) {
            array.addObject()
                    .put("database", status.database())
                    .put("available", status.available())
                    .put("version", status.version())
                    .put("problem", status.problem());
        }
        return array;
    }

    /** The document as text, ending with a newline. */
    public static String render(JsonNode document) {
        try {
            return JSON.writeValueAsString(document) + "\n";
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code content} to {@code file}, creating its directory. */
    public static void write(Path file, String content) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
