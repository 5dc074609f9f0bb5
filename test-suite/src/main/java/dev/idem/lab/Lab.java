package dev.idem.lab;

import dev.idem.testing.Engine;
import dev.idem.testing.Servers;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plans the runs the options ask for, finds the databases, runs each race and collects the report. */
final class Lab {

    private final LabOptions options;
    private final Progress progress;

    Lab(LabOptions options, Progress progress) {
        this.options = options;
        this.progress = progress;
    }

    Report run() {
        Instant startedAt = Instant.now();
        Race.Settings settings = new Race.Settings(options.workers(), options.rounds(), options.think());
        List<Engine> engines = options.engines(Servers.selected());
        List<Report.DatabaseStatus> statuses = new ArrayList<>();
        List<Cell> cells = new ArrayList<>();
        for (Engine engine : engines) {
            String problem = problem(engine);
            if (problem != null) {
                statuses.add(new Report.DatabaseStatus(engine.id(), false, null, problem));
                progress.skipped(engine, problem);
            } else {
                cells.addAll(plan(engine));
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
        for (Engine engine : engines) {
            if (statuses.stream().noneMatch(s -> s.database().equals(engine.id()))) {
                String version = results.stream().filter(r -> r.database().equals(engine.id()) && r.version() != null)
                        .map(Result::version).findFirst().orElse(null);
                statuses.add(new Report.DatabaseStatus(engine.id(), true, version, null));
            }
        }
        statuses.sort((a, b) -> Integer.compare(LabOptions.ORDER.indexOf(Engine.fromId(a.database())),
                LabOptions.ORDER.indexOf(Engine.fromId(b.database()))));
        progress.done();
        return new Report(startedAt, options.workers(), options.rounds(), options.think().toMillis(), statuses, results);
    }

    /** The runs on {@code engine}: every wanted strategy of every wanted scenario, in each of its wanted modes. */
    List<Cell> plan(Engine engine) {
        List<Cell> cells = new ArrayList<>();
        for (Scenario scenario : Scenarios.all()) {
            if (!options.wants(scenario)) {
                continue;
            }
            for (Strategy strategy : scenario.strategies()) {
                if (!options.wants(strategy)) {
                    continue;
                }
                for (Isolation isolation : strategy.isolations(engine)) {
                    if (options.wants(isolation) && isolation.availableOn(engine)) {
                        cells.add(new Cell(engine, scenario, strategy, isolation));
                    }
                }
            }
        }
        return cells;
    }

    /** Why {@code engine} cannot run here, or null when it can. */
    static String problem(Engine engine) {
        if (!engine.isServer()) {
            return null;
        }
        Servers.Availability availability = Servers.availability(engine);
        return availability.available() ? null : availability.problem();
    }

    private Result runOne(Cell cell, Race.Settings settings) {
        try {
            return Race.run(cell, settings, progress);
        } catch (Exception e) {
            // The run itself broke (the database went away, a worker hung): say so in the report, never drop the row.
            return new Result(cell.engine().id(), null, cell.scenario().id(), cell.strategy().id(), cell.isolation().id(),
                    settings.workers(), settings.rounds(), 0, 0, 0, 0, 0, 0, Map.of("run_failed", 1L),
                    Map.of("run_failed", ErrorClasses.sample(e)), 0, 0, 0, 0, cell.strategy().raceFree(),
                    "the run could not complete: " + e.getMessage());
        }
    }
}
