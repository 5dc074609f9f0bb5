package dev.idem.lab;

import dev.idem.testing.Servers;
import dev.idem.testing.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Which databases a command runs on, in report order, and whether each can be had here. */
public final class Databases {

    /** The embedded databases first: they always run, so they report first. */
    public static final List<Target> ORDER = List.of(Target.SQLITE, Target.H2, Target.POSTGRESQL, Target.POSTGRESQL_16,
            Target.POSTGRESQL_18, Target.MARIADB, Target.MARIADB_11, Target.MYSQL);
    /** What the race runs when neither --databases nor IDEM_DATABASES names any: the embedded ones and PostgreSQL. */
    public static final List<Target> QUICK = List.of(Target.SQLITE, Target.H2, Target.POSTGRESQL);

    /**
     * A database a command was asked to run on: its version when it ran, the reason when it was skipped.
     * Both documents carry these as their {@code databases} array.
     */
    public record Status(String database, boolean available, String version, String problem) {
    }

    private Databases() {
    }

    /**
     * The ids given on the command line ({@code all} for every database), as targets.
     *
     * @throws IllegalArgumentException for an unknown id
     */
    public static List<Target> parse(List<String> ids) {
        List<Target> targets = new ArrayList<>();
        for (String id : ids) {
            String clean = id.trim().toLowerCase(Locale.ROOT);
            if (clean.equals("all")) {
                targets.addAll(Target.defaults());
            } else if (!clean.isEmpty()) {
                targets.add(Target.fromId(clean));
            }
        }
        return targets.stream().distinct().toList();
    }

    /**
     * The databases to run, in report order: those named; else those IDEM_DATABASES selects
     * ({@code environmentSelection}, null when it is not set); else {@code fallback}, plus every server
     * given by its IDEM_&lt;DB&gt;_URL.
     */
    public static List<Target> choose(List<Target> named, java.util.Set<Target> environmentSelection, List<Target> fallback) {
        return ORDER.stream().filter(t -> !named.isEmpty() ? named.contains(t)
                : environmentSelection != null ? environmentSelection.contains(t)
                : fallback.contains(t) || t.isServer() && Servers.setting(t.urlVariable()) != null).toList();
    }

    /** Why {@code target} cannot run here, or null when it can. */
    public static String problem(Target target) {
        if (!target.isServer()) {
            return null;
        }
        Servers.Availability availability = Servers.availability(target);
        return availability.available() ? null : availability.problem();
    }

    /** Sorts statuses into report order. */
    public static List<Status> inOrder(List<Status> statuses) {
        List<Status> sorted = new ArrayList<>(statuses);
        sorted.sort((a, b) -> Integer.compare(ORDER.indexOf(Target.fromId(a.database())), ORDER.indexOf(Target.fromId(b.database()))));
        return List.copyOf(sorted);
    }
}
