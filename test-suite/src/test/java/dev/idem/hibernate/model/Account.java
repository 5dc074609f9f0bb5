package dev.idem.hibernate.model;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.ColumnDefault;
import org.hibernate.annotations.CreationTimestamp;
import org.hibernate.annotations.Generated;

/**
 * A UUID id, quoted table and column names, a converted key, a version, an enum, a timestamp Hibernate
 * sets in memory on insert and a column the database fills in.
 */
@Entity
@Table(name = "\"Account Holder\"")
public class Account {
    @Id
    @GeneratedValue(strategy = GenerationType.UUID)
    private UUID id;

    @Convert(converter = EmailConverter.class)
    @Column(name = "\"E-Mail\"", unique = true, nullable = false)
    private Email email;

    @Version
    private long version;

    private Plan plan;

    @CreationTimestamp
    private Instant createdAt;

    @Generated
    @ColumnDefault("'new'")
    @Column(length = 20)
    private String status;

    protected Account() {
    }

    public UUID getId() {
        return id;
    }

    public Email getEmail() {
        return email;
    }

    public long getVersion() {
        return version;
    }

    public Plan getPlan() {
        return plan;
    }

    public void setPlan(Plan plan) {
        this.plan = plan;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }

    public String getStatus() {
        return status;
    }
}
