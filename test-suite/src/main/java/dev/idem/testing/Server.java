package dev.idem.testing;

/**
 * Where a client-server database was found: its administrative JDBC URL and credentials (able to create
 * and drop databases or schemas), and a word on where it came from, for messages.
 */
public record Server(Target target, String url, String user, String password, String origin) {

    @Override
    public String toString() {
        return target.id() + " at " + url + " (" + origin + ")";
    }
}
