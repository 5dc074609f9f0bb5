package dev.idem.spring.app;

/** What one request did: the tag's id, whether it created the tag, whether it added the link. */
public record Tagged(long tagId, boolean created, boolean added) {

    public static Tagged parse(String body) {
        String[] parts = body.trim().split(" ");
        return new Tagged(Long.parseLong(parts[0]), Boolean.parseBoolean(parts[1]), Boolean.parseBoolean(parts[2]));
    }

    public String body() {
        return tagId + " " + created + " " + added;
    }
}
