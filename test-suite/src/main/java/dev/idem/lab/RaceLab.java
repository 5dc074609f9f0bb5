package dev.idem.lab;

import dev.idem.lab.bench.BenchCommand;
import dev.idem.lab.race.RaceCommand;
import dev.idem.lab.race.RaceOptions;
import dev.idem.lab.soak.SoakCommand;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The race lab's command line. {@code race} (the default, so {@code race-lab} alone runs it) races each
 * scenario from the users' threads on real databases, naive code next to Idem; {@code bench} measures
 * Idem's speed against the raw statements; {@code soak} runs every operation at once and checks the history
 * of answers against the database. SQLite and H2 always run; PostgreSQL, MariaDB and MySQL run
 * when {@link dev.idem.testing.Servers} finds them. {@code race-lab --help}, {@code race-lab bench --help}.
 */
@Command(name = "race-lab", subcommands = {RaceCommand.class, BenchCommand.class, SoakCommand.class, CommandLine.HelpCommand.class},
        sortOptions = false,
        description = "Races each scenario from the users' threads on real databases, naive code next to Idem, and reports "
                + "duplicates, errors by class, throughput and latency for each. Without a command it runs 'race'.",
        footer = "%nrace-lab bench measures Idem's speed against the raw statements: race-lab bench --help.%n"
                + "race-lab soak runs every operation at once for a while and checks the history: race-lab soak --help.")
public final class RaceLab implements Callable<Integer> {

    @Mixin
    RaceOptions options;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs the lab as the command line would, and returns the exit status (2 for a usage error). */
    public static int run(String[] args, PrintWriter out, PrintWriter err) {
        Quiet.libraries();
        findDatabasesScript();
        return new CommandLine(new RaceLab()).setOut(out).setErr(err).execute(withoutBenchmarkFlag(args));
    }

    @Override
    public Integer call() {
        return RaceCommand.race(options, spec.commandLine());
    }

    /** {@code race-lab --benchmark ...}, as the lab was run before it had commands, is {@code race-lab bench ...}. */
    static String[] withoutBenchmarkFlag(String[] args) {
        if (!Arrays.asList(args).contains("--benchmark")) {
            return args;
        }
        List<String> rest = new ArrayList<>(List.of("bench"));
        Arrays.stream(args).filter(a -> !a.equals("--benchmark") && !a.equals("bench")).forEach(rest::add);
        return rest.toArray(String[]::new);
    }

    /**
     * Points the database facility at test-suite/scripts/databases.sh, which starts local servers from
     * installed binaries; the jar lives in test-suite/target, the script two levels up from it.
     */
    private static void findDatabasesScript() {
        String property = "idem.databases.script";
        if (System.getProperty(property) != null) {
            return;
        }
        try {
            Path code = Path.of(RaceLab.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            for (Path dir = code; dir != null; dir = dir.getParent()) {
                Path script = dir.resolve("scripts/databases.sh");
                if (Files.isRegularFile(script)) {
                    System.setProperty(property, script.toString());
                    return;
                }
            }
        } catch (Exception e) {
            // Without the script the lab still runs; the local-server provider says it was not found.
        }
    }
}
