package dev.idem.lab.scenario.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * The claim race's {@code task} row as a JPA application maps it. Idem writes the claim columns; the
 * claimed-by column is mapped read-only, and the lease's end (whose type differs per database) not at all.
 */
@Entity(name = "LabTask")
@Table(name = "task")
public class LabTask {

    @Id
    private Long id;

    private String payload;

    @Column(nullable = false, length = 20)
    private String status;

    @Column(name = "claimed_by", insertable = false, updatable = false)
    private String claimedBy;

    public Long getId() {
        return id;
    }

    public String getPayload() {
        return payload;
    }

    public String getStatus() {
        return status;
    }

    public String getClaimedBy() {
        return claimedBy;
    }
}
