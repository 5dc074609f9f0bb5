package dev.idem.lab.scenario.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** The counter race's {@code player} row as a JPA application maps it: an assigned id and the points. */
@Entity(name = "LabPlayer")
@Table(name = "player")
public class LabPlayer {

    @Id
    private Long id;

    @Column(nullable = false)
    private long points;

    public Long getId() {
        return id;
    }

    public long getPoints() {
        return points;
    }

    public void setPoints(long points) {
        this.points = points;
    }
}
