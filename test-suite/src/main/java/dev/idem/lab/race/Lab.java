package dev.idem.lab.race;

import dev.idem.lab.Databases;
import dev.idem.lab.Isolation;
import dev.idem.lab.scenario.Scenarios;
import dev.idem.testing.Engine;
import dev.idem.testing.Servers;
import dev.idem.testing.Target;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Plans the runs the options ask for, finds the databases, runs each race and collects the report. */
public final class Lab {

    private final RaceOptions options;
    private final Progress progress;

    public Lab(RaceOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    public Report run() {
        Instant startedAt = Instant.now();
        Race.Settings settings = options.settings();
        List<Target> targets = options.targets(Servers.explicitSelection());
        List<Databases.Status> statuses = new ArrayList<>();
        List<Cell> cells = new ArrayList<>();
        for (Target target : targets) {
            String problem = Databases.problem(target);
            if (problem != null) {
                statuses.add(new Databases.Status(target.id(), false, null, problem));
                progress.skipped(target, problem);
            } else {
                cells.addAll(plan(target));
            }
        }
        List<Result> results = new ArrayList<>();
        for (int i = 0; i < cells.size(); i++) {
            Cell cell = cells.get(i);
            progress.started(cell, i + 1, cells.size());
            Result result = runOne(cell, settings);
            results.add(result);
            progress.finished(result);
        }
        for (Target target : targets) {
            if (statuses.stream().noneMatch(s -> s.database().equals(target.id()))) {
                String version = results.stream().filter(r -> r.run().database().equals(target.id()) && r.run().version() != null)
                        .map(r -> r.run().version()).findFirst().orElse(null);
                statuses.add(new Databases.Status(target.id(), true, version, null));
            }
        }
        progress.done();
        return new Report(startedAt, settings, Databases.inOrder(statuses), results);
    }

    /** The runs on {@code target}: every wanted strategy of every wanted scenario, in each of its wanted modes. */
    List<Cell> plan(Target target) {
        Engine engine = target.engine();
        List<Cell> cells = new ArrayList<>();
        for (Scenario scenario : Scenarios.all()) {
            for (Strategy strategy : scenario.strategies()) {
                for (Isolation isolation : strategy.isolations(engine)) {
                    if (options.wants(scenario.id(), strategy.id(), isolation) && isolation.availableOn(engine)) {
                        cells.add(new Cell(target, scenario, strategy, isolation));
                    }
                }
            }
        }
        return cells;
    }

    private Result runOne(Cell cell, Race.Settings settings) {
        try {
            return Race.run(cell, settings, progress);
        } catch (Exception e) {
            // The run itself broke (the database went away, a worker hung): say so in the report, never drop the row.
            return Result.failed(cell.run(null, settings.workers(), settings.rounds()), e);
        }
    }
}
