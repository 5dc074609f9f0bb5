package dev.idem.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Index;
import jakarta.persistence.Table;

/**
 * A job of a work queue in a table: waiting while its status is "new". Idem writes its claim columns; two
 * are mapped read-only here, and the lease's end, whose type differs per database, is added by the test.
 */
@Entity
@Table(name = "task", indexes = @Index(name = "task_claim", columnList = "status, id"))
public class Task {
    @Id
    private Long id;

    private String payload;

    @Column(nullable = false, length = 20)
    private String status;

    @Column(name = "claimed_by", length = 100, insertable = false, updatable = false)
    private String claimedBy;

    @Column(name = "claim_token", length = 32, insertable = false, updatable = false)
    private String claimToken;

    protected Task() {
    }

    public Task(long id, String payload) {
        this.id = id;
        this.payload = payload;
        this.status = "new";
    }

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

    public String getClaimToken() {
        return claimToken;
    }
}
