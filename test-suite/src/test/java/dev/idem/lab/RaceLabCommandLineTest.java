package dev.idem.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.idem.lab.race.RaceOptions;
import dev.idem.testing.Target;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line: generated help for both commands, race by default, and refusals with exit status 2. */
class RaceLabCommandLineTest {

    /** What one run of the command line printed, and its exit status. */
    private record Run(int status, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = RaceLab.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(status, out.toString(), err.toString());
    }

    @Test
    void helpIsGeneratedForTheLabAndForEachCommand() {
        Run lab = run("--help");
        assertEquals(0, lab.status());
        assertTrue(lab.out().startsWith("Usage: race-lab"), lab.out());
        for (String text : List.of("--databases", "--rounds", "--workers", "--json", "--html", "--check", "race", "bench",
                "get-or-create", "add-link", "naive-unique", "catch-reselect", "idem-hibernate", "lock-parent")) {
            assertTrue(lab.out().contains(text), text + " missing from\n" + lab.out());
        }
        Run bench = run("bench", "--help");
        assertEquals(0, bench.status());
        assertTrue(bench.out().startsWith("Usage: race-lab bench"), bench.out());
        assertTrue(bench.out().contains("--seconds") && bench.out().contains("--warmup") && !bench.out().contains("--rounds"), bench.out());
        Run race = run("race", "--help");
        assertTrue(race.out().startsWith("Usage: race-lab race") && race.out().contains("--isolation"), race.out());
        assertEquals(bench.out(), run("--benchmark", "--help").out(), "--benchmark still names the benchmark");
    }

    @Test
    void nonsenseIsRefusedWithStatusTwoAndTheUsage() {
        for (String[] args : List.of(new String[] {"--workers", "1"}, new String[] {"--strategies", "optimistic"},
                new String[] {"--databases", "oracle"}, new String[] {"--rounds"}, new String[] {"--rounds", "many"},
                new String[] {"bench", "--workers", "0"}, new String[] {"bench", "--seconds", "soon"},
                new String[] {"bench", "--rounds", "5"}, new String[] {"--isolation", "snapshot"})) {
            Run r = run(args);
            assertEquals(2, r.status(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.err().contains("Usage: race-lab"), r.err());
        }
    }

    @Test
    void raceOptionsHaveSensibleDefaults() {
        RaceOptions defaults = RaceOptions.parse();
        assertEquals(RaceOptions.DEFAULT_WORKERS, defaults.settings().workers());
        assertEquals(RaceOptions.DEFAULT_ROUNDS, defaults.settings().rounds());
        assertEquals(List.of(Target.SQLITE, Target.H2), defaults.targets(Set.of(Target.H2, Target.SQLITE)));
        assertTrue(defaults.targets(null).containsAll(List.of(Target.SQLITE, Target.H2, Target.POSTGRESQL)));
        assertEquals(Set.copyOf(Target.defaults()), Set.copyOf(RaceOptions.parse("--databases", "all").targets(null)));

        RaceOptions some = RaceOptions.parse("--databases", "h2,sqlite", "--strategies=naive,idem", "--isolation", "transaction",
                "--workers", "4", "--rounds", "20", "--json", "--html", "out.html");
        assertEquals(List.of(Target.SQLITE, Target.H2), some.targets(Set.of()));
        assertTrue(some.wants("add-link", "naive", Isolation.REPEATABLE_READ));
        assertFalse(some.wants("add-link", "lock-parent", Isolation.REPEATABLE_READ));
        assertFalse(some.wants("add-link", "naive", Isolation.AUTOCOMMIT));
        assertEquals(4, some.settings().workers());
        assertEquals(Path.of("-"), some.json());
        assertEquals(Path.of("out.html"), some.html());
        assertEquals(4, some.settings().backlogWorkers(), "--workers also sets the claim scenarios' workers");
        assertEquals(16, defaults.settings().backlogWorkers(), "16 workers drain a backlog by default");
        assertEquals(400, defaults.settings().backlog());
        assertEquals(100, RaceOptions.parse("--workers", "100", "--backlog", "50").settings().backlogWorkers(), "100 workers must work");
        assertThrows(IllegalArgumentException.class, () -> RaceOptions.parse("--workers", "129"));
        assertThrows(IllegalArgumentException.class, () -> RaceOptions.parse("--backlog", "0"));
        assertThrows(CommandLine.ParameterException.class, () -> RaceOptions.parse("--rounds"));
    }

    @Test
    void theBenchmarkFlagOfOldIsTheBenchCommand() {
        assertEquals(List.of("bench", "--databases", "h2"), List.of(RaceLab.withoutBenchmarkFlag(new String[] {"--benchmark", "--databases", "h2"})));
        assertEquals(List.of("--rounds", "5"), List.of(RaceLab.withoutBenchmarkFlag(new String[] {"--rounds", "5"})));
    }
}
