package dev.idem.lab;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Walks the race lab's options: {@code --name value}, {@code --name=value}, flags without a value, and
 * {@code --json}, whose file is optional ({@code -}, standard output, when none follows).
 */
final class CommandLine {

    /** Receives each option; {@code value} is null for a flag. */
    interface Handler {
        void option(String name, String value);
    }

    private CommandLine() {
    }

    static void walk(String[] args, Set<String> flags, Handler handler) {
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int eq = arg.indexOf('=');
            String name = eq >= 0 ? arg.substring(0, eq) : arg;
            String value = eq >= 0 ? arg.substring(eq + 1) : null;
            if (flags.contains(name)) {
                handler.option(name, null);
            } else if (name.equals("--json")) {
                boolean fileFollows = value == null && i + 1 < args.length && !args[i + 1].startsWith("--");
                handler.option(name, value != null ? value : fileFollows ? args[++i] : "-");
            } else {
                if (value == null && i + 1 < args.length) {
                    value = args[++i];
                }
                if (value == null) {
                    throw new IllegalArgumentException(name + " needs a value");
                }
                handler.option(name, value);
            }
        }
    }

    /** A comma-separated list, trimmed and lower-cased, without empty items. */
    static List<String> list(String value) {
        return Arrays.stream(value.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).toList();
    }
}
