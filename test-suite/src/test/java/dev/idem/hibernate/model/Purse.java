package dev.idem.hibernate.model;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Version;

/** A points counter on an entity with a {@code @Version}: optimistic locking next to Idem's locks. */
@Entity
public class Purse {
    @Id
    private Long id;

    private long points;

    private String note;

    @Version
    private long version;

    protected Purse() {
    }

    public Purse(long id) {
        this.id = id;
    }

    public Long getId() {
        return id;
    }

    public long getPoints() {
        return points;
    }

    public void setPoints(long points) {
        this.points = points;
    }

    public String getNote() {
        return note;
    }

    public void setNote(String note) {
        this.note = note;
    }

    public long getVersion() {
        return version;
    }
}
